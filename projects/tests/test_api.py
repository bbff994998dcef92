from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import services
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import VALID_USCC, make_company, make_project
from projects.validators import USCC_CHARSET


def _body(city, company, **overrides):
    return {
        "name": "API 项目",
        "investor": company.pk,
        "industry": "39",
        "landing_unit": city["town_a"].unit_id,
        "attracting_unit": city["centre"].unit_id,
        "channel": "direct",
        "total_investment": "50000000.00",
        "land_mode": "new_land",
        "land_area_m2": "20000",
    } | overrides


def test_a_town_never_reaches_another_towns_project(city, api_for):
    theirs = make_project(city["centre"], unit_code="guanhaiwei")
    mine = make_project(city["centre"], unit_code="zhouxiang")
    api = api_for("town_a")
    assert [p["code"] for p in api.get("/api/v1/projects/").json()["results"]] == [mine.code]
    assert api.get(f"/api/v1/projects/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/projects/{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert (
        api.post(f"/api/v1/projects/{theirs.pk}/transition/", {"target": "negotiating"}, format="json").status_code
        == 404
    )


def test_a_bureau_reads_but_does_not_edit(city, api_for):
    project = make_project(city["centre"])
    api = api_for("fagai")
    assert api.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    response = api.patch(f"/api/v1/projects/{project.pk}/", {"name": "改"}, format="json")
    assert response.status_code == 403 and response.json()["detail"]


def test_create_ignores_fields_nobody_may_set(city, api_for):
    company = make_company(city["centre"])
    response = api_for("town_a").post(
        "/api/v1/projects/",
        _body(city, company, stage="operating", code="HACK", tier="major", created_by=city["centre"].pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(pk=response.json()["id"])
    assert project.stage == Stage.LEAD and project.code != "HACK" and project.tier == ""
    assert project.created_by == city["town_a"]
    assert response.json()["total_investment_wan"] == "5000.00" and response.json()["land_area_mu"] == "30.00"
    patched = api_for("town_a").patch(
        f"/api/v1/projects/{project.pk}/", {"stage": "operating", "code": "X"}, format="json"
    )
    assert patched.status_code == 200
    project.refresh_from_db()
    assert project.stage == Stage.LEAD and project.code != "X"


def test_every_single_character_change_of_a_real_code_is_refused_by_the_api(city, api_for):
    api = api_for("centre")
    code = VALID_USCC[2]
    assert api.post("/api/v1/companies/", {"name": "真实企业", "uscc": code}, format="json").status_code == 201
    for position in (0, 5, 10, 17):
        for char in USCC_CHARSET[::7]:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            response = api.post("/api/v1/companies/", {"name": "假企业", "uscc": changed}, format="json")
            assert response.status_code == 400, changed
            assert response.json()["errors"]["uscc"]


def test_a_missing_condition_is_refused_with_its_reason_through_the_api(city, api_for):
    project = make_project(city["centre"])
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.APPROVED, Stage.SIGNED):
        services.project_move(actor=city["centre"], project=project, target=target)
    response = api_for("town_a").post(
        f"/api/v1/projects/{project.pk}/transition/", {"target": "land_supplied"}, format="json"
    )
    assert response.status_code == 409
    assert any("资规局" in r for r in response.json()["errors"]["target"])
    options = {o["target"]: o for o in api_for("town_a").get(f"/api/v1/projects/{project.pk}/transition/").json()}
    assert options["land_supplied"]["allowed"] is False and options["terminated"]["allowed"] is True


def test_decisions_are_not_taken_through_the_transition_endpoint(city, api_for):
    project = make_project(city["centre"])
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION):
        services.project_move(actor=city["centre"], project=project, target=target)
    response = api_for("centre").post(
        f"/api/v1/projects/{project.pk}/transition/", {"target": "approved"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"]["target"]


def test_the_list_api_uses_a_constant_number_of_queries(city, api_for):
    company = make_company(city["centre"])

    def count(n):
        while Project.objects.count() < n:
            make_project(city["centre"], company=company)
        api = api_for("centre")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/projects/?page_size=500").status_code == 200
        return len(ctx.captured_queries)

    assert count(10) == count(200)


def test_cursor_pagination(city, api_for):
    company = make_company(city["centre"])
    for _ in range(3):
        make_project(city["centre"], company=company)
    first = api_for("centre").get("/api/v1/projects/?paginate=cursor&page_size=2").json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"]
    second = api_for("centre").get(first["next"]).json()
    assert len(second["results"]) == 1


def test_allocation_through_the_api_is_never_doubled(city, api_for):
    first, second = make_project(city["centre"]), make_project(city["centre"])
    api = api_for("zigui")
    parcel = api.post(
        "/api/v1/parcels/",
        {"code": "P-API", "location": "滨海", "area_m2": "10000", "planned_use": "工业"},
        format="json",
    ).json()
    assert (
        api.post("/api/v1/allocations/", {"project": first.pk, "parcel": parcel["id"]}, format="json").status_code
        == 201
    )
    refused = api.post("/api/v1/allocations/", {"project": second.pk, "parcel": parcel["id"]}, format="json")
    assert refused.status_code == 409
    allocation = first.allocations.get()
    assert api.post(f"/api/v1/allocations/{allocation.pk}/release/").status_code == 200
    assert (
        api.post("/api/v1/allocations/", {"project": second.pk, "parcel": parcel["id"]}, format="json").status_code
        == 201
    )


def test_the_deputy_changes_nothing_through_the_api(city, api_for):
    project = make_project(city["centre"])
    api = api_for("deputy")
    assert api.get(f"/api/v1/oversight/projects/{project.pk}/").status_code == 200  # reads through the portal
    assert api.patch(f"/api/v1/projects/{project.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.post("/api/v1/companies/", {"name": "x", "uscc": VALID_USCC[0]}, format="json").status_code == 403


def test_money_is_exact(city, api_for):
    company = make_company(city["centre"])
    response = api_for("centre").post(
        "/api/v1/projects/", _body(city, company, total_investment="1234567.89"), format="json"
    )
    assert Project.objects.get(pk=response.json()["id"]).total_investment == Decimal("1234567.89")
