"""Receivers that feed the audit trail. They record; they never decide anything."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from audit.models import AuditEntry
from audit.services import audit_history_record, audit_record

User = get_user_model()


@receiver(post_create_historical_record)
def history_to_audit(sender, instance, history_instance, history_user, **kwargs):
    audit_history_record(history_instance=history_instance, instance=instance, history_user=history_user)


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(kind=AuditEntry.Kind.ACCESS, action=AuditEntry.Action.LOGIN, actor=user, obj=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            kind=AuditEntry.Kind.ACCESS, action=AuditEntry.Action.LOGOUT, actor=user, obj=user, request=request
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        kind=AuditEntry.Kind.ACCESS,
        action=AuditEntry.Action.LOGIN_FAILED,
        username=username,
        model_label=User._meta.label,
        object_repr=username,
        request=getattr(request, "_request", request),
    )


def _role_names(user):
    return sorted(user.groups.values_list("name", flat=True))


@receiver(m2m_changed, sender=User.groups.through)
def on_roles_changed(sender, instance, action, reverse, **kwargs):
    """Role (group) changes of a user, whichever door made them."""
    if reverse or not isinstance(instance, User):
        return
    if action.startswith("pre_"):
        instance._roles_before = _role_names(instance)
        return
    if not action.startswith("post_"):
        return
    before = getattr(instance, "_roles_before", [])
    after = _role_names(instance)
    instance.__dict__.pop("role_names", None)
    if before != after:
        audit_record(
            kind=AuditEntry.Kind.DATA,
            action=AuditEntry.Action.UPDATE,
            obj=instance,
            changes=[{"field": "roles", "before": ", ".join(before), "after": ", ".join(after)}],
        )
