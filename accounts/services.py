"""Changing users, units, lockouts and the password policy. Every door calls these."""

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import PasswordPolicy, Unit, User
from accounts.roles import ADMIN_ROLES, Role
from accounts.scoping import require
from audit.models import AuditEntry
from audit.services import audit_record
from core.errors import ApplicationError


def _check_roles(roles):
    """Administrators are kept apart: one administrative role per person, and no business role beside it."""
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ApplicationError(_("Unknown role."), errors={"roles": [", ".join(sorted(unknown))]})
    admin = roles & ADMIN_ROLES
    if len(admin) > 1 or (admin and roles - ADMIN_ROLES):
        raise ApplicationError(
            _("An administrator role cannot be combined with any other role."),
            errors={"roles": [_("An administrator role cannot be combined with any other role.")]},
        )


def _set_roles(user, roles):
    user.groups.set(Group.objects.filter(name__in=roles))
    user.__dict__.pop("role_names", None)


def _validated(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ApplicationError(_("Please correct the errors below."), errors=exc.message_dict) from exc


@transaction.atomic
def user_create(*, actor, username, password, unit, roles, full_name="", email="", phone=""):
    require(actor, "users.manage")
    _check_roles(roles)
    user = User(username=username, unit=unit, full_name=full_name, email=email, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(_("The password does not meet the policy."), errors={"password": exc.messages}) from exc
    user.set_password(password)
    _validated(user)
    user.save()
    _set_roles(user, roles)
    return user


def user_change_check(*, actor, user, roles=None, is_active=None):
    """The rules of a change to a user's roles or active flag, whichever door it comes through."""
    require(actor, "users.manage", user)
    own_roles_changed = roles is not None and set(roles) != set(user.role_names)
    if user.pk == actor.pk and (own_roles_changed or is_active is False):
        raise ApplicationError(
            _("Administrators cannot change their own roles or disable their own account."),
            errors={"roles": [_("Ask another system administrator.")]},
        )
    if roles is not None:
        _check_roles(roles)


@transaction.atomic
def user_update(*, actor, user, **fields):
    """Change a user's profile, unit, active flag or roles (``roles=[...]``)."""
    roles = fields.pop("roles", None)
    user_change_check(actor=actor, user=user, roles=roles, is_active=fields.get("is_active"))
    allowed = {"unit", "full_name", "email", "phone", "is_active"}
    refused = set(fields) - allowed
    if refused:
        raise ApplicationError(
            _("These fields cannot be changed here."), errors={f: [_("Not editable.")] for f in refused}
        )
    for name, value in fields.items():
        setattr(user, name, value)
    _validated(user)
    user.save()
    if roles is not None:
        _set_roles(user, roles)
    return user


@transaction.atomic
def unit_create(*, actor, code, name, kind, bureau=""):
    require(actor, "units.manage")
    unit = Unit(code=code, name=name, kind=kind, bureau=bureau)
    _validated(unit)
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, actor, unit, **fields):
    require(actor, "units.manage", unit)
    for name in ("name", "kind", "bureau", "is_active"):
        if name in fields:
            setattr(unit, name, fields[name])
    _validated(unit)
    unit.save()
    return unit


@transaction.atomic
def lockout_clear(*, actor, username):
    """Unlock an account locked by repeated failed logins; the unlock is audited."""
    require(actor, "security.manage")
    cleared = axes_reset(username=username)
    if not cleared:
        raise ApplicationError(_("The account %(name)s is not locked.") % {"name": username})
    target = User.objects.filter(username=username).first()
    audit_record(
        kind=AuditEntry.Kind.ACCESS,
        action=AuditEntry.Action.UNLOCK,
        actor=actor,
        obj=target,
        model_label=User._meta.label,
        object_repr=username,
        changes=[{"field": "locked", "before": "true", "after": "false"}],
    )
    return cleared


@transaction.atomic
def password_policy_update(*, actor, min_length, min_classes):
    require(actor, "security.manage")
    policy = PasswordPolicy.objects.select_for_update().order_by("pk").first() or PasswordPolicy()
    policy.min_length = min_length
    policy.min_classes = min_classes
    _validated(policy)
    policy.save()
    return policy
