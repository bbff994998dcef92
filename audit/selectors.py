from accounts.scoping import visible_to
from audit.models import AuditEntry, ChainVerification


def audit_entry_list(*, user, filters=None):
    filters = filters or {}
    qs = visible_to(user, AuditEntry.objects.all())
    if filters.get("user"):
        qs = qs.filter(actor_username__iexact=filters["user"])
    if filters.get("model"):
        qs = qs.filter(model_label=filters["model"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    return qs


def audit_model_choices(*, user):
    labels = visible_to(user, AuditEntry.objects.all()).exclude(model_label="")
    return sorted(set(labels.values_list("model_label", flat=True).distinct()))


def chain_last_verification(*, user):
    """The latest walk of the hash chain (None before the first), for the audit page."""
    return visible_to(user, ChainVerification.objects.all()).order_by("-checked_at", "-id").first()
