"""A change made through a form, the API and the admin each lands in the audit trail."""

import datetime

from django.utils import timezone

from accounts.models import Unit
from accounts.roles import Role
from audit.models import AuditEntry


def _changes(entry):
    return {c["field"]: (c["before"], c["after"]) for c in entry.changes}


def _latest_for(obj):
    return AuditEntry.objects.filter(model_label=obj._meta.label, object_id=str(obj.pk)).order_by("-id").first()


def test_a_form_change_is_audited_with_user_time_before_and_after(city, client_for):
    target = city["town_a"]
    client = client_for("sysadmin")
    form = {
        "full_name": "周新名",
        "email": "",
        "phone": "",
        "unit": target.unit_id,
        "roles": [Role.LANDING],
        "is_active": "on",
    }
    response = client.post(f"/accounts/users/{target.pk}/", form)
    assert response.status_code == 302
    entry = _latest_for(target)
    assert entry.actor_username == "sysadmin"
    assert entry.action == AuditEntry.Action.UPDATE
    assert _changes(entry) == {"full_name": ("周落地", "周新名")}
    assert timezone.now() - entry.created_at < datetime.timedelta(minutes=1)


def test_an_api_change_is_audited(city, api_for):
    target = city["town_b"]
    new_unit = Unit.objects.get(code="hightech")
    response = api_for("sysadmin").patch(
        f"/api/v1/users/{target.pk}/", {"unit": new_unit.pk, "roles": [Role.LANDING, Role.EVALUATOR]}, format="json"
    )
    assert response.status_code == 200, response.json()
    entries = AuditEntry.objects.filter(object_id=str(target.pk), actor_username="sysadmin").order_by("id")
    changes = {}
    for e in entries:
        changes.update(_changes(e))
    assert changes["unit"] == (str(target.unit_id), str(new_unit.pk))
    assert changes["roles"] == ("landing_staff", "evaluator, landing_staff")


def test_an_admin_change_is_audited(city, client_for):
    unit = Unit.objects.get(code="zonghan")
    client = client_for("sysadmin")
    response = client.post(
        f"/admin/accounts/unit/{unit.pk}/change/",
        {"code": unit.code, "name": "宗汉街道办事处", "kind": unit.kind, "bureau": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = _latest_for(unit)
    assert entry.actor_username == "sysadmin"
    assert _changes(entry) == {"name": ("宗汉街道", "宗汉街道办事处")}


def test_admin_role_changes_obey_the_service_rules(city, client_for):
    from django.contrib.auth.models import Group

    sysadmin = city["sysadmin"]
    groups = [Group.objects.get(name=Role.SYSTEM_ADMIN).pk, Group.objects.get(name=Role.CENTRE).pk]
    response = client_for("sysadmin").post(
        f"/admin/accounts/user/{sysadmin.pk}/change/",
        {
            "username": "sysadmin",
            "full_name": "",
            "email": "",
            "phone": "",
            "unit": sysadmin.unit_id,
            "is_active": "on",
            "groups": groups,
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert set(sysadmin.groups.values_list("name", flat=True)) == {Role.SYSTEM_ADMIN}


def test_passwords_are_masked_in_the_trail(city):
    user = city["centre"]
    user.set_password("Another-pass-2026")
    user.save()
    entry = _latest_for(user)
    assert _changes(entry)["password"] == ("******", "******")


def test_logins_failures_and_logouts_are_recorded(city, client):
    from conftest import PASSWORD

    client.post("/login/", {"username": "leader", "password": "bad"})
    client.post("/login/", {"username": "leader", "password": PASSWORD})
    client.post("/logout/")
    actions = list(AuditEntry.objects.filter(actor_username="leader").order_by("id").values_list("action", flat=True))
    assert actions == ["login_failed", "login", "logout"]
    assert AuditEntry.objects.filter(action="login").first().ip_address == "127.0.0.1"


def test_the_viewer_filters_by_user_model_object_and_date(city, client_for):
    target = city["town_a"]
    sysadmin = client_for("sysadmin")
    sysadmin.post(
        f"/accounts/users/{target.pk}/",
        {"full_name": "甲", "unit": target.unit_id, "roles": [Role.LANDING], "is_active": "on"},
    )
    auditor = client_for("auditor")
    today = timezone.localdate().isoformat()
    page = auditor.get(
        "/audit/",
        {"user": "sysadmin", "model": "accounts.User", "object_id": target.pk, "date_from": today, "date_to": today},
    )
    assert page.status_code == 200
    entries = list(page.context["page"])
    assert entries and all(e.object_id == str(target.pk) and e.actor_username == "sysadmin" for e in entries)
    assert auditor.get("/audit/", {"user": "nobody"}).context["page"].paginator.count == 0
    assert auditor.get("/audit/", {"date_to": "2000-01-01"}).context["page"].paginator.count == 0

    detail = auditor.get(f"/audit/{entries[0].pk}/")
    body = detail.content.decode()
    assert 'data-testid="diff"' in body and "周落地" in body and "甲" in body


def test_the_sysadmin_cannot_read_the_trail(city, client_for, api_for):
    assert client_for("sysadmin").get("/audit/").status_code == 403
    assert api_for("sysadmin").get("/api/v1/audit/entries/").status_code == 403
    assert client_for("sysadmin").get(f"/audit/{AuditEntry.objects.first().pk}/").status_code == 403


def test_the_auditor_reads_the_trail_by_api(city, api_for):
    response = api_for("auditor").get("/api/v1/audit/entries/", {"model": "accounts.User"})
    assert response.status_code == 200
    assert response.json()["results"]
    assert all(r["model_label"] == "accounts.User" for r in response.json()["results"])
