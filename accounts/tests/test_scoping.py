import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from accounts import scoping
from accounts.models import Unit, User
from accounts.roles import Role


def test_unknown_action_fails_loudly(city):
    with pytest.raises(ImproperlyConfigured):
        scoping.can(city["centre"], "no.such.action")


def test_model_without_scope_fails_loudly(city):
    from django.contrib.sessions.models import Session

    with pytest.raises(ImproperlyConfigured):
        scoping.visible_to(city["centre"], Session.objects.all())


def test_a_refusal_is_falsy_and_says_why(city):
    verdict = scoping.can(city["town_a"], "users.manage")
    assert not verdict
    allowed, reason = verdict
    assert allowed is False
    assert reason


def test_require_raises_permission_denied_with_the_reason(city):
    with pytest.raises(PermissionDenied, match="system administrator"), scoping_english():
        scoping.require(city["town_a"], "users.manage")


def scoping_english():
    from django.utils import translation

    return translation.override("en")


@pytest.mark.parametrize("username", ["deputy", "auditor"])
def test_read_only_roles_are_refused_every_write_action(city, username):
    writes = [a for a in scoping.declared_actions() if scoping._rules[a].writes]
    assert "data.write" in writes and "users.manage" in writes
    for action in writes:
        verdict = scoping.can(city[username], action)
        assert not verdict, action
        assert "read-only" in verdict.reason or "只读" in verdict.reason


def test_disabled_and_anonymous_users_see_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    sysadmin = city["sysadmin"]
    assert scoping.visible_to(sysadmin, User.objects.all()).count() == User.objects.count()
    assert scoping.visible_to(AnonymousUser(), Unit.objects.all()).count() == 0
    sysadmin.is_active = False
    assert scoping.visible_to(sysadmin, User.objects.all()).count() == 0
    assert not scoping.can(sysadmin, "users.manage")


def test_a_town_sees_only_itself_among_users_but_every_unit(city):
    town_a = city["town_a"]
    assert list(scoping.visible_to(town_a, User.objects.all())) == [town_a]
    assert scoping.visible_to(town_a, Unit.objects.all()).count() == Unit.objects.count()


def test_object_grants_use_guardian(city):
    evaluator = city["evaluator"]
    zhouxiang, guanhaiwei = Unit.objects.get(code="zhouxiang"), Unit.objects.get(code="guanhaiwei")
    scoping.grant(evaluator, "accounts.view_unit", zhouxiang)
    assert scoping.has_grant(evaluator, "accounts.view_unit", zhouxiang)
    assert not scoping.has_grant(evaluator, "accounts.view_unit", guanhaiwei)
    assert list(scoping.granted(evaluator, "accounts.view_unit", Unit.objects.all())) == [zhouxiang]
    scoping.revoke(evaluator, "accounts.view_unit", zhouxiang)
    assert not scoping.has_grant(evaluator, "accounts.view_unit", zhouxiang)


def test_every_role_of_the_design_is_a_group_after_migrate(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
