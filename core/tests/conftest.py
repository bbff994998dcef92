import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection


def _database_url():
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database and the test broker."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test", "DATABASE_URL": _database_url()}
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    log = open(settings.VAR_DIR / f"worker-{os.getpid()}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cizhou_invest",
            "worker",
            "-P",
            "solo",
            "-l",
            "info",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The Celery worker exited: {open(log.name).read()[-2000:]}")
        if "ready." in open(log.name).read():
            break
        time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("The Celery worker did not start within 60 s.")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
