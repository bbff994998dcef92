"""Reconciliation: the ledger against the requests, the caps, the funds and the claw-backs. Returns the
problems found (an empty list when everything balances)."""

from django.db.models import Count, F, Q, Sum

from incentives.models import ClawBack, CommitmentItem, Fund, LedgerEntry, Request


def reconcile():
    problems = []
    payments = (
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT)
        .values("request")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    paid_by_request = {row["request"]: row for row in payments}
    for request in Request.objects.filter(status=Request.Status.PAID).only("pk", "amount"):
        row = paid_by_request.pop(request.pk, None)
        if row is None:
            problems.append(f"request {request.pk} is paid but has no payment entry")
        elif row["n"] != 1 or row["total"] != request.amount:
            problems.append(
                f"request {request.pk}: {row['n']} payment entries totalling {row['total']}, not {request.amount}"
            )
    net = dict(
        LedgerEntry.objects.filter(request__status=Request.Status.REVERSED)
        .values("request")
        .annotate(total=Sum("amount"))
        .values_list("request", "total")
    )
    for request in Request.objects.filter(status=Request.Status.REVERSED).only("pk"):
        paid_by_request.pop(request.pk, None)
        if net.get(request.pk) != 0:
            problems.append(f"request {request.pk} is reversed but its entries net {net.get(request.pk)}")
    for request_id in paid_by_request:
        problems.append(f"payment entry for request {request_id}, which is not paid")
    over = (
        CommitmentItem.objects.annotate(paid=Sum("ledger__amount", filter=Q(ledger__isnull=False)))
        .filter(paid__gt=F("cap"))
        .values_list("pk", "paid", "cap")
    )
    for pk, paid, cap in over:
        problems.append(f"item {pk}: paid {paid} above its cap {cap}")
    for fund in Fund.objects.annotate(paid=Sum("ledger__amount")):
        if (fund.paid or 0) > fund.budget:
            problems.append(f"fund {fund.year}: paid {fund.paid} above its budget {fund.budget}")
    for clawback in ClawBack.objects.annotate(repaid=Sum("ledger__amount")):
        repaid = -(clawback.repaid or 0)
        settled = clawback.status == ClawBack.Status.SETTLED
        if repaid > clawback.amount or settled != (repaid == clawback.amount):
            problems.append(f"claw-back {clawback.pk}: repaid {repaid} of {clawback.amount}, {clawback.status}")
    return problems
