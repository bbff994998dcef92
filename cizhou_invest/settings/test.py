"""Tests: PostgreSQL from DATABASE_URL (make test starts a throwaway one), fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-cizhou-invest-key-0123456789")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
LANGUAGE_CODE = "zh-hans"

# Each pytest-xdist process gets its own queue, so the real worker it starts never takes
# another process's tasks (their databases differ).
CELERY_TASK_DEFAULT_QUEUE = "cizhou-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so a worker process can open the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405

# Tests read every URL as the deputy within seconds; the rate-limit tests set their own limit.
OVERSIGHT_READS_PER_MINUTE = 100_000

# Each pytest-xdist process its own cache keys (its worker, which inherits the variable, shares them): one process
# spending the token exchange's allowance of 127.0.0.1 must not throttle the other's tests.
CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
