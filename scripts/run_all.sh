#!/usr/bin/env bash
# Serve the web app with a real Celery worker and beat beside it; stop the worker with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/celery -A cizhou_invest worker -B -l info --concurrency 2 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
