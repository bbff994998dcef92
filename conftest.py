"""Fixtures shared by every app's tests: the demo city's named users, one per role."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.demo import load_units_and_users
from accounts.models import User
from decisions.models import TierRuleSet

# Headless Chromium as STACK.md runs it here (browser tests, the journey).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a test module (Playwright on the system's /usr/bin/chromium)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fresh_token_throttle():
    """The token exchange allows 20 attempts a minute from one address (REST_FRAMEWORK's "token" rate); every test
    client comes from 127.0.0.1, so each test starts with that address's allowance unspent."""
    from django.core.cache import cache

    cache.delete("throttle_token_127.0.0.1")


def ensure_default_tier_rules():
    """The seed's rules, as the data migration creates them (a transactional test may have flushed them)."""
    import datetime
    from decimal import Decimal

    TierRuleSet.objects.get_or_create(
        effective_from=datetime.date(2020, 1, 1),
        defaults={
            "major_land_mu": Decimal(200),
            "major_investment": Decimal(1_000_000_000),
            "office_land_mu": Decimal(50),
            "office_investment": Decimal(100_000_000),
        },
    )


PASSWORD = settings.DEMO_PASSWORD
ROLE_USERS = [
    "centre",
    "fagai",
    "town_a",
    "town_b",
    "platform",
    "evaluator",
    "leader",
    "deputy",
    "sysadmin",
    "secadmin",
    "auditor",
]


@pytest.fixture
def city(db):
    """The demo units and users; returns {username: User}."""
    from projects.data.reference import load_industries
    from projects.models import Industry

    # Reference data from data migrations is gone after a transactional test flushed the tables.
    load_industries(Industry)
    ensure_default_tier_rules()
    load_units_and_users(password=PASSWORD)
    return {u.username: u for u in User.objects.select_related("unit")}


@pytest.fixture
def client_for(city):
    """A logged-in test client for a named demo user."""

    def make(username, *, enforce_csrf=False):
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(city[username])
        second_factor_given(client, city[username])
        return client

    return make


def second_factor_given(client, user):
    """Deliberately, for tests about something else: a force-logged-in administrator's session counts as having
    given the TOTP code (accounts.identity). accounts/tests/test_identity.py tests the real step."""
    from accounts import identity

    if identity.needs_second_factor(user):
        session = client.session
        session[identity.VERIFIED_SESSION_KEY] = user.pk
        session.save()


@pytest.fixture
def api_for(city):
    """An API client authenticated by token for a named demo user."""
    from rest_framework.authtoken.models import Token

    def make(username):
        from accounts import identity

        client = APIClient()
        if identity.needs_second_factor(city[username]):
            # Administrators' tokens are refused: they use the API from their verified session.
            client.force_login(city[username])
            second_factor_given(client, city[username])
            return client
        token, _ = Token.objects.get_or_create(user=city[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def _database_url():
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def start_celery(*extra, env_extra=None, log_name="worker"):
    """A real Celery worker process (``extra``: more arguments, e.g. ``-B`` for an embedded beat) on the test
    database and the test broker, listening to this test process's own queue. Returns (process, log path)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test",
        "DATABASE_URL": _database_url(),
        **(env_extra or {}),
    }
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    log_path = settings.VAR_DIR / f"{log_name}-{os.getpid()}.log"
    with log_path.open("w") as log:
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
                *extra,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The Celery worker exited: {log_path.read_text()[-2000:]}")
        if "ready." in log_path.read_text():
            return proc, log_path
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("The Celery worker did not start within 60 s.")


def stop_celery(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database and the test broker."""
    proc, _log = start_celery()
    yield proc
    stop_celery(proc)
