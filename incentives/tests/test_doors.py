"""The same rules through the page and the API: refusals with their reason, who does what, notices."""

import datetime
from decimal import Decimal

from incentives.models import LedgerEntry, Refusal, Request
from incentives.tests.helpers import approved_request, fund, item, project_at
from projects.stages import Stage


def test_an_early_request_is_refused_on_the_page_with_its_reason(city, client_for):
    the_item = item(city, project=project_at(city, Stage.SIGNED))
    client = client_for("town_a")
    response = client.post(
        f"/incentives/projects/{the_item.project_id}/",
        {"form": "request", "req-item": the_item.pk, "req-amount_wan": "10", "req-evidence": "合同"},
        follow=True,
    )
    page = response.content.decode()
    assert "超前" in page or "Early" in page
    assert Refusal.objects.get().rule == Refusal.Rule.EARLY
    assert 'data-testid="refusals"' in page and not Request.objects.exists()


def test_filing_approving_and_paying_through_the_pages_and_the_notices(city, client_for):
    the_item = item(city)
    town = client_for("town_a")
    response = town.post(
        f"/incentives/projects/{the_item.project_id}/",
        {"form": "request", "req-item": the_item.pk, "req-amount_wan": "25", "req-evidence": "设备发票 12 张"},
    )
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.amount == Decimal(250_000)
    assert town.post(f"/incentives/requests/{req.pk}/approve/").status_code == 403  # not its own request
    client_for("centre").post(f"/incentives/requests/{req.pk}/approve/")
    assert client_for("centre").post(f"/incentives/requests/{req.pk}/pay/").status_code == 403
    finance = client_for("caizheng")
    finance.post(f"/incentives/requests/{req.pk}/pay/")
    finance.post(f"/incentives/requests/{req.pk}/pay/")
    req.refresh_from_db()
    assert req.status == Request.Status.PAID and LedgerEntry.objects.count() == 1
    finance_page = finance.get(f"/incentives/requests/{req.pk}/").content.decode()
    assert 'data-testid="ledger"' in finance_page and "reverse/" in finance_page
    for kind in ("request", "payment"):
        pdf = town.get(f"/incentives/requests/{req.pk}/notice/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert client_for("town_b").get(f"/incentives/requests/{req.pk}/").status_code == 404


def test_a_fund_below_the_floor_is_refused_on_the_page_and_the_api(city, client_for, api_for):
    page = client_for("caizheng").post("/incentives/", {"year": 2030, "budget_wan": "999.99"})
    assert page.status_code == 400 and "1,000.00 万元" in page.content.decode()
    api = api_for("caizheng").post("/api/v1/funds/", {"year": 2030, "budget": "9999999"}, format="json")
    assert api.status_code == 400 and "1,000.00 万元" in api.json()["detail"]
    assert (
        api_for("caizheng").post("/api/v1/funds/", {"year": 2030, "budget": "10000000"}, format="json").status_code
        == 201
    )
    assert (
        api_for("centre").post("/api/v1/funds/", {"year": 2031, "budget": "20000000"}, format="json").status_code == 403
    )


def test_each_refusal_through_the_api_with_its_rule(city, api_for):
    town = api_for("town_a")
    early = item(city, earliest=datetime.date(2099, 1, 1))
    response = town.post(
        "/api/v1/incentive-requests/", {"item": early.pk, "amount": "1", "evidence": "x"}, format="json"
    )
    assert response.status_code == 409 and "2099-01-01" in response.json()["detail"]
    capped = item(city, cap=Decimal(100_000))
    response = town.post(
        "/api/v1/incentive-requests/", {"item": capped.pk, "amount": "100001", "evidence": "x"}, format="json"
    )
    assert response.status_code == 409 and "10.00 万元" in response.json()["detail"]
    other_town = api_for("town_b").post(
        "/api/v1/incentive-requests/", {"item": capped.pk, "amount": "1", "evidence": "x"}, format="json"
    )
    assert other_town.status_code == 404  # another town's item does not exist for it
    rules = [r["rule"] for r in api_for("centre").get("/api/v1/incentive-refusals/").json()["results"]]
    assert sorted(rules) == ["early", "over"]


def test_paying_twice_through_the_api_with_the_same_key(city, api_for):
    req = approved_request(city, item(city), Decimal(5000))
    finance = api_for("caizheng")
    first = finance.post(f"/api/v1/incentive-requests/{req.pk}/pay/", HTTP_IDEMPOTENCY_KEY="k-1")
    second = finance.post(f"/api/v1/incentive-requests/{req.pk}/pay/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 200 and first.json()["id"] == second.json()["id"]
    assert LedgerEntry.objects.count() == 1
    assert api_for("centre").get(f"/api/v1/funds/{fund(city).year}/").json()["paid"] == "5000.00"
    items = api_for("town_a").get(f"/api/v1/projects/{req.item.project_id}/incentives/").json()
    assert items[0]["paid"] == "5000.00" and items[0]["remaining"] == "995000.00"


def test_mass_assignment_of_workflow_fields_is_ignored(city, api_for):
    the_item = item(city)
    response = api_for("town_a").post(
        "/api/v1/incentive-requests/",
        {"item": the_item.pk, "amount": "1", "evidence": "x", "status": "paid", "paid_by": 1},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "filed"


def _case(city, rule):
    """An item, and what to ask for, that ``rule`` refuses."""
    import datetime as dt

    from incentives.models import CommitmentItem
    from incentives.tests.helpers import clause
    from projects.models import Project

    if rule == "early":
        return item(city, earliest=dt.date(2099, 1, 1)), Decimal(10_000), "2099-01-01"
    if rule == "over":
        return item(city, cap=Decimal(100_000)), Decimal(110_000), "10.00 万元"
    if rule == "out_of_scope":
        the_item = item(city)
        Project.objects.filter(pk=the_item.project_id).update(stage=Stage.TERMINATED)
        return the_item, Decimal(10_000), "超范围"
    if rule == "fund":
        the_fund = fund(city, year=2027, budget=Decimal(10_000_000))
        big = item(city, the_fund=the_fund, the_clause=clause(city, cap=Decimal(10_000_000)), cap=Decimal(10_000_000))
        CommitmentItem.objects.filter(pk=big.pk).update(cap=Decimal(20_000_000))  # as if the budget were cut
        return big, Decimal(10_000_100), "预算"
    raise AssertionError(rule)


import pytest  # noqa: E402


@pytest.mark.parametrize("rule", ["early", "over", "out_of_scope", "fund"])
def test_each_refusal_through_the_page_and_the_api(city, client_for, api_for, rule):
    the_item, amount, fragment = _case(city, rule)
    page = client_for("town_a").post(
        f"/incentives/projects/{the_item.project_id}/",
        {"form": "request", "req-item": the_item.pk, "req-amount_wan": str(amount / 10000), "req-evidence": "材料"},
        follow=True,
    )
    assert fragment in page.content.decode()
    api = api_for("town_a").post(
        "/api/v1/incentive-requests/", {"item": the_item.pk, "amount": str(amount), "evidence": "材料"}, format="json"
    )
    assert api.status_code == 409 and fragment in api.json()["detail"]
    assert set(Refusal.objects.values_list("rule", flat=True)) == {rule}
    assert Refusal.objects.count() == 2 and not Request.objects.exists()
