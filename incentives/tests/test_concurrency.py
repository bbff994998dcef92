"""100 approvals of one item at once, on PostgreSQL, each on its own connection: never more than the cap."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from core.tests.concurrency import at_once
from incentives import services
from incentives.models import LedgerEntry, Request
from incentives.reconcile import reconcile
from incentives.tests.helpers import item


@pytest.mark.django_db(transaction=True)
def test_a_hundred_concurrent_approvals_never_exceed_the_cap(city):
    assert connection.vendor == "postgresql"
    the_item = item(city, cap=Decimal(1_000_000))
    requests = [
        services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(50_000), evidence="发票")
        for _ in range(100)
    ]

    def approve(request):
        try:
            services.request_approve(actor=city["centre"], request=request)
        except services.Refused as refused:
            return refused.rule
        return "approved"

    outcomes = at_once(*(lambda r=r: approve(r) for r in requests))
    assert len(outcomes) == 100
    assert outcomes.count("approved") == 20 and outcomes.count("over") == 80
    for request in Request.objects.filter(status=Request.Status.APPROVED):
        services.request_pay(actor=city["caizheng"], request=request)
    assert services.item_paid(the_item) == Decimal(1_000_000)
    assert LedgerEntry.objects.count() == 20
    assert reconcile() == []
    call_command("reconcile_incentives")
