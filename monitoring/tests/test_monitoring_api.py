"""The monitoring API: contracts, findings and their workflow, equity changes, what data is missing."""

import datetime

from accounts.models import Unit
from monitoring.models import EquityChange, Finding
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project


def test_land_contract_and_agreement_through_the_api(city, api_for):
    project = make_project(city["centre"])
    contract = {
        "number": "3302822026A99999",
        "area_m2": "40000.00",
        "price": "18000000.00",
        "signed_on": "2026-01-10",
        "delivery_date": "2026-02-01",
        "construction_start_deadline": "2026-06-01",
        "completion_deadline": "2027-06-01",
    }
    refused = api_for("centre").post(f"/api/v1/projects/{project.pk}/land-contracts/", contract, format="json")
    assert refused.status_code == 403 and "自然资源和规划局" in refused.json()["detail"]
    bad = api_for("zigui").post(
        f"/api/v1/projects/{project.pk}/land-contracts/", contract | {"delivery_date": "2025-01-01"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["errors"]
    made = api_for("zigui").post(f"/api/v1/projects/{project.pk}/land-contracts/", contract, format="json")
    assert made.status_code == 201
    assert (
        api_for("town_a").get(f"/api/v1/projects/{project.pk}/land-contracts/").json()[0]["number"]
        == (contract["number"])
    )
    agreement = {
        "number": "慈履约〔2026〕1号",
        "signed_on": "2026-01-10",
        "investment_per_mu": "3000000",
        "tax_per_mu": "300000",
        "value_added_per_energy": "20000",
        "checkpoints": [{"year": 1, "description": "投产首年投资到位"}, {"year": 7, "description": "全面评价"}],
    }
    assert api_for("town_b").post(
        f"/api/v1/projects/{project.pk}/agreement/", agreement, format="json"
    ).status_code in (
        403,
        404,
    )
    made = api_for("town_a").post(f"/api/v1/projects/{project.pk}/agreement/", agreement, format="json")
    assert made.status_code == 201, made.json()
    got = api_for("leader").get(f"/api/v1/projects/{project.pk}/agreement/").json()
    assert [c["year"] for c in got["checkpoints"]] == [1, 7]
    again = api_for("town_a").post(f"/api/v1/projects/{project.pk}/agreement/", agreement, format="json")
    assert again.status_code == 409


def test_findings_list_filters_scope_and_workflow(city, api_for):
    mine = make_project(city["centre"], unit_code="zhouxiang")
    theirs = make_project(city["centre"], unit_code="guanhaiwei")
    zhouxiang = Unit.objects.get(code="zhouxiang")
    a = Finding.objects.create(project=mine, kind="rectification", period="2025", severity="medium", owner=zhouxiang)
    Finding.objects.create(
        project=theirs, kind="breach", period="2025", severity="high", owner=Unit.objects.get(code="centre")
    )
    assert api_for("centre").get("/api/v1/findings/?severity=high").json()["count"] == 1
    assert [f["id"] for f in api_for("town_a").get("/api/v1/findings/").json()["results"]] == [a.pk]
    assert api_for("town_a").get(f"/api/v1/findings/?owner={zhouxiang.pk}&status=active").json()["count"] == 1
    moved = api_for("town_a").post(
        f"/api/v1/findings/{a.pk}/actions/", {"action": "rectify", "note": "已整改"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "rectifying"
    assert moved.json()["actions"][0]["actor"] == "town_a"
    refused = api_for("town_a").post(
        f"/api/v1/findings/{a.pk}/actions/", {"action": "waive", "note": "x"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["detail"]
    assert (
        api_for("deputy")
        .post(f"/api/v1/findings/{a.pk}/actions/", {"action": "resolve", "note": "x"}, format="json")
        .status_code
        == 403
    )
    assert api_for("town_b").get(f"/api/v1/findings/{a.pk}/").status_code == 404


def test_equity_changes_are_recorded_by_market_regulation(city, api_for):
    company = make_project(city["centre"]).investor
    change = {
        "company": company.pk,
        "registered_on": "2026-03-01",
        "transferor": company.name,
        "transferee": "宁波某置业有限公司",
        "share": "55.00",
    }
    assert api_for("zigui").post("/api/v1/equity-changes/", change, format="json").status_code == 403
    assert (
        api_for("shichang").post("/api/v1/equity-changes/", change | {"share": "120"}, format="json").status_code == 400
    )
    assert api_for("shichang").post("/api/v1/equity-changes/", change, format="json").status_code == 201
    assert EquityChange.objects.get().recorded_by == city["shichang"]
    assert api_for("centre").get(f"/api/v1/equity-changes/?company={company.pk}").json()["count"] == 1


def test_missing_data_is_what_the_bureau_supplies(city, api_for):
    project = make_project(city["centre"])
    Project.objects.filter(pk=project.pk).update(stage=Stage.OPERATING, production_start_date=datetime.date(2024, 1, 1))
    body = api_for("shuiwu").get("/api/v1/indicator-data/missing/?year=2025").json()
    assert body["year"] == 2025 and body["supervised"] == 1
    assert body["projects"] == [{"id": project.pk, "code": project.code, "missing": ["tax"]}]
    assert api_for("centre").get("/api/v1/indicator-data/missing/?year=2025").json()["projects"][0]["missing"] == [
        "investment",
        "tax",
        "energy",
        "value_added",
    ]
