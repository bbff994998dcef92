"""What the portal never shows: commercially confidential fields. One place decides, for pages, PDFs and the
API alike; the portal's presenters and serializers ask ``shown(obj, field)`` for every value they show.

Always confidential: the investors' and partners' contact details, the project's contacts, the land
prices (the contract's price and the land-price terms of the minutes), bank accounts; and any field the
centre marks confidential (``oversight.ConfidentialField``).
"""

from decisions.models import PreferentialTerm

MASK = "（保密）"

ALWAYS = {
    "projects.company": {"contact_name", "contact_phone", "bank_account"},
    "projects.partner": {"contact_name", "contact_phone", "bank_account"},
    "projects.project": {"contacts"},
    "monitoring.landcontract": {"price", "unit_price"},
}


def centre_marked():
    """{model label: {field}} the centre marked confidential (read once per request by the caller)."""
    from oversight.models import ConfidentialField

    marked = {}
    for label, field in ConfidentialField.objects.values_list("model_label", "field_name"):
        marked.setdefault(label, set()).add(field)
    return marked


def is_confidential(obj, field, marked=None):
    label = obj._meta.label_lower
    if field in ALWAYS.get(label, ()) or field in (marked or {}).get(label, ()):
        return True
    # A land-price term is the land's unit price under another name.
    return isinstance(obj, PreferentialTerm) and obj.kind == PreferentialTerm.Kind.LAND_PRICE and field == "amount"


def shown(obj, field, marked=None):
    """The value of ``obj.field`` as the portal may show it: the mask for a confidential field."""
    if obj is None:
        return None
    if is_confidential(obj, field, marked):
        return MASK
    return getattr(obj, field)


def confidential_mark(*, actor, model_label, field_name, reason):
    """The centre marks a field confidential: from now on the portal masks it everywhere."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from accounts.scoping import require
    from core.errors import ApplicationError
    from oversight.models import ConfidentialField

    require(actor, "confidential.mark")
    mark = ConfidentialField(
        model_label=model_label.strip().lower(), field_name=field_name.strip(), reason=reason.strip(), marked_by=actor
    )
    try:
        mark.full_clean()
    except ValidationError as exc:  # with the field at fault
        raise ApplicationError(exc.messages[0], errors=getattr(exc, "message_dict", {})) from exc
    with transaction.atomic():
        mark.save()
    return mark
