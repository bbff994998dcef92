"""Never early, over the cap or out of scope; the fund's floor and ceiling; who does what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ApplicationError
from incentives import services
from incentives.models import CommitmentItem, LedgerEntry, Refusal, Request
from incentives.tests.helpers import approved_request, clause, fund, item, project_at
from projects.models import Project
from projects.stages import Stage


def test_a_fund_below_ten_million_is_refused_with_the_reason(city):
    with pytest.raises(ApplicationError) as refused:
        fund(city, budget=Decimal("9999999.99"))
    assert "1,000.00 万元" in refused.value.message and "budget" in refused.value.errors
    assert fund(city, budget=Decimal(10_000_000)).budget == Decimal(10_000_000)
    with pytest.raises(PermissionDenied):
        services.fund_create(actor=city["centre"], year=2027, budget=Decimal(20_000_000))


def test_commitments_cannot_exceed_the_fund_or_the_clause(city):
    the_fund = fund(city, budget=Decimal(10_000_000))
    the_clause = clause(city, cap=Decimal(8_000_000))
    with pytest.raises(ApplicationError) as refused:
        item(city, the_fund=the_fund, the_clause=the_clause, cap=Decimal(9_000_000))
    assert "cap" in refused.value.errors
    item(city, the_fund=the_fund, the_clause=the_clause, cap=Decimal(6_000_000))
    with pytest.raises(ApplicationError) as refused:
        item(city, the_fund=the_fund, the_clause=the_clause, cap=Decimal(5_000_000))
    assert "400.00 万元" in refused.value.message  # what is left to commit


def test_early_before_its_date_or_before_its_condition(city):
    early_date = item(city, earliest=datetime.date(2099, 1, 1))
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=early_date, amount=Decimal(1), evidence="x")
    assert refused.value.rule == Refusal.Rule.EARLY and "2099-01-01" in refused.value.message
    not_yet = item(city, project=project_at(city, Stage.SIGNED))
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=not_yet, amount=Decimal(1), evidence="x")
    assert refused.value.rule == Refusal.Rule.EARLY and "“签约”" in refused.value.message
    assert Refusal.objects.filter(rule=Refusal.Rule.EARLY, step=Refusal.Step.FILING).count() == 2
    assert not Request.objects.exists()


def test_over_the_cap_counts_paid_and_approved_unpaid(city):
    the_item = item(city, cap=Decimal(1_000_000))
    paid = approved_request(city, the_item, Decimal(600_000))
    services.request_pay(actor=city["caizheng"], request=paid)
    approved_request(city, the_item, Decimal(300_000))
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(100_001), evidence="x")
    assert refused.value.rule == Refusal.Rule.OVER
    assert "60.00 万元" in refused.value.message and "30.00 万元" in refused.value.message
    assert "100.00 万元" in refused.value.message  # the cap
    services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(100_000), evidence="x")


def test_out_of_scope_another_projects_item_an_expired_clause_a_terminated_project(city):
    the_item = item(city)
    other = project_at(city)
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(1), evidence="x", project=other)
    assert refused.value.rule == Refusal.Rule.OUT_OF_SCOPE
    expired = item(
        city, the_clause=clause(city, valid_to=datetime.date(2026, 6, 30)), earliest=datetime.date(2026, 1, 1)
    )
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=expired, amount=Decimal(1), evidence="x")
    assert refused.value.rule == Refusal.Rule.OUT_OF_SCOPE and "第五条" in refused.value.message
    Project.objects.filter(pk=the_item.project_id).update(stage=Stage.TERMINATED)
    the_item.refresh_from_db()
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(1), evidence="x")
    assert refused.value.rule == Refusal.Rule.OUT_OF_SCOPE


def test_beyond_the_fund(city):
    the_fund = fund(city, budget=Decimal(10_000_000))
    big = item(city, the_fund=the_fund, the_clause=clause(city, cap=Decimal(10_000_000)), cap=Decimal(10_000_000))
    approved_request(city, big, Decimal(10_000_000))
    # Commitments fit; payments beyond the budget do not (a budget cut is refused too).
    with pytest.raises(ApplicationError):
        services.fund_set_budget(actor=city["caizheng"], fund=the_fund, budget=Decimal(10_000_000) - 1)
    CommitmentItem.objects.filter(pk=big.pk).update(cap=Decimal(12_000_000))  # as if the budget had been cut
    with pytest.raises(services.Refused) as refused:
        services.request_file(actor=city["town_a"], item=big, amount=Decimal(1), evidence="x")
    assert refused.value.rule == Refusal.Rule.FUND


def test_the_rules_run_again_at_approval_and_at_payment(city):
    the_item = item(city, cap=Decimal(1_000_000))
    first = services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(700_000), evidence="x")
    second = services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(700_000), evidence="x")
    services.request_approve(actor=city["centre"], request=first)
    with pytest.raises(services.Refused):
        services.request_approve(actor=city["centre"], request=second)
    second.refresh_from_db()
    assert second.status == Request.Status.REFUSED and "超额" not in second.refusal or second.refusal
    # The project is terminated between approval and payment: finance is refused.
    Project.objects.filter(pk=the_item.project_id).update(stage=Stage.TERMINATED)
    with pytest.raises(services.Refused) as refused:
        services.request_pay(actor=city["caizheng"], request=first)
    assert refused.value.rule == Refusal.Rule.OUT_OF_SCOPE
    assert not LedgerEntry.objects.exists()
    assert Refusal.objects.filter(step=Refusal.Step.PAYMENT).count() == 1


def test_each_step_by_its_role_only(city):
    the_item = item(city)
    with pytest.raises(PermissionDenied):
        services.request_file(actor=city["town_b"], item=the_item, amount=Decimal(1), evidence="x")
    request = services.request_file(actor=city["town_a"], item=the_item, amount=Decimal(1), evidence="x")
    for username in ("town_a", "caizheng", "deputy"):
        with pytest.raises(PermissionDenied):
            services.request_approve(actor=city[username], request=request)
    services.request_approve(actor=city["centre"], request=request)
    for username in ("centre", "town_a"):
        with pytest.raises(PermissionDenied):
            services.request_pay(actor=city[username], request=request)
    services.request_pay(actor=city["caizheng"], request=request)


def test_paying_twice_with_the_same_key_records_one_payment(city):
    request = approved_request(city, item(city), Decimal(1000))
    first = services.request_pay(actor=city["caizheng"], request=request, idempotency_key="pay-42")
    again = services.request_pay(actor=city["caizheng"], request=request, idempotency_key="pay-42")
    without_key = services.request_pay(actor=city["caizheng"], request=request)
    assert first.pk == again.pk == without_key.pk
    assert LedgerEntry.objects.count() == 1
    other = approved_request(city, item(city), Decimal(10))
    with pytest.raises(ApplicationError):
        services.request_pay(actor=city["caizheng"], request=other, idempotency_key="pay-42")


def test_the_ledger_refuses_update_and_delete_in_the_database(city):
    from django.db import IntegrityError, connection, transaction

    assert connection.vendor == "postgresql"
    request = approved_request(city, item(city), Decimal(1000))
    entry = services.request_pay(actor=city["caizheng"], request=request)
    for sql in (
        "UPDATE incentives_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM incentives_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.amount == Decimal(1000)


def test_a_reversal_undoes_a_payment_and_the_ledger_keeps_both(city):
    from incentives.reconcile import reconcile

    request = approved_request(city, item(city, cap=Decimal(100_000)), Decimal(100_000))
    services.request_pay(actor=city["caizheng"], request=request)
    with pytest.raises(PermissionDenied):
        services.payment_reverse(actor=city["centre"], request=request, reason="x")
    services.payment_reverse(actor=city["caizheng"], request=request, reason="银行退票")
    services.payment_reverse(actor=city["caizheng"], request=request, reason="银行退票")
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [
        ("payment", Decimal("100000.00")),
        ("reversal", Decimal("-100000.00")),
    ]
    assert services.item_paid(request.item) == 0 and reconcile() == []
    # The cap is free again.
    approved_request(city, request.item, Decimal(100_000))
