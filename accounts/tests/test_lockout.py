from django.test import Client
from django.utils import translation

from audit.models import AuditEntry
from conftest import PASSWORD


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_and_the_sixth_attempt_is_told_so(city):
    client = Client()
    for _ in range(4):
        response = _login(client, "town_a", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode() or "Wrong username" in response.content.decode()
    assert _login(client, "town_a", "wrong-password").status_code == 403  # the fifth failure locks
    response = _login(client, "town_a", PASSWORD)  # the sixth attempt, even with the right password
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="locked"' in body
    assert "30" in body
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, actor_username="town_a").count() >= 5


def test_the_security_administrator_unlocks_and_the_unlock_is_audited(city, client_for):
    client = Client()
    for _ in range(5):
        _login(client, "town_b", "wrong-password")
    assert _login(client, "town_b", PASSWORD).status_code == 403

    secadmin = client_for("secadmin", enforce_csrf=False)
    page = secadmin.get("/accounts/security/")
    assert "town_b" in page.content.decode()
    response = secadmin.post("/accounts/security/unlock/", {"username": "town_b"})
    assert response.status_code == 302

    assert _login(client, "town_b", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert entry.actor_username == "secadmin"
    assert entry.object_id == str(city["town_b"].pk)


def test_only_the_security_administrator_may_unlock(city, client_for):
    for username in ["sysadmin", "centre", "auditor"]:
        response = client_for(username).post("/accounts/security/unlock/", {"username": "town_a"})
        assert response.status_code == 403


def test_unlocking_an_account_that_is_not_locked_says_so(city, client_for):
    response = client_for("secadmin").post("/accounts/security/unlock/", {"username": "town_a"}, follow=True)
    with translation.override("zh-hans"):
        assert "town_a" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK).exists()


def test_the_token_endpoint_is_locked_too(city):
    client = Client()
    for _ in range(4):
        assert client.post("/api/v1/auth/token/", {"username": "fagai", "password": "nope"}).status_code == 400
    assert client.post("/api/v1/auth/token/", {"username": "fagai", "password": "nope"}).status_code == 403
    response = client.post("/api/v1/auth/token/", {"username": "fagai", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["detail"]
