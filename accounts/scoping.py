"""Who may see what, and who may do what: the one place that decides.

Every list, detail, export, report, API endpoint and template button asks here:

- ``visible_to(user, queryset)`` narrows a queryset to what the user may see;
- ``can(user, action, obj=None)`` answers ``Verdict(allowed, reason)``.

Apps declare their rules and scopes in their ``rules.py`` with ``@rule`` and ``@scope``; this
module loads them all at start-up and refuses any action or model nobody declared, so a typo
fails loudly instead of opening a door. Users with a read-only role (NPC deputy, audit
administrator) are refused every action declared as a write, whatever the rule says.
"""

from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from accounts.roles import READ_ONLY_ROLES, Role


class Verdict(NamedTuple):
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


class _Rule(NamedTuple):
    check: object
    writes: bool


_rules: dict[str, _Rule] = {}
_scopes: dict[type, object] = {}

ALLOWED = Verdict(True)


def allow():
    return ALLOWED


def deny(reason):
    return Verdict(False, str(reason))


def rule(action, *, writes):
    """Declare the check for ``action``: ``fn(user, obj) -> Verdict``."""

    def register(fn):
        if action in _rules:
            raise ImproperlyConfigured(f"Rule {action!r} is declared twice.")
        _rules[action] = _Rule(fn, writes)
        return fn

    return register


def scope(model):
    """Declare what part of ``model`` a user sees: ``fn(user, queryset) -> queryset``."""

    def register(fn):
        if model in _scopes:
            raise ImproperlyConfigured(f"Scope for {model.__name__} is declared twice.")
        _scopes[model] = fn
        return fn

    return register


def roles(user):
    return getattr(user, "role_names", frozenset()) if user is not None else frozenset()


def has_role(user, *wanted):
    return not roles(user).isdisjoint(wanted)


def is_read_only(user):
    return has_role(user, *READ_ONLY_ROLES)


def read_only_reason(user):
    if has_role(user, Role.NPC_DEPUTY):
        return _("NPC deputies have read-only access: nothing can be changed from this account.")
    return _("The audit administrator has read-only access: nothing can be changed from this account.")


def can(user, action, obj=None):
    """Whether ``user`` may do ``action`` (on ``obj``), and if not, why."""
    try:
        declared = _rules[action]
    except KeyError:
        raise ImproperlyConfigured(f"No rule is declared for action {action!r}.") from None
    if user is None or not user.is_authenticated:
        return deny(_("Please log in first."))
    if not user.is_active:
        return deny(_("This account is disabled."))
    if declared.writes and is_read_only(user):
        return deny(read_only_reason(user))
    verdict = declared.check(user, obj)
    if not isinstance(verdict, Verdict):
        raise ImproperlyConfigured(f"Rule {action!r} must return a Verdict.")
    return verdict


def require(user, action, obj=None):
    """``can`` for services and views: raises PermissionDenied with the reason."""
    verdict = can(user, action, obj)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return verdict


def visible_to(user, queryset):
    """``queryset`` narrowed to what ``user`` may see. Anonymous and disabled users see nothing."""
    try:
        narrow = _scopes[queryset.model]
    except KeyError:
        raise ImproperlyConfigured(f"No scope is declared for {queryset.model.__name__}.") from None
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return narrow(user, queryset)


def get_visible_or_404(user, queryset, **lookup):
    """One object the user may see; an object outside their scope is simply not found."""
    return get_object_or_404(visible_to(user, queryset), **lookup)


# Object-level grants (an evaluator assigned to one project, say) are django-guardian permissions.
def grant(user, perm, obj):
    assign_perm(perm, user, obj)


def revoke(user, perm, obj):
    remove_perm(perm, user, obj)


def has_grant(user, perm, obj):
    return user.is_authenticated and user.has_perm(perm, obj)


def granted(user, perm, queryset):
    """The objects of ``queryset`` on which ``user`` holds the object permission ``perm``."""
    return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False, with_superuser=False)


def declared_actions():
    return sorted(_rules)
