"""PostgreSQL stopped and started again while the app runs: requests get a clean 503 (a page, or JSON for the
API; no traceback), and the app serves again once the database is back, without a restart."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from conftest import _database_url
from core.middleware import DatabaseUnavailableMiddleware
from core.tests.faults import PG_BIN, Postgres, free_port, wait_for


def _get(url, headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own loopback http URL
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback, http
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _start_gunicorn(database_url, log_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test",
        "DATABASE_URL": database_url,
        # Persistent connections, as in production: after a restart the health check must replace a dead one.
        "DATABASE_CONN_MAX_AGE": "60",
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cizhou_invest.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--no-control-socket", "--timeout", "60"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def listening():
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)  # noqa: S310
        except (ConnectionError, urllib.error.URLError):
            return False
        return True

    wait_for(listening, timeout=60, what="gunicorn to listen", every=0.2)
    return proc, f"http://127.0.0.1:{port}"


@pytest.mark.worker
def test_a_stopped_database_gives_503_and_the_app_recovers_without_a_restart(transactional_db, city, tmp_path):
    started = time.monotonic()
    # A signed-in session and an API token for the centre, committed, then the whole test database copied into
    # a PostgreSQL of this test's own (the one it stops).
    browser = Client()
    browser.force_login(city["centre"])
    page_headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"}
    api_headers = {"Authorization": f"Token {Token.objects.create(user=city['centre']).key}"}
    dump = tmp_path / "db.dump"
    subprocess.run([PG_BIN / "pg_dump", "-Fc", "-f", dump, "-d", _database_url()], check=True)
    with Postgres() as pg:
        url = pg.createdb("cizhou")
        subprocess.run([PG_BIN / "pg_restore", "--no-owner", "--exit-on-error", "-d", url, dump], check=True)
        server, base = _start_gunicorn(url, tmp_path / "gunicorn.log")
        try:
            assert _get(f"{base}/tasks/", page_headers)[0] == 200
            assert _get(f"{base}/api/v1/me/", api_headers)[0] == 200

            pg.stop()
            status, headers, body = _get(f"{base}/tasks/", page_headers)
            assert status == 503, body[:500]
            assert headers["Retry-After"] == "30"
            assert 'data-testid="unavailable"' in body
            assert "Traceback" not in body and "OperationalError" not in body and "File &quot;" not in body
            status, headers, body = _get(f"{base}/api/v1/me/", api_headers)
            assert status == 503 and headers["Content-Type"] == "application/json"
            assert "Traceback" not in body and "OperationalError" not in body and '"detail"' in body

            pg.start()
            assert _get(f"{base}/tasks/", page_headers)[0] == 200
            assert _get(f"{base}/api/v1/me/", api_headers)[0] == 200

            # Restarted between two requests: the worker's persistent connection is dead; the health check
            # (CONN_HEALTH_CHECKS) replaces it and the next request succeeds.
            pg.stop()
            pg.start()
            assert _get(f"{base}/tasks/", page_headers)[0] == 200
            assert server.poll() is None  # the same gunicorn all along
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert time.monotonic() - started < 90


def test_a_database_error_in_a_view_is_a_503_page_or_json_with_retry_after():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    factory = RequestFactory()
    page = middleware.process_exception(factory.get("/projects/"), OperationalError("connection refused"))
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert 'data-testid="unavailable"' in page.content.decode()
    api = middleware.process_exception(factory.get("/api/v1/projects/"), OperationalError("connection refused"))
    assert api.status_code == 503 and set(json.loads(api.content)) == {"detail", "errors"}
    assert middleware.process_exception(factory.get("/projects/"), ValueError("not ours")) is None
