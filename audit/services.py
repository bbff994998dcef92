"""Writing the audit trail. Everything that records an audit entry goes through here."""

from simple_history.models import HistoricalRecords

from audit.models import AuditEntry

MASKED = "******"
# Values never copied into the trail, though the change itself is recorded.
SENSITIVE_FIELDS = frozenset({"password"})


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _user_of(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _show(field, value):
    if field in SENSITIVE_FIELDS:
        return MASKED if value not in (None, "") else ""
    if value is None:
        return None
    return str(value)


def audit_record(
    *,
    kind,
    action,
    actor=None,
    username="",
    obj=None,
    model_label="",
    object_id="",
    object_repr="",
    changes=(),
    request=None,
):
    request = request or current_request()
    actor = actor or _user_of(request)
    if obj is not None:
        model_label = obj._meta.label
        object_id = str(obj.pk)
        object_repr = str(obj)
    return AuditEntry.objects.create(
        kind=kind,
        action=action,
        actor_id=actor.pk if actor else None,
        actor_username=actor.get_username() if actor else username,
        model_label=model_label,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=[
            {"field": c["field"], "before": _show(c["field"], c["before"]), "after": _show(c["field"], c["after"])}
            for c in changes
        ],
        ip_address=client_ip(request),
    )


def audit_history_record(*, history_instance, instance, history_user):
    """Turn one simple-history record into an audit entry with its before/after."""
    history_type = history_instance.history_type
    fields = [f.name for f in history_instance.tracked_fields]
    if history_type == "+":
        action = AuditEntry.Action.CREATE
        changes = [{"field": f, "before": None, "after": _value(history_instance, f)} for f in fields]
    elif history_type == "-":
        action = AuditEntry.Action.DELETE
        changes = [{"field": f, "before": _value(history_instance, f), "after": None} for f in fields]
    else:
        action = AuditEntry.Action.UPDATE
        previous = history_instance.prev_record
        if previous is None:
            changes = [{"field": f, "before": None, "after": _value(history_instance, f)} for f in fields]
        else:
            delta = history_instance.diff_against(previous)
            changes = [{"field": c.field, "before": c.old, "after": c.new} for c in delta.changes]
        if not changes:
            return None  # A save that changed nothing tracked (a login's last_login, say).
    request = current_request()
    return audit_record(
        kind=AuditEntry.Kind.DATA,
        action=action,
        actor=history_user if history_user is not None and history_user.is_authenticated else None,
        obj=instance,
        changes=[c for c in changes if not (c["before"] in (None, "") and c["after"] in (None, ""))],
        request=request,
    )


def _value(history_instance, field_name):
    field = history_instance.instance_type._meta.get_field(field_name)
    return getattr(history_instance, field.attname)
