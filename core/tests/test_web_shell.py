import subprocess
import sys

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def test_chinese_is_the_default_and_english_works(client):
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()
    assert "登录" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/")
    assert 'lang="en"' in page.content.decode()
    assert "Log in" in page.content.decode()
    assert "登录" not in page.content.decode()


def test_security_headers_and_csp(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_asset_from_outside(client_for):
    html = client_for("centre").get("/").content.decode()
    assert "http://" not in html and "https://" not in html
    assert "/static/vendor/bootstrap.min.css" in html and "/static/vendor/htmx.min.js" in html


def test_csrf_is_enforced_on_forms(client_for, city):
    client = client_for("sysadmin", enforce_csrf=True)
    response = client.post(f"/accounts/users/{city['town_a'].pk}/", {"full_name": "x"})
    assert response.status_code == 403
    city["town_a"].refresh_from_db()
    assert city["town_a"].full_name == "周落地"


def test_sessions_expire_after_30_idle_minutes(client_for):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    client = client_for("centre")
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_healthz_reports_database_and_broker(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": {"ok": True}, "broker": {"ok": True}}


def test_healthz_says_503_when_the_broker_is_unreachable(db, client):
    from cizhou_invest.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def _manage(*args, env=None):
    import os

    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | (env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=cizhou_invest.settings.production",
        env={
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789-abcdef",
            "DJANGO_ALLOWED_HOSTS": "invest.example.gov.cn",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_missing_migrations():
    result = _manage("makemigrations", "--check", "--dry-run", "--settings=cizhou_invest.settings.test")
    assert result.returncode == 0, result.stdout + result.stderr
