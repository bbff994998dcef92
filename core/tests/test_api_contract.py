"""The API contract (issue 10, item 3): schemathesis, with all its checks, against /api/schema/ served by a live
gunicorn over a copy of the test database seeded with the demo city, as a user of each role. No 500, every
response matches its schema, every status code is documented, schema-violating requests are refused and
schema-valid ones accepted (save the business rules the schema cannot express, listed below).

`make test` runs a bounded pass (few examples, no coverage sweep); `make fuzz` runs the full one
(API_FUZZ=full: every phase, schemathesis's default 100 examples per operation)."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.engine import Status, events  # noqa: E402

# The tests only reach the database through the server, but the test database must exist to be copied.
pytestmark = pytest.mark.django_db

FULL = os.environ.get("API_FUZZ") == "full"
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "100" if FULL else "3"))
SEED = int(os.environ.get("API_FUZZ_SEED", "20261"))
# Every role, the administrators (whose writes can take others' roles away) last.
ROLES = [
    "centre",
    "fagai",
    "caizheng",
    "town_a",
    "platform",
    "evaluator",
    "leader",
    "deputy",
    "auditor",
    "secadmin",
    "sysadmin",
]
# The three administrators use no API token (accounts.identity.token_refusal): they call the API from the web
# console's session, which holds their second factor.
SESSION_ROLES = {"sysadmin", "secadmin", "auditor"}

# Schema-valid requests these operations refuse with a 400 for a reason JSON Schema cannot express: an id that
# names no row (or one outside the caller's unit), a value already taken (unique codes), or a rule across fields
# or rows. ST202 (positive_data_acceptance) still fails them on any other status, and every other check holds.
UNKNOWN_IDS = "ids of rows that exist in the caller's scope"
BUSINESS_RULES = {
    "POST /api/v1/auth/token/": "a username and password of an account",
    "POST /api/v1/allocations/": UNKNOWN_IDS + "; exactly one resource, not held already",
    "POST /api/v1/companies/": "the USCC's check digit (GB 32100-2015), unique",
    "PATCH /api/v1/companies/{id}/": "the USCC's check digit (GB 32100-2015), unique",
    "POST /api/v1/partners/": "an agreement that ends after it starts",
    "POST /api/v1/parcels/": "a unique code",
    "POST /api/v1/factory-spaces/": "a unique code",
    "POST /api/v1/energy-quotas/": "a unique code",
    "POST /api/v1/filings/": UNKNOWN_IDS + "; a national project code with a real month, unique",
    "POST /api/v1/projects/": UNKNOWN_IDS + " (investor, units, partner)",
    "PATCH /api/v1/projects/{id}/": UNKNOWN_IDS + " (investor, units, partner)",
    "POST /api/v1/projects/{id}/transition/": "the stage's conditions",
    "POST /api/v1/equity-changes/": UNKNOWN_IDS + "; a share of at least 0.01",
    "POST /api/v1/tier-rules/": "one rule set a day; the office thresholds not above the major ones",
    "POST /api/v1/projects/{id}/evaluation/members/": UNKNOWN_IDS + " (an evaluator)",
    "POST /api/v1/projects/{id}/evaluation/opinions/": "a rating and a note on each of the seven dimensions",
    "POST /api/v1/projects/{id}/decision/steps/": UNKNOWN_IDS + "; the steps in order",
    "POST /api/v1/minutes/{id}/supersede/": "each term with an amount or a ratio",
    "POST /api/v1/projects/{id}/exemptions/": "the project's state",
    "POST /api/v1/projects/{id}/agreement/": "dates and shares consistent with each other",
    "POST /api/v1/projects/{id}/land-contracts/": UNKNOWN_IDS + " (the parcel); dates in order",
    "PUT /api/v1/projects/{id}/indicators/{indicator}/{year}/": "a year the project is supervised in",
    "POST /api/v1/findings/{id}/actions/": UNKNOWN_IDS + " (an exemption); the action the finding's state allows",
    "POST /api/v1/funds/": "a budget at or above the floor, one fund a year",
    "POST /api/v1/policies/": "document number and version unique together",
    "POST /api/v1/projects/{id}/incentives/": UNKNOWN_IDS + " (fund year, clause, term); a cap of at least 0.01",
    "POST /api/v1/incentive-requests/": UNKNOWN_IDS + " (the commitment item); an amount of at least 0.01",
    "POST /api/v1/clawbacks/{id}/repayments/": "an amount of at least 0.01, not above what is owed",
    "POST /api/v1/users/": UNKNOWN_IDS + " (the unit); a unique username; the password policy",
    "PATCH /api/v1/users/{id}/": UNKNOWN_IDS + " (the unit); the separation of the three administrators",
}


def _seed(database_url, roles):
    """Runs in a child process against the contract database: reference data, the demo city, and credentials
    for each role. Prints {role: headers} as JSON."""
    code = f"""
import io
import json
import django
django.setup()
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from accounts.identity import VERIFIED_SESSION_KEY
from accounts.models import User
from conftest import ensure_default_tier_rules
from projects.data.reference import load_industries
from projects.models import Industry

load_industries(Industry)
ensure_default_tier_rules()
call_command("load_demo", sweep="none", stdout=io.StringIO())
headers = {{}}
for username in {list(roles)!r}:
    user = User.objects.get(username=username)
    if username in {sorted(SESSION_ROLES)!r}:
        session = SessionStore()
        session.update({{
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            VERIFIED_SESSION_KEY: user.pk,
        }})
        session.create()
        csrf = get_random_string(32)
        cookies = {{settings.SESSION_COOKIE_NAME: session.session_key, settings.CSRF_COOKIE_NAME: csrf}}
        headers[username] = {{
            "Cookie": "; ".join(f"{{name}}={{value}}" for name, value in cookies.items()),
            "X-CSRFToken": csrf,
        }}
    else:
        headers[username] = {{"Authorization": "Token " + Token.objects.get_or_create(user=user)[0].key}}
print("CREDENTIALS " + json.dumps(headers))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test", "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("CREDENTIALS "))
    return json.loads(line.removeprefix("CREDENTIALS "))


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(proc, url, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own loopback http URL
            return
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not serve within 60 s")


@pytest.fixture(scope="module")
def contract_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn over a copy of this worker's test database (so the fuzzer's writes never reach other tests),
    seeded with the demo city; yields (base URL, {role: headers})."""
    if connection.vendor != "postgresql":
        pytest.skip("the contract test copies the PostgreSQL test database")
    from conftest import _database_url

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"contract_{worker}"
    with django_db_blocker.unblock():
        template = connection.settings_dict["NAME"]
        test_url = _database_url()
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    database_url = test_url.rsplit("/", 1)[0] + "/" + name
    credentials = _seed(database_url, ROLES)

    log_path = tmp_path_factory.mktemp("contract") / "gunicorn.log"
    port = _free_port()
    redis_url = os.environ.get("REDIS_URL", "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cizhou_invest.settings.test",
        "DATABASE_URL": database_url,
        # A Redis database of its own: the token throttle the fuzzer trips must not throttle other tests.
        "REDIS_URL": redis_url.rsplit("/", 1)[0] + f"/{8 + sum(map(ord, worker)) % 8}" if redis_url else "",
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cizhou_invest.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--no-control-socket", "--timeout", "60", "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(proc, f"{base}/healthz", log_path)
        # The runs below mean something only if each role is signed in (not a wall of 401s).
        for role, headers in credentials.items():
            request = urllib.request.Request(f"{base}/api/v1/me/", headers=headers)  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                assert json.loads(response.read())["username"] == role
        yield base, credentials, log_path
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _config(headers, *, session):
    phases = {"examples": {"enabled": True}, "fuzzing": {"enabled": True}, "stateful": {"enabled": True}}
    phases["coverage"] = {"enabled": FULL}
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "workers": 1,  # Python 3.11's parser is not thread-safe under hypothesis's lambda descriptions
            "cache": {"enabled": False},
            "headers": headers,
            "auth": {"auto-signup": False},  # signed in already; no account of its own
            "request-timeout": 30,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "no-shrink": not FULL,
                "database": "none",
                # A session's credential is its cookie: a token header made up beside it (which DRF rightly
                # ignores, as it names no token) would prove nothing. ignored_auth still strips the cookie.
                "with-security-parameters": not session,
            },
            "phases": phases,
            "checks": {
                "enabled": True,  # all of them
                # Invalid data is rejected also when gunicorn refuses a request line or headers too long for it
                # (414, 431: its limits, 4,094 bytes, stand before the app).
                "negative_data_rejection": {
                    "expected-statuses": [
                        *("400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "431"),
                        "5xx",
                    ]
                },
            },
            "operations": [
                {
                    "include-name": operation,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
                        }
                    },
                }
                for operation in BUSINESS_RULES
            ],
        }
    )


def _describe(label, check, interaction):
    failure = check.failure_info.failure
    lines = [f"{label}: {failure.code if hasattr(failure, 'code') else ''} {failure.title}", failure.message.strip()]
    if interaction is not None and interaction.response is not None:
        body = (interaction.response.content or b"")[:300].decode(errors="replace")
        lines.append(f"[{interaction.response.status_code}] {body}")
    lines.append(check.failure_info.code_sample[:600])
    return "\n".join(lines)


def run_contract(base, headers, *, session=False):
    """Run every phase the configuration enables; returns (failure descriptions, errors, cases sent, seconds per
    phase)."""
    config = _config(headers, session=session)
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/", config=config, headers=headers)
    failures, errors, sent, phases = {}, [], 0, {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            phases[event.phase.name.value] = event.timestamp
        elif isinstance(event, events.PhaseFinished):
            name = event.phase.name.value
            phases[name] = round(event.timestamp - phases.get(name, event.timestamp))
        elif isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            sent += len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = (recorder.label, type(failure).__name__, failure.title)
                        if key not in failures:
                            failures[key] = _describe(recorder.label, check, recorder.interactions.get(case_id))
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()[:1500]}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
    return list(failures.values()), errors, sent, phases


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_its_contract(contract_server, role):
    base, credentials, log_path = contract_server
    started = time.monotonic()
    failures, errors, sent, phases = run_contract(base, credentials[role], session=role in SESSION_ROLES)
    report = Path(settings.VAR_DIR) / "contract" / f"{role}-{'full' if FULL else 'bounded'}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        f"role {role}: {sent} test cases in {time.monotonic() - started:.0f} s, max examples {MAX_EXAMPLES}, "
        f"full={FULL}, seconds per phase {phases}\n\n" + "\n\n".join(failures + errors)
    )
    assert sent > 0
    assert not errors, "\n\n".join(errors)
    server_log = log_path.read_text()[-3000:] if "ST101" in "".join(failures) else ""
    assert not failures, f"{len(failures)} contract failures as {role}:\n\n" + "\n\n".join([*failures, server_log])
