"""Identity (issue 10, item 2): unique accounts, passwords that expire, lockout, the idle timeout, the three
administrators' second factor, and the three administrators kept apart.

Logins here go through the real doors (the login page, the second-factor page, the token endpoint), not
``force_login``, unless a test says otherwise."""

import io
import itertools
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services, totp
from accounts.identity import VERIFIED_SESSION_KEY
from accounts.models import PasswordHistory, SecondFactor, Unit, User
from accounts.roles import ADMIN_ROLES, Role
from audit.models import AuditEntry
from conftest import PASSWORD
from core.errors import ApplicationError

ADMINS = ["sysadmin", "secadmin", "auditor"]
BUSINESS_ROLES = sorted(set(Role.values) - ADMIN_ROLES)
NEW_PASSWORD = "Fresh-start-2027"


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def code_for(username, *, steps_ahead=0):
    secret = SecondFactor.objects.get(user__username=username).secret
    return totp.code_at(secret, timezone.now().timestamp() + steps_ahead * totp.STEP_SECONDS)


def wrong_code_for(username):
    secret = SecondFactor.objects.get(user__username=username).secret
    candidate = 0
    while totp.matching_step(secret, f"{candidate:06d}") is not None:
        candidate += 1
    return f"{candidate:06d}"


def admin_login(username, *, steps_ahead=0):
    client = Client()
    assert login(client, username).status_code == 302
    response = client.post("/accounts/second-factor/", {"code": code_for(username, steps_ahead=steps_ahead)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def expire(username, days=None):
    days = settings.PASSWORD_MAX_AGE_DAYS + 1 if days is None else days
    User.objects.filter(username=username).update(password_changed_at=timezone.now() - timedelta(days=days))


def new_user(actor, username, roles, **extra):
    return services.user_create(
        actor=actor,
        username=username,
        password="Strong-pass-2026",
        unit=Unit.objects.get(code="dashuju"),
        roles=roles,
        **extra,
    )


# Unique accounts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["Town_A", "TOWN_A", "town_A"])
def test_user_names_are_unique_whatever_their_case(city, spelling):
    with pytest.raises(ApplicationError) as exc:
        new_user(city["sysadmin"], spelling, [Role.LANDING])
    assert exc.value.errors["username"]
    assert User.objects.filter(username__iexact="town_a").count() == 1


def test_the_database_refuses_a_user_name_differing_only_in_case(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="SysAdmin")


def test_a_phone_number_belongs_to_one_account(city):
    services.user_update(actor=city["sysadmin"], user=city["town_a"], phone="138 0000-1234")
    city["town_a"].refresh_from_db()
    assert city["town_a"].phone == "13800001234"  # stored in one form, so every spelling clashes
    for spelling in ["13800001234", "+86 138 0000 1234", "138-0000-1234"]:
        with pytest.raises(ApplicationError) as exc:
            new_user(city["sysadmin"], "twin", [Role.LANDING], phone=spelling)
        assert exc.value.errors["phone"]
        with pytest.raises(ApplicationError):
            services.user_update(actor=city["sysadmin"], user=city["town_b"], phone=spelling)
    assert not User.objects.filter(username="twin").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="twin", phone="13800001234")
    # Many accounts without a phone number are fine.
    assert User.objects.filter(phone="").count() > 10


def test_every_door_refuses_a_duplicate_account(city, client_for, api_for):
    unit = Unit.objects.get(code="centre").pk
    page = client_for("sysadmin").post(
        "/accounts/users/new/",
        {
            "username": "CENTRE",
            "unit": unit,
            "roles": [Role.CENTRE],
            "password1": "Strong-pass-2026",
            "password2": "Strong-pass-2026",
        },
    )
    assert page.status_code == 200
    assert 'data-testid="error-username"' in page.content.decode()
    api = api_for("sysadmin").post(
        "/api/v1/users/",
        {"username": "Centre", "password": "Strong-pass-2026", "unit": unit, "roles": [Role.CENTRE]},
        format="json",
    )
    assert api.status_code == 400 and api.json()["errors"]["username"]
    admin = client_for("sysadmin").post(
        "/admin/accounts/user/add/",
        {"username": "cEnTrE", "unit": unit, "password1": "Strong-pass-2026", "password2": "Strong-pass-2026"},
    )
    assert admin.status_code == 200 and admin.context["adminform"].form.errors["username"]
    assert User.objects.filter(username__iexact="centre").count() == 1


# Passwords that expire ------------------------------------------------------------------------------------


def test_the_maximum_age_is_ninety_days_by_default():
    assert settings.PASSWORD_MAX_AGE_DAYS == 90


def test_a_password_within_its_age_opens_everything(city):
    expire("town_a", days=settings.PASSWORD_MAX_AGE_DAYS - 1)
    client = Client()
    assert login(client, "town_a")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/projects/").status_code == 200


def test_an_expired_password_must_be_changed_before_anything_else(city):
    expire("town_a")
    client = Client()
    assert login(client, "town_a").status_code == 302
    for path in ["/", "/projects/", "/projects/new/", "/monitoring/findings/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/password/?next="), path
    refused_write = client.post("/projects/new/", {"name": "x"})
    assert refused_write.status_code == 302 and refused_write["Location"] == "/accounts/password/"
    api = client.get("/api/v1/projects/")
    assert api.status_code == 403
    assert "90" in api.json()["detail"]

    page = client.get("/accounts/password/?next=/projects/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="password-expired"' in body
    assert "90" in body
    assert page.context["nav_items"] == []  # nothing else to open yet

    changed = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "/projects/",
        },
    )
    assert changed.status_code == 302 and changed["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200  # the same session goes on
    assert User.objects.get(username="town_a").password_changed_at > timezone.now() - timedelta(minutes=1)


def test_logout_and_language_stay_open_with_an_expired_password(city):
    expire("town_a")
    client = Client()
    login(client, "town_a")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_expired_password_closes_the_api_to_tokens_too(city, api_for):
    api = api_for("centre")
    assert api.get("/api/v1/me/").status_code == 200
    expire("centre")
    response = api.get("/api/v1/me/")
    assert response.status_code == 403
    assert "/accounts/password/" in response.json()["detail"]
    token = APIClient().post("/api/v1/auth/token/", {"username": "centre", "password": PASSWORD})
    assert token.status_code == 403 and token.json()["detail"]


def test_the_maximum_age_is_a_setting(city):
    expire("town_a", days=31)
    client = Client()
    login(client, "town_a")
    assert client.get("/").status_code == 200
    with override_settings(PASSWORD_MAX_AGE_DAYS=30):
        assert client.get("/")["Location"].startswith("/accounts/password/")


def test_a_maximum_age_over_ninety_days_fails_the_system_check():
    from accounts.checks import password_max_age

    assert password_max_age(None) == []
    for days in (0, 91, 365):
        with override_settings(PASSWORD_MAX_AGE_DAYS=days):
            assert [e.id for e in password_max_age(None)] == ["accounts.E001"]


def _change(client, current, new, confirm=None):
    return client.post(
        "/accounts/password/",
        {"current_password": current, "new_password": new, "new_password2": confirm or new},
    )


def test_the_change_page_applies_the_password_policy(city, client_for):
    client = client_for("town_a")
    weak = _change(client, PASSWORD, "short1A!")
    assert weak.status_code == 200
    assert 'data-testid="error-new_password"' in weak.content.decode()
    assert "10" in weak.context["form"].errors["new_password"][0]
    services.password_policy_update(actor=city["secadmin"], min_length=16, min_classes=4)
    assert "16" in _change(client, PASSWORD, "Long-enough-123").context["form"].errors["new_password"][0]
    wrong_current = _change(client, "not-my-password", NEW_PASSWORD)
    assert wrong_current.context["form"].errors["current_password"]
    mismatch = _change(client, PASSWORD, NEW_PASSWORD, "Something-else-2027")
    assert mismatch.context["form"].errors["new_password2"]
    assert User.objects.get(username="town_a").check_password(PASSWORD)


def test_the_current_and_the_last_five_passwords_cannot_be_used_again(city):
    user = city["town_a"]
    with pytest.raises(ApplicationError) as exc:
        services.password_change(user=user, current_password=PASSWORD, new_password=PASSWORD)
    assert exc.value.errors["new_password"]
    passwords = [PASSWORD] + [f"Rotation-{n}-pass!" for n in range(1, 7)]
    for before, after in itertools.pairwise(passwords[:6]):
        services.password_change(user=user, current_password=before, new_password=after)
    assert user.password_history.count() == PasswordHistory.KEEP
    for old in passwords[:6]:  # the current one and the five before it
        with pytest.raises(ApplicationError) as exc:
            services.password_change(user=user, current_password=passwords[5], new_password=old)
        assert "5" in exc.value.errors["new_password"][0]
    services.password_change(user=user, current_password=passwords[5], new_password=passwords[6])
    # Six changes on, the first password has left the history.
    services.password_change(user=user, current_password=passwords[6], new_password=PASSWORD)
    assert user.password_history.count() == PasswordHistory.KEEP


def test_a_password_change_ends_other_sessions_revokes_the_token_and_is_audited(city, api_for):
    api = api_for("town_a")
    other = Client()
    login(other, "town_a")
    this = Client()
    login(this, "town_a")
    assert _change(this, PASSWORD, NEW_PASSWORD).status_code == 302
    assert this.get("/").status_code == 200
    assert other.get("/").status_code == 302  # the other session's password hash no longer matches
    assert api.get("/api/v1/me/").status_code in (401, 403)
    assert not Token.objects.filter(user__username="town_a").exists()
    entry = AuditEntry.objects.filter(
        model_label="accounts.User", object_id=str(city["town_a"].pk), action=AuditEntry.Action.UPDATE
    ).first()
    fields = {c["field"]: c for c in entry.changes}
    assert fields["password"]["after"] == "******"  # the hash is never copied into the trail


def test_the_demo_never_starts_with_expired_passwords(city):
    from accounts.demo import load_units_and_users

    User.objects.update(password_changed_at=timezone.now() - timedelta(days=400))
    load_units_and_users(password=PASSWORD)
    assert not any(u.password_expired() for u in User.objects.all())


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_starts_every_existing_password_clock_now():
    """The data migration: accounts that existed before the field get today's date (so nobody is locked out
    by the upgrade), and their phone numbers the stored form."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "accounts", "0003", verbosity=0)
    try:
        old_state = MigrationExecutor(connection).loader.project_state(("accounts", "0003_identity")).apps
        OldUser = old_state.get_model("accounts", "User")
        OldUser.objects.create(username="veteran", password="!", phone="+86 139-0000-0001")
        assert OldUser.objects.get(username="veteran").password_changed_at is None
    finally:
        call_command("migrate", "accounts", verbosity=0)
    veteran = User.objects.get(username="veteran")
    assert abs(veteran.password_changed_at - timezone.now()) < timedelta(minutes=5)
    assert veteran.phone == "13900000001"


# Lockout (django-axes, as in the foundation) ---------------------------------------------------------------


def test_five_failures_lock_and_the_security_administrator_unlocks_through_real_logins(city):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "fagai", "wrong-password")
    assert login(Client(), "fagai").status_code == 403  # even the right password

    secadmin = admin_login("secadmin")
    assert "fagai" in secadmin.get("/accounts/security/").content.decode()
    assert secadmin.post("/accounts/security/unlock/", {"username": "fagai"}).status_code == 302
    assert login(Client(), "fagai").status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK, actor_username="secadmin").exists()


# The idle timeout -----------------------------------------------------------------------------------------


def _idle(client, minutes):
    """Make the session look idle for ``minutes``: its expiry is the last request plus SESSION_COOKIE_AGE."""
    last_request = timezone.now() - timedelta(minutes=minutes)
    expire_date = last_request + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert Session.objects.filter(session_key=client.session.session_key).update(expire_date=expire_date) == 1


def test_a_session_idle_for_31_minutes_is_logged_out(city):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    login(client, "centre")
    assert client.get("/").status_code == 200
    _idle(client, 31)
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_session_active_within_30_minutes_stays_and_its_clock_restarts(city):
    client = Client()
    login(client, "centre")
    _idle(client, 29)
    assert client.get("/projects/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date > timezone.now() + timedelta(minutes=29)  # pushed forward by that request
    _idle(client, 29)
    assert client.get("/").status_code == 200


def test_an_administrator_idle_for_31_minutes_must_log_in_again_with_the_second_factor(city):
    client = admin_login("auditor")
    assert client.get("/audit/").status_code == 200
    _idle(client, 31)
    assert client.get("/audit/")["Location"].startswith("/login/")


# The administrators' second factor ------------------------------------------------------------------------


@pytest.mark.parametrize("username", ADMINS)
def test_every_administrator_login_asks_for_the_code_and_nothing_else_opens(city, username):
    client = Client()
    response = login(client, username)
    assert response.status_code == 302
    home = client.get("/")
    assert home["Location"] == "/accounts/second-factor/?next=%2F"
    for path in ["/accounts/users/", "/accounts/security/", "/audit/", "/admin/", "/accounts/password/", "/tasks/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/"), path
    for path in ["/api/v1/me/", "/api/v1/users/", "/api/v1/audit/entries/"]:
        response = client.get(path)
        assert response.status_code == 403 and response.json()["detail"], path
    page = client.get("/accounts/second-factor/?next=/")
    assert page.status_code == 200
    assert 'data-testid="totp-secret"' not in page.content.decode()  # enrolled already: the secret stays hidden
    assert page.context["nav_items"] == []

    wrong = client.post("/accounts/second-factor/", {"code": wrong_code_for(username), "next": "/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert client.get("/").status_code == 302

    right = client.post("/accounts/second-factor/", {"code": code_for(username), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get("/", follow=True).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    assert client.session[VERIFIED_SESSION_KEY] == city[username].pk
    actions = list(
        AuditEntry.objects.filter(actor_username=username, kind=AuditEntry.Kind.ACCESS)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [AuditEntry.Action.LOGIN, AuditEntry.Action.LOGIN_FAILED, AuditEntry.Action.LOGIN]


def test_the_first_login_enrols_a_secret_shown_as_text_and_otpauth_uri(city):
    services.second_factor_reset(actor=city["secadmin"], user=city["sysadmin"])
    client = Client()
    login(client, "sysadmin")
    page = client.get("/accounts/second-factor/")
    body = page.content.decode()
    assert 'data-testid="totp-secret"' in body
    uri = re.search(r'data-testid="totp-uri">([^<]+)<', body).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/Cizhou%20Invest%3Asysadmin?")
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    shown = re.search(r'data-testid="totp-secret">([^<]+)<', body).group(1)
    assert shown.replace(" ", "") == secret == SecondFactor.objects.get(user=city["sysadmin"]).secret
    assert client.get("/accounts/users/").status_code == 302  # nothing opens before the code is confirmed

    assert client.post("/accounts/second-factor/", {"code": totp.code_at(secret)}).status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    assert SecondFactor.objects.get(user=city["sysadmin"]).confirmed_at is not None
    enrolled = AuditEntry.objects.filter(actor_username="sysadmin", action=AuditEntry.Action.UPDATE).first()
    assert enrolled.changes == [{"field": "second_factor", "before": "", "after": "enrolled"}]
    # From now on the secret is never shown again.
    again = Client()
    login(again, "sysadmin")
    assert 'data-testid="totp-secret"' not in again.get("/accounts/second-factor/").content.decode()


def test_the_page_asked_for_is_opened_after_the_code_but_never_another_site(city):
    client = Client()
    login(client, "secadmin")
    assert client.get("/accounts/security/")["Location"] == "/accounts/second-factor/?next=%2Faccounts%2Fsecurity%2F"
    response = client.post("/accounts/second-factor/", {"code": code_for("secadmin"), "next": "/accounts/security/"})
    assert response["Location"] == "/accounts/security/"
    other = Client()
    login(other, "secadmin")
    response = other.post(
        "/accounts/second-factor/", {"code": code_for("secadmin", steps_ahead=1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_code_is_never_accepted_twice(city):
    first = Client()
    login(first, "auditor")
    code = code_for("auditor")
    assert first.post("/accounts/second-factor/", {"code": code}).status_code == 302
    second = Client()
    login(second, "auditor")
    replay = second.post("/accounts/second-factor/", {"code": code})
    assert replay.status_code == 200 and replay.context["form"].errors["code"]
    # The next step's code (within the ±1 step window) is new, so it is accepted.
    assert second.post("/accounts/second-factor/", {"code": code_for("auditor", steps_ahead=1)}).status_code == 302


def test_five_wrong_codes_lock_the_second_factor_until_the_security_administrator_unlocks(city):
    client = Client()
    login(client, "auditor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/second-factor/", {"code": wrong_code_for("auditor")}).status_code == 200
    locked = client.post("/accounts/second-factor/", {"code": wrong_code_for("auditor")})
    assert locked.status_code == 302 and locked["Location"] == "/login/"
    assert "_auth_user_id" not in client.session  # logged out
    # Logging in again with the password does not reset the count: even the right code is refused.
    login(client, "auditor")
    refused = client.post("/accounts/second-factor/", {"code": code_for("auditor")})
    assert refused.status_code == 302 and refused["Location"] == "/login/"
    assert AuditEntry.objects.filter(actor_username="auditor", action=AuditEntry.Action.LOGIN_FAILED).count() >= 5

    secadmin = admin_login("secadmin")
    assert 'data-testid="second-factors"' in secadmin.get("/accounts/security/").content.decode()
    assert secadmin.post("/accounts/security/unlock/", {"username": "auditor"}).status_code == 302
    assert admin_login("auditor", steps_ahead=1).get("/audit/").status_code == 200


def test_administrators_api_tokens_are_refused_and_their_verified_session_opens_the_api(city):
    for username in ADMINS:
        response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
        assert response.status_code == 403
        assert "second factor" in response.json()["detail"] or "双因素" in response.json()["detail"]
        assert not Token.objects.filter(user__username=username).exists()
        # A token made some other way (before a role change, in a shell) is refused all the same.
        token = Token.objects.create(user=city[username])
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/me/").status_code == 403
    assert admin_login("sysadmin").get("/api/v1/users/").status_code == 200
    assert admin_login("auditor").get("/api/v1/audit/entries/").status_code == 200


def test_business_users_have_no_second_factor(city, client_for):
    client = Client()
    assert login(client, "centre")["Location"] == "/"
    assert client.get("/").status_code == 200
    response = client_for("centre").get("/accounts/second-factor/")
    assert response.status_code == 403 and 'data-testid="reason"' in response.content.decode()
    token = APIClient().post("/api/v1/auth/token/", {"username": "centre", "password": PASSWORD})
    assert token.status_code == 200


def test_a_force_logged_in_administrator_is_not_verified_unless_a_test_says_so(city):
    client = Client()
    client.force_login(city["secadmin"])
    assert client.get("/accounts/security/")["Location"].startswith("/accounts/second-factor/")


def test_the_security_administrator_resets_a_second_factor_and_it_is_audited(city):
    secadmin = admin_login("secadmin")
    response = secadmin.post("/accounts/security/second-factor/reset/", {"username": "auditor"})
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(user=city["auditor"]).exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, actor_username="secadmin").first()
    assert entry.object_id == str(city["auditor"].pk)
    assert entry.changes == [{"field": "second_factor", "before": "enrolled", "after": "reset"}]
    client = Client()
    login(client, "auditor")
    assert 'data-testid="totp-secret"' in client.get("/accounts/second-factor/").content.decode()
    again = secadmin.post("/accounts/security/second-factor/reset/", {"username": "centre"}, follow=True)
    assert "centre" in again.content.decode()  # nothing to reset, and it says so


@pytest.mark.parametrize("username", ["sysadmin", "auditor", "centre", "leader"])
def test_only_the_security_administrator_resets_a_second_factor(city, client_for, username):
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=city[username], user=city["secadmin"])
    response = client_for(username).post("/accounts/security/second-factor/reset/", {"username": "secadmin"})
    assert response.status_code == 403
    assert SecondFactor.objects.filter(user=city["secadmin"]).exists()


# The three administrators kept apart ----------------------------------------------------------------------

ADMIN_PAIRS = [list(pair) for pair in itertools.combinations(sorted(ADMIN_ROLES), 2)] + [sorted(ADMIN_ROLES)]
ADMIN_AND_BUSINESS = [[admin, business] for admin in sorted(ADMIN_ROLES) for business in BUSINESS_ROLES]
FORBIDDEN = ADMIN_PAIRS + ADMIN_AND_BUSINESS


def test_every_forbidden_combination_is_listed():
    assert len(ADMIN_PAIRS) == 4 and len(ADMIN_AND_BUSINESS) == 3 * 6


@pytest.mark.parametrize("roles", FORBIDDEN, ids=["+".join(r) for r in FORBIDDEN])
def test_no_one_holds_two_administrator_roles_or_one_beside_a_business_role(city, roles):
    with pytest.raises(ApplicationError) as exc:
        new_user(city["sysadmin"], "combined", roles)
    assert exc.value.errors["roles"]
    assert not User.objects.filter(username="combined").exists()
    target = city["town_a"] if set(roles) - ADMIN_ROLES else city["evaluator"]
    with pytest.raises(ApplicationError):
        services.user_update(actor=city["sysadmin"], user=target, roles=roles)
    assert set(User.objects.get(pk=target.pk).role_names) == set(target.role_names)


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_one_administrator_role_alone_is_granted_at_the_server(city, role):
    user = new_user(city["sysadmin"], f"new_{role}", [Role.CENTRE])
    out = io.StringIO()
    call_command("admin_role", "grant", user.username, role, stdout=out)
    assert User.objects.get(pk=user.pk).role_names == {role}
    assert "granted" in out.getvalue()
    entry = AuditEntry.objects.filter(object_id=str(user.pk), model_label=User._meta.label).latest("pk")
    assert role in json.dumps(entry.changes)
    call_command("admin_role", "withdraw", user.username, role, stdout=out)
    withdrawn = User.objects.get(pk=user.pk)
    assert withdrawn.role_names == set() and not withdrawn.is_active


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_no_door_of_the_app_appoints_or_removes_an_administrator(city, role, client_for, api_for):
    """Otherwise the system administrator could make an audit administrator and read the trail that audits them."""
    sysadmin = city["sysadmin"]
    with pytest.raises(ApplicationError) as exc:
        new_user(sysadmin, f"new_{role}", [role])
    assert exc.value.errors["roles"]
    assert not User.objects.filter(username=f"new_{role}").exists()
    with pytest.raises(ApplicationError):
        services.user_update(actor=sysadmin, user=city["town_a"], roles=[role])
    holder = {Role.SYSTEM_ADMIN: "sysadmin", Role.SECURITY_ADMIN: "secadmin", Role.AUDIT_ADMIN: "auditor"}[role]
    if holder != "sysadmin":
        for change in ({"roles": [Role.CENTRE]}, {"is_active": False}):
            with pytest.raises(ApplicationError):
                services.user_update(actor=sysadmin, user=city[holder], **change)
        assert User.objects.get(username=holder).role_names == {role}
        assert User.objects.get(username=holder).is_active
        services.user_update(actor=sysadmin, user=city[holder], full_name="改名")  # the rest of the account: yes
    unit = Unit.objects.get(code="dashuju").pk
    page = client_for("sysadmin").post(
        "/accounts/users/new/",
        {
            "username": "made",
            "unit": unit,
            "roles": [role],
            "password1": "Strong-pass-2026",
            "password2": "Strong-pass-2026",
        },
    )
    assert page.status_code == 200 and "manage.py admin_role" in page.content.decode()
    created = api_for("sysadmin").post(
        "/api/v1/users/",
        {"username": "made", "password": "Strong-pass-2026", "unit": unit, "roles": [role]},
        format="json",
    )
    assert created.status_code == 400 and created.json()["errors"]["roles"]
    assert not User.objects.filter(username="made").exists()


def test_every_door_refuses_combined_roles_in_chinese(city, client_for, api_for):
    roles = [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]
    refusal = "管理员角色不能与其他任何角色兼任"
    unit = Unit.objects.get(code="dashuju").pk
    page = client_for("sysadmin").post(
        "/accounts/users/new/",
        {
            "username": "both",
            "unit": unit,
            "roles": roles,
            "password1": "Strong-pass-2026",
            "password2": "Strong-pass-2026",
        },
    )
    assert page.status_code == 200 and refusal in page.content.decode()
    edit = client_for("sysadmin").post(
        f"/accounts/users/{city['centre'].pk}/",
        {"unit": city["centre"].unit_id, "roles": [Role.CENTRE, Role.SYSTEM_ADMIN], "is_active": "on"},
    )
    assert edit.status_code == 200 and refusal in edit.content.decode()
    api = api_for("sysadmin")
    created = api.post(
        "/api/v1/users/",
        {"username": "both", "password": "Strong-pass-2026", "unit": unit, "roles": roles},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert created.status_code == 400 and refusal in created.json()["errors"]["roles"][0]
    patched = api.patch(
        f"/api/v1/users/{city['leader'].pk}/", {"roles": [Role.LEADER, Role.AUDIT_ADMIN]}, format="json"
    )
    assert patched.status_code == 400 and patched.json()["errors"]["roles"]
    admin = client_for("sysadmin").post(
        f"/admin/accounts/user/{city['fagai'].pk}/change/",
        {
            "username": "fagai",
            "full_name": city["fagai"].full_name,
            "email": "",
            "phone": "",
            "unit": city["fagai"].unit_id,
            "is_active": "on",
            "groups": [Group.objects.get(name=Role.BUREAU).pk, Group.objects.get(name=Role.AUDIT_ADMIN).pk],
        },
    )
    assert admin.status_code == 200 and refusal in admin.content.decode()
    assert not User.objects.filter(username="both").exists()
    for username, role in [("centre", Role.CENTRE), ("leader", Role.LEADER), ("fagai", Role.BUREAU)]:
        assert User.objects.get(username=username).role_names == {role}


# Each administrator does their own job only ---------------------------------------------------------------


def test_the_system_administrator_manages_users_and_units_only(city, client_for, api_for):
    sysadmin, page, api = city["sysadmin"], client_for("sysadmin"), api_for("sysadmin")
    assert new_user(sysadmin, "recruit", [Role.CENTRE]).role_names == {Role.CENTRE}
    services.unit_create(actor=sysadmin, code="newtown", name="新浦镇", kind=Unit.Kind.TOWN)
    assert page.get("/accounts/users/new/").status_code == 200
    assert page.get("/accounts/units/new/").status_code == 200
    # Not the audit trail ...
    for path in ["/audit/", "/audit/export.csv", "/audit/export.xlsx"]:
        assert page.get(path).status_code == 403, path
    assert api.get("/api/v1/audit/entries/").status_code == 403
    # ... nor the security administrator's work.
    assert page.get("/accounts/security/").status_code == 403
    assert page.post("/accounts/security/unlock/", {"username": "town_a"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.lockout_clear(actor=sysadmin, username="town_a")
    with pytest.raises(PermissionDenied):
        services.password_policy_update(actor=sysadmin, min_length=12, min_classes=3)


def test_the_security_administrator_keeps_the_policy_and_unlocks_but_creates_no_user(city, client_for, api_for):
    secadmin, page, api = city["secadmin"], client_for("secadmin"), api_for("secadmin")
    assert services.password_policy_update(actor=secadmin, min_length=12, min_classes=3).min_length == 12
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "town_b", "wrong")
    assert services.lockout_clear(actor=secadmin, username="town_b")
    with pytest.raises(PermissionDenied):
        new_user(secadmin, "sneaky", [Role.CENTRE])
    with pytest.raises(PermissionDenied):
        services.user_update(actor=secadmin, user=city["town_a"], roles=[Role.SECURITY_ADMIN])
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=secadmin, code="x", name="某镇", kind=Unit.Kind.TOWN)
    assert page.get("/accounts/users/new/").status_code == 403
    unit = Unit.objects.get(code="centre").pk
    created = api.post(
        "/api/v1/users/",
        {"username": "sneaky", "password": "Strong-pass-2026", "unit": unit, "roles": [Role.CENTRE]},
        format="json",
    )
    assert created.status_code == 403
    assert page.get("/audit/").status_code == 403
    assert api.get("/api/v1/audit/entries/").status_code == 403
    assert page.get("/admin/").status_code == 302  # the admin site's own login: not for this role
    assert not User.objects.filter(username="sneaky").exists()


def test_the_audit_administrator_reads_and_exports_the_trail_only(city, client_for, api_for):
    auditor, page, api = city["auditor"], client_for("auditor"), api_for("auditor")
    assert page.get("/audit/").status_code == 200
    assert page.get("/audit/export.csv").status_code == 200
    assert api.get("/api/v1/audit/entries/").status_code == 200
    with pytest.raises(PermissionDenied):
        new_user(auditor, "sneaky", [Role.CENTRE])
    with pytest.raises(PermissionDenied):
        services.lockout_clear(actor=auditor, username="town_a")
    with pytest.raises(PermissionDenied):
        services.password_policy_update(actor=auditor, min_length=12, min_classes=3)
    for path in ["/accounts/users/", "/accounts/units/", "/accounts/security/", "/projects/"]:
        assert page.get(path).status_code == 403, path
    assert page.post("/accounts/security/unlock/", {"username": "town_a"}).status_code == 403
    assert api.post("/api/v1/users/", {}, format="json").status_code == 403
