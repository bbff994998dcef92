"""Production gunicorn settings: `gunicorn` in the repository's top folder reads this file by itself.

    DJANGO_SECRET_KEY=… DJANGO_ALLOWED_HOSTS=… DATABASE_URL=postgres://… .venv/bin/gunicorn

Everything can be changed from the environment (the names below), or on the command line, which wins.
Sync workers: the pages and the API are short database-bound requests; slow work (imports, reports, the
sweep) runs in Celery, not here. A reverse proxy (nginx) in front buffers slow clients and serves TLS.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _flag(name, default):
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


wsgi_app = "cizhou_invest.wsgi:application"  # cizhou_invest.settings.production unless DJANGO_SETTINGS_MODULE
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Workers: two per core plus one is gunicorn's rule for sync workers (a request waits on PostgreSQL part of
# the time); WEB_CONCURRENCY is the name most platforms set.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
threads = _int("GUNICORN_THREADS", 1)

# Timeouts: a request that takes longer than this is a bug or belongs in a worker task; the graceful
# timeout lets requests in flight finish on a reload; keep-alive for the proxy's pooled connections.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (bounds any slow leak), staggered so they do not all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)

# Load Django once in the master and fork: faster start, less memory (shared pages). Database connections
# are opened lazily by each worker (none is open in the master: see pre_fork).
preload_app = _flag("GUNICORN_PRELOAD", True)

# The heartbeat file in memory, not on a disk that may stall (containers mount /tmp on overlay).
SHM = "/dev/shm"  # noqa: S108 (a tmpfs, not a shared temporary folder)
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (SHM if os.path.isdir(SHM) else None)

# Logs: errors to stderr; no access log unless asked for (the proxy keeps one; each line costs a write per
# request). GUNICORN_ACCESS_LOG=- writes it to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 27 opens a control socket in the working folder; two servers from one folder would clash.
control_socket_disable = not _flag("GUNICORN_CONTROL_SOCKET", False)


def pre_fork(server, worker):
    """No database connection may cross a fork (two processes on one socket): close any the master opened
    while loading the application."""
    try:
        from django.db import connections
    except ImportError:  # pragma: no cover - Django is always there
        return
    connections.close_all()
