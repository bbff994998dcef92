"""A breach opens a claw-back of what was paid; outstanding, it blocks payments; repaid, it settles."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Unit
from core.errors import ApplicationError
from incentives import services
from incentives.models import ClawBack, LedgerEntry, Refusal
from incentives.reconcile import reconcile
from incentives.tests.helpers import approved_request, item
from monitoring import services as monitoring
from monitoring.models import Finding


def _breach(city, project):
    monitoring.agreement_create(
        actor=city["centre"],
        project=project,
        number=f"履约-{project.pk}",
        signed_on=datetime.date(2025, 1, 1),
        investment_per_mu=Decimal(1),
        tax_per_mu=Decimal(1),
        value_added_per_energy=Decimal(1),
    )
    return Finding.objects.create(
        project=project, kind=Finding.Kind.BREACH, period="2025", severity="high", owner=Unit.objects.get(code="centre")
    )


def test_a_breach_claws_back_what_was_paid_and_blocks_payments_until_settled(city):
    the_item = item(city, cap=Decimal(1_000_000))
    paid = approved_request(city, the_item, Decimal(400_000))
    services.request_pay(actor=city["caizheng"], request=paid)
    pending = approved_request(city, the_item, Decimal(100_000))
    finding = _breach(city, the_item.project)
    assert services.clawbacks_open() == {"opened": 1}
    assert services.clawbacks_open() == {"opened": 0}  # one per breach
    clawback = ClawBack.objects.get()
    assert (clawback.finding, clawback.amount, list(clawback.items.all())) == (finding, Decimal(400_000), [the_item])
    with pytest.raises(services.Refused) as refused:
        services.request_pay(actor=city["caizheng"], request=pending)
    assert refused.value.rule == Refusal.Rule.CLAWBACK and "40.00 万元" in refused.value.message
    with pytest.raises(ApplicationError):
        services.clawback_repay(actor=city["caizheng"], clawback=clawback, amount=Decimal(400_001))
    services.clawback_repay(actor=city["caizheng"], clawback=clawback, amount=Decimal(150_000), idempotency_key="r1")
    services.clawback_repay(actor=city["caizheng"], clawback=clawback, amount=Decimal(150_000), idempotency_key="r1")
    assert services.clawback_outstanding(clawback) == Decimal(250_000)
    services.clawback_repay(actor=city["caizheng"], clawback=clawback, amount=Decimal(250_000))
    clawback.refresh_from_db()
    assert clawback.status == ClawBack.Status.SETTLED
    assert LedgerEntry.objects.filter(kind="repayment").count() == 2
    # Settled, the project may be paid again.
    again = approved_request(city, the_item, Decimal(10_000))
    services.request_pay(actor=city["caizheng"], request=again)
    assert reconcile() == []


def test_no_claw_back_when_nothing_was_paid_or_the_agreement_does_not_repay(city):
    the_item = item(city)
    _breach(city, the_item.project)
    assert services.clawbacks_open() == {"opened": 0}


def test_reconciliation_finds_a_payment_without_its_request(city):
    request = approved_request(city, item(city), Decimal(1000))
    LedgerEntry.objects.create(
        kind="payment",
        item=request.item,
        fund=request.item.fund,
        request=request,
        amount=Decimal(1000),
        idempotency_key="stray",
        actor=city["caizheng"],
    )
    assert reconcile() == [f"payment entry for request {request.pk}, which is not paid"]
