"""What the incentives pages read: items with their totals, funds with theirs, queues. Scoped; a few queries."""

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from accounts.roles import Role
from accounts.scoping import has_role, visible_to
from incentives.models import ClawBack, CommitmentItem, Fund, LedgerEntry, Refusal, Request
from incentives.rules import is_finance
from incentives.services import ZERO, fund_totals


def project_items(*, user, project):
    """The project's items, each with paid (the ledger), approved-unpaid and filed amounts: one query."""
    return (
        visible_to(user, CommitmentItem.objects.filter(project=project))
        .select_related("fund", "clause__policy", "term__minute")
        .order_by("id")
    )


def item_rows(items):
    """Items with paid / approved / remaining (two grouped queries for every item at once)."""
    items = list(items)
    ids = [i.pk for i in items]
    paid = dict(
        LedgerEntry.objects.filter(item__in=ids).values("item").annotate(t=Sum("amount")).values_list("item", "t")
    )
    pending = {}
    for item_id, status, total in (
        Request.objects.filter(item__in=ids, status__in=[Request.Status.APPROVED, Request.Status.FILED])
        .values("item", "status")
        .annotate(t=Sum("amount"))
        .values_list("item", "status", "t")
    ):
        pending[(item_id, status)] = total
    rows = []
    for item in items:
        item_paid = paid.get(item.pk) or ZERO
        approved = pending.get((item.pk, Request.Status.APPROVED)) or ZERO
        rows.append(
            {
                "item": item,
                "paid": item_paid,
                "approved": approved,
                "filed": pending.get((item.pk, Request.Status.FILED)) or ZERO,
                "remaining": item.cap - item_paid - approved,
            }
        )
    return rows


def funds_with_totals():
    return [(fund, fund_totals(fund)) for fund in Fund.objects.all()]


def queue(*, user):
    """The requests waiting for ``user``: the centre reviews filed ones, finance pays approved ones, a landing
    unit follows its own."""
    rows = visible_to(user, Request.objects.select_related("item__project", "item__fund", "filed_by"))
    if has_role(user, Role.CENTRE):
        return rows.filter(status=Request.Status.FILED).order_by("filed_at")
    if is_finance(user):
        return rows.filter(status=Request.Status.APPROVED).order_by("reviewed_at")
    if has_role(user, Role.LANDING):
        return rows.filter(item__project__landing_unit=user.unit_id).order_by("-filed_at")[:50]
    return rows.none()


def refusals(*, user, project=None):
    rows = visible_to(user, Refusal.objects.select_related("project", "item", "actor"))
    return rows.filter(project=project) if project is not None else rows


def clawbacks(*, user, project=None):
    """Claw-backs, each annotated ``outstanding`` (its amount less the repayments in the ledger) in the same
    query."""
    rows = (
        visible_to(user, ClawBack.objects.select_related("project", "finding"))
        .annotate(
            repaid=Coalesce(
                Sum("ledger__amount"), Value(ZERO), output_field=DecimalField(max_digits=16, decimal_places=2)
            )
        )
        .annotate(outstanding=F("amount") + F("repaid"))  # repayments are negative entries
        .order_by("-opened_at", "-id")  # a grouped query does not take Meta.ordering
    )
    return rows.filter(project=project) if project is not None else rows
