"""Changing users, units, lockouts and the password policy. Every door calls these."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import totp
from accounts.models import PasswordHistory, PasswordPolicy, SecondFactor, Unit, User, normalize_phone
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


ADMIN_GRANTED_AT_THE_SERVER = _(
    "Administrator roles are granted and withdrawn only at the server (manage.py admin_role), never through the "
    "pages or the API: an administrator who could make another could read or change what that one guards."
)


def _check_no_admin_change(before, after, *, is_active=None):
    """Through the pages, the API and the admin, nobody grants or withdraws an administrator role, and nobody
    disables or re-enables an administrator's account: the three administrators are kept apart by who appointed
    them, which happens at the server (``admin_role_set``)."""
    if (set(before) ^ set(after)) & ADMIN_ROLES or (is_active is not None and set(before) & ADMIN_ROLES):
        raise ApplicationError(ADMIN_GRANTED_AT_THE_SERVER, errors={"roles": [ADMIN_GRANTED_AT_THE_SERVER]})


def _set_roles(user, roles):
    user.groups.set(Group.objects.filter(name__in=roles))
    user.__dict__.pop("role_names", None)


def _validated(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ApplicationError(_("Please correct the errors below."), errors=exc.message_dict) from exc


def _person_clashes(user):
    """One person, one account: the user name (whatever its case) and the phone number of no other account."""
    others = User.objects.exclude(pk=user.pk)
    errors = {}
    if others.filter(username__iexact=user.username).exists():
        errors["username"] = [_("A user with that username already exists.")]
    if user.phone and others.filter(phone=user.phone).exists():
        errors["phone"] = [_("Another account already has this phone number: one person, one account.")]
    return errors


def _check_person(user):
    user.phone = normalize_phone(user.phone)
    errors = _person_clashes(user)
    if errors:
        raise ApplicationError(_("One person, one account."), errors=errors)


def _save_person(user):
    """Save, turning a clash that a concurrent request created meanwhile (the unique constraints) into the same
    refusal as the checks before."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        errors = _person_clashes(user) or {"username": [_("A user with that username already exists.")]}
        raise ApplicationError(_("One person, one account."), errors=errors) from exc


@transaction.atomic
def user_create(*, actor, username, password, unit, roles, full_name="", email="", phone=""):
    require(actor, "users.manage")
    _check_roles(roles)
    _check_no_admin_change(set(), roles)
    user = User(username=username, unit=unit, full_name=full_name, email=email, phone=phone)
    _check_person(user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(_("The password does not meet the policy."), errors={"password": exc.messages}) from exc
    user.set_password(password)
    _validated(user)
    _save_person(user)
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
    current = set(user.role_names)
    _check_no_admin_change(
        current,
        current if roles is None else roles,
        is_active=None if is_active in (None, user.is_active) else is_active,
    )


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
    _check_person(user)
    _validated(user)
    _save_person(user)
    if roles is not None:
        _set_roles(user, roles)
    return user


@transaction.atomic
def admin_role_set(*, username, role, grant=True):
    """At the server only (``manage.py admin_role``; no actor, no door of the web app calls this): give an
    existing account one administrator role as its only role, or take it away (the account is then disabled
    until the system administrator gives it business roles). The role change is audited like any other."""
    if role not in ADMIN_ROLES:
        raise ApplicationError(_("Not an administrator role."), errors={"role": [role]})
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        raise ApplicationError(_("No such user."), errors={"username": [username]})
    if grant:
        _set_roles(user, [role])
        user.is_active = True
    else:
        if role not in user.role_names:
            raise ApplicationError(_("The user does not hold that role."), errors={"role": [role]})
        _set_roles(user, [])
        user.is_active = False
    user.save(update_fields=["is_active"])
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
    """Unlock an account locked by repeated failed logins or wrong second-factor codes; the unlock is audited."""
    require(actor, "security.manage")
    cleared = axes_reset(username=username)
    cleared += SecondFactor.objects.filter(user__username=username, locked_until__isnull=False).update(
        locked_until=None, failures=0
    )
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


# Passwords ------------------------------------------------------------------------------------------------


def _used_before(user, password):
    """Whether ``password`` is the current one or one of the last PasswordHistory.KEEP."""
    if user.check_password(password):
        return True
    previous = user.password_history.values_list("password", flat=True)[: PasswordHistory.KEEP]
    return any(check_password(password, encoded) for encoded in previous)


@transaction.atomic
def password_change(*, user, current_password, new_password):
    """A user changes their own password: the current one proves it is them; the new one must meet the policy and
    be none of the last ones. Their API token is revoked (a new password ends what the old one opened)."""
    if not user.check_password(current_password):
        raise ApplicationError(
            _("The current password is wrong."), errors={"current_password": [_("The current password is wrong.")]}
        )
    if _used_before(user, new_password):
        message = _("Choose a password you have not used recently: neither the current one nor any of the last %(n)d.")
        message %= {"n": PasswordHistory.KEEP}
        raise ApplicationError(message, errors={"new_password": [message]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("The password does not meet the policy."), errors={"new_password": exc.messages}
        ) from exc
    PasswordHistory.objects.create(user=user, password=user.password)
    kept = list(user.password_history.values_list("pk", flat=True)[: PasswordHistory.KEEP])
    user.password_history.exclude(pk__in=kept).delete()
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    Token.objects.filter(user=user).delete()
    return user


# The administrators' second factor ------------------------------------------------------------------------


def second_factor_enrolment(*, user):
    """The user's second factor, with a new secret if they have none yet; confirmed by their first right code."""
    device, _created = SecondFactor.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


def second_factor_verify(*, user, code, request=None):
    """Check a code of the user's authenticator app: within one step of now, and later than the last code
    accepted, so a code seen over someone's shoulder cannot be used again. The first right code confirms the
    enrolment. AXES_FAILURE_LIMIT wrong codes in a row lock the second factor for AXES_COOLOFF_TIME (a password
    login does not reset that count); the security administrator can unlock it."""
    now = timezone.now()
    device = SecondFactor.objects.get(user=user)
    if device.is_locked(now):
        _audit_second_factor(
            AuditEntry.Action.LOGIN_FAILED, actor=user, user=user, before="", after="locked", request=request
        )
        message = _second_factor_locked_message(device)
        raise ApplicationError(message, errors={"code": [message]})
    step = totp.matching_step(device.secret, code)
    accepted = (
        step is not None
        and (
            SecondFactor.objects.filter(pk=device.pk)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
            .update(last_used_step=step, failures=0, locked_until=None, confirmed_at=device.confirmed_at or now)
        )
        == 1
    )
    if not accepted:
        _second_factor_failed(device, now, request)
        device.refresh_from_db()
        message = _second_factor_locked_message(device) if device.is_locked(now) else _("Wrong or already used code.")
        raise ApplicationError(message, errors={"code": [message]})
    enrolled = device.confirmed_at is None
    device.refresh_from_db()
    if enrolled:
        _audit_second_factor(
            AuditEntry.Action.UPDATE, actor=user, user=user, before="", after="enrolled", request=request
        )
    _audit_second_factor(AuditEntry.Action.LOGIN, actor=user, user=user, before="", after="verified", request=request)
    return device


def _second_factor_failed(device, now, request):
    SecondFactor.objects.filter(pk=device.pk).update(failures=F("failures") + 1)
    SecondFactor.objects.filter(pk=device.pk, failures__gte=settings.AXES_FAILURE_LIMIT).update(
        failures=0, locked_until=now + settings.AXES_COOLOFF_TIME
    )
    _audit_second_factor(
        AuditEntry.Action.LOGIN_FAILED,
        actor=device.user,
        user=device.user,
        before="",
        after="wrong code",
        request=request,
    )


def _second_factor_locked_message(device):
    return _(
        "Too many wrong codes: the second factor is locked until %(time)s. Wait, or ask the security administrator "
        "to unlock it."
    ) % {"time": timezone.localtime(device.locked_until).strftime("%H:%M")}


def _audit_second_factor(action, *, actor, user, before, after, request=None):
    audit_record(
        kind=AuditEntry.Kind.ACCESS,
        action=action,
        actor=actor,
        obj=user,
        changes=[{"field": "second_factor", "before": before, "after": after}],
        request=request,
    )


@transaction.atomic
def second_factor_reset(*, actor, user):
    """The security administrator clears a user's second factor (a lost phone, say): their next login enrols a
    new one. Audited."""
    require(actor, "second_factor.reset", user)
    deleted, _detail = SecondFactor.objects.filter(user=user).delete()
    if not deleted:
        raise ApplicationError(_("%(name)s has no second factor to reset.") % {"name": user.username})
    _audit_second_factor(AuditEntry.Action.UPDATE, actor=actor, user=user, before="enrolled", after="reset")
    return user
