import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.models import Unit, User
from accounts.roles import Role
from core.errors import ApplicationError


def test_sysadmin_creates_a_user_with_roles(city):
    user = services.user_create(
        actor=city["sysadmin"],
        username="newbie",
        password="Strong-pass-2026",
        unit=Unit.objects.get(code="zhouxiang"),
        roles=[Role.LANDING],
        full_name="新人",
    )
    assert user.check_password("Strong-pass-2026")
    assert User.objects.get(username="newbie").role_names == {Role.LANDING}


@pytest.mark.parametrize("password, fragment", [("short1A!", "10"), ("alllowercaseletters", "3")])
def test_a_weak_password_is_refused_on_the_password_field(city, password, fragment):
    with pytest.raises(ApplicationError) as exc:
        services.user_create(
            actor=city["sysadmin"],
            username="weak",
            password=password,
            unit=Unit.objects.get(code="centre"),
            roles=[Role.CENTRE],
        )
    assert fragment in " ".join(exc.value.errors["password"])
    assert not User.objects.filter(username="weak").exists()


def test_administrator_roles_cannot_be_combined(city):
    with pytest.raises(ApplicationError) as exc:
        services.user_update(
            actor=city["sysadmin"], user=city["secadmin"], roles=[Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]
        )
    assert "roles" in exc.value.errors
    with pytest.raises(ApplicationError):
        services.user_update(actor=city["sysadmin"], user=city["centre"], roles=[Role.CENTRE, Role.AUDIT_ADMIN])
    assert city["centre"].groups.get().name == Role.CENTRE


def test_sysadmin_cannot_change_own_roles_or_disable_self(city):
    sysadmin = city["sysadmin"]
    with pytest.raises(ApplicationError):
        services.user_update(actor=sysadmin, user=sysadmin, roles=[Role.SYSTEM_ADMIN, Role.CENTRE])
    with pytest.raises(ApplicationError):
        services.user_update(actor=sysadmin, user=sysadmin, is_active=False)
    services.user_update(actor=sysadmin, user=sysadmin, full_name="苏管理")


def test_only_the_sysadmin_manages_users(city):
    for username in ["centre", "secadmin", "auditor", "deputy", "leader"]:
        with pytest.raises(PermissionDenied):
            services.user_update(actor=city[username], user=city["town_a"], full_name="x")


def test_a_bureau_unit_must_name_its_bureau(city):
    with pytest.raises(ApplicationError) as exc:
        services.unit_create(actor=city["sysadmin"], code="x", name="某局", kind=Unit.Kind.BUREAU)
    assert exc.value.errors


def test_password_policy_floor_is_ten(city):
    with pytest.raises(ApplicationError) as exc:
        services.password_policy_update(actor=city["secadmin"], min_length=8, min_classes=3)
    assert "min_length" in exc.value.errors
    policy = services.password_policy_update(actor=city["secadmin"], min_length=12, min_classes=4)
    assert policy.min_length == 12
    with pytest.raises(ApplicationError):
        services.user_create(
            actor=city["sysadmin"],
            username="p",
            password="Abcdefgh123",
            unit=Unit.objects.get(code="centre"),
            roles=[Role.CENTRE],
        )
