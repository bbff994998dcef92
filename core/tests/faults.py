"""Helpers for the fault tests: a PostgreSQL and a Redis of their own (to stop and start at will), the test
process's Celery app pointed at such a Redis, and a worker hook that holds a task once.

A worker started with ``-I core.tests.faults`` and ``CIZHOU_TEST_HOLD_FLAG=<file>`` holds the first task it
finishes while that file exists (after the body, before the acknowledgement: the window where a lost worker
means the task is delivered again although its writes are committed), writing ``<file>.held`` with the pid
of the process holding it.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from celery.signals import task_postrun

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HOLD_FLAG = "CIZHOU_TEST_HOLD_FLAG"


@task_postrun.connect
def _hold_once(**kwargs):
    flag = os.environ.get(HOLD_FLAG)
    if not flag:
        return
    try:
        os.unlink(flag)  # the claim: only the first task is held, its next delivery runs through
    except FileNotFoundError:
        return
    Path(flag + ".held").write_text(str(os.getpid()))
    time.sleep(600)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout=60, what="the condition", every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"Waited {timeout} s for {what}")


class Postgres:
    """A throwaway PostgreSQL cluster on a free port, stopped and started at will; removed on exit."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cizhou-fault-pg.", dir="/tmp"))
        self.data = self.dir / "data"
        self.running = False

    def _as_postgres(self, *cmd, check=True):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, cmd)], cwd=self.dir, check=check, capture_output=True, text=True)

    def __enter__(self):
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._as_postgres(
            PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"
        )
        self.start()
        return self

    def __exit__(self, *exc):
        if self.running:
            self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off"
        )
        log = self.dir / "server.log"
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start")
        self.running = True

    def stop(self):
        """As an administrator would (fast: open connections are cut)."""
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        self.running = False

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def createdb(self, name):
        subprocess.run(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name], check=True
        )
        return self.url(name)


class Redis:
    """A throwaway Redis on a free port, stopped and started again on the same port at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.running = False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.running:
            self.stop()

    def _ping(self):
        return subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0

    def start(self):
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "yes"],
            check=True,
            capture_output=True,
        )
        wait_for(self._ping, timeout=10, what="Redis to start", every=0.05)
        self.running = True

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        wait_for(lambda: not self._ping(), timeout=10, what="Redis to stop", every=0.05)
        self.running = False


def _reset_producers(app):
    # Forget, do not close: kombu keeps one pool per broker in a registry, and the session's is used again after.
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def use_broker(url):
    """The test process's Celery app publishes to ``url`` inside the block."""
    from cizhou_invest.celery import app

    before = app.conf.broker_url
    _reset_producers(app)
    app.conf.broker_url = url
    try:
        yield app
    finally:
        _reset_producers(app)
        app.conf.broker_url = before


def start_beat(schedule_file, env_extra, log_path):
    """A standalone ``celery beat`` process (the one a deployment runs) with its own schedule file."""
    import sys

    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test", **env_extra}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cizhou_invest", "beat", "-l", "info", "-s", str(schedule_file)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return proc


def table_checksums(url):
    """{table: (rows, md5 of every row's text in order)} and {sequence: last value} of a PostgreSQL database."""
    import psycopg2
    from psycopg2 import sql

    tables, sequences = {}, {}
    conn = psycopg2.connect(url.replace("postgres://", "postgresql://", 1))
    with contextlib.closing(conn), conn.cursor() as cur:
        cur.execute("SET TimeZone = 'UTC'")
        cur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
        for (table,) in cur.fetchall():
            cur.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            tables[table] = cur.fetchone()
        cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cur.fetchall())
    return tables, sequences
