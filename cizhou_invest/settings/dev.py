"""Local development and `make run`: embedded SQLite and filesystem broker unless told otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret-cizhou-invest-local-key-0123456789")

from .base import *  # noqa: E402,F403
