from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Unit
from core.tests.concurrency import at_once
from projects import services
from projects.models import LandParcel, Project, ResourceStatus
from projects.stages import Stage
from projects.tests.factories import VALID_USCC, make_company, make_project
from projects.validators import USCC_CHARSET, validate_uscc


@pytest.fixture
def two_towns(city):
    centre = city["centre"]
    return make_project(centre, unit_code="zhouxiang"), make_project(centre, unit_code="guanhaiwei")


def test_a_town_sees_only_its_own_projects(client_for, two_towns):
    mine, theirs = two_towns
    page = client_for("town_a").get("/projects/")
    codes = [p.code for p in page.context["page"]]
    assert codes == [mine.code]
    assert client_for("town_a").get(f"/projects/{theirs.pk}/").status_code == 404
    assert client_for("town_a").get(f"/projects/{theirs.pk}/edit/").status_code == 404
    assert client_for("town_a").get(f"/projects/{theirs.pk}/?tab=history").status_code == 404


def test_a_bureau_reads_every_project_but_edits_none(client_for, two_towns):
    mine, theirs = two_towns
    client = client_for("fagai")
    assert {p.code for p in client.get("/projects/").context["page"]} == {mine.code, theirs.code}
    assert client.get(f"/projects/{theirs.pk}/").status_code == 200
    response = client.get(f"/projects/{theirs.pk}/edit/")
    assert response.status_code == 403
    assert 'data-testid="reason"' in response.content.decode()


def test_administrators_see_no_business_data(client_for, two_towns):
    for username in ("sysadmin", "secadmin", "auditor"):
        assert client_for(username).get("/projects/").status_code == 403


def test_the_form_takes_wan_and_mu_and_stores_yuan_and_m2(city, client_for):
    company = make_company(city["centre"])
    response = client_for("town_a").post(
        "/projects/new/",
        {
            "name": "新项目",
            "investor": company.pk,
            "industry": "39",
            "landing_unit": Unit.objects.get(code="zhouxiang").pk,
            "attracting_unit": Unit.objects.get(code="zhouxiang").pk,
            "channel": "direct",
            "total_investment_wan": "5000",
            "land_mode": "new_land",
            "land_area_mu": "30",
            "expected_annual_output_wan": "12000.5",
            "expected_annual_tax_wan": "600",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(name="新项目")
    assert project.total_investment == Decimal("50000000.00")
    assert project.land_area_m2 == Decimal("20000.00")
    assert project.expected_annual_output == Decimal("120005000.00")
    assert project.stage == Stage.LEAD and project.code.startswith("CX")


def test_a_town_cannot_register_a_project_for_another_town(city, client_for):
    company = make_company(city["centre"])
    response = client_for("town_a").post(
        "/projects/new/",
        {
            "name": "越权项目",
            "investor": company.pk,
            "industry": "39",
            "landing_unit": Unit.objects.get(code="guanhaiwei").pk,
            "attracting_unit": Unit.objects.get(code="zhouxiang").pk,
            "channel": "direct",
            "total_investment_wan": "10",
            "land_mode": "no_land",
        },
    )
    assert response.status_code == 403
    assert not Project.objects.filter(name="越权项目").exists()


@pytest.mark.parametrize("code", VALID_USCC)
def test_real_credit_codes_pass_and_every_single_character_change_fails(code):
    validate_uscc(code)
    for position in range(18):
        for char in USCC_CHARSET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            with pytest.raises(ValidationError) as refused:
                validate_uscc(changed)
            assert refused.value.code in {"uscc_check", "uscc_charset", "uscc_division"}


def test_the_company_form_names_the_wrong_check_character(city, client_for):
    wrong = VALID_USCC[0][:17] + ("0" if VALID_USCC[0][17] != "0" else "1")
    response = client_for("centre").post("/projects/companies/new/", {"name": "某公司", "uscc": wrong})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["uscc"])
    assert "18" in errors and VALID_USCC[0][17] in errors
    response = client_for("centre").post("/projects/companies/new/", {"name": "某公司", "uscc": VALID_USCC[0]})
    assert response.status_code == 302


def test_a_refused_transition_shows_its_reason_and_changes_nothing(city, client_for):
    project = make_project(city["centre"])
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.APPROVED, Stage.SIGNED):
        services.project_move(actor=city["centre"], project=project, target=target)
    client = client_for("town_a")
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="transition-land_supplied"' in page
    assert "资规局" in page  # the reason names what is missing
    response = client.post(f"/projects/{project.pk}/transition/", {"target": "land_supplied"}, follow=True)
    assert "资规局" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_a_transition_is_recorded_on_the_timeline(city, client_for):
    project = make_project(city["centre"])
    client = client_for("town_a")
    assert (
        client.post(f"/projects/{project.pk}/transition/", {"target": "negotiating", "note": "首次洽谈"}).status_code
        == 302
    )
    timeline = client.get(f"/projects/{project.pk}/?tab=timeline").content.decode()
    assert "首次洽谈" in timeline
    change = project.stage_changes.last()
    assert (change.from_stage, change.to_stage, change.actor.username) == ("lead", "negotiating", "town_a")


def test_terminating_needs_a_reason(city, client_for):
    project = make_project(city["centre"])
    client_for("town_a").post(f"/projects/{project.pk}/transition/", {"target": "terminated", "note": " "})
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    client_for("town_a").post(f"/projects/{project.pk}/transition/", {"target": "terminated", "note": "投资方撤资"})
    project.refresh_from_db()
    assert project.stage == Stage.TERMINATED and project.terminated_reason == "投资方撤资"


def test_decisions_cannot_be_taken_from_the_project_page(city, client_for):
    project = make_project(city["centre"])
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION):
        services.project_move(actor=city["centre"], project=project, target=target)
    client_for("centre").post(f"/projects/{project.pk}/transition/", {"target": "approved"})
    project.refresh_from_db()
    assert project.stage == Stage.AWAITING_DECISION


def test_history_tab_shows_before_and_after(city, client_for):
    project = make_project(city["centre"])
    services.project_update(actor=city["town_a"], project=project, name="改名后的项目")
    page = client_for("town_a").get(f"/projects/{project.pk}/?tab=history").content.decode()
    assert "改名后的项目" in page and "<del>" in page


def test_the_list_uses_a_constant_number_of_queries(city, client_for):
    def count(n):
        while Project.objects.count() < n:
            make_project(city["centre"], company=company)
        client = client_for("centre")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/projects/?page=2").status_code == 200
        return len(ctx.captured_queries)

    company = make_company(city["centre"])
    assert count(30) == count(200)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_by_content_and_served_only_in_scope(city, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(city["centre"])
    client = client_for("town_a")
    client.post(
        f"/projects/{project.pk}/attachments/",
        {"kind": "general", "file": SimpleUploadedFile("../../etc/报告.pdf", PDF, "application/pdf")},
    )
    attachment = project.attachments.get()
    assert attachment.original_name == "报告.pdf"
    assert str(tmp_path) in attachment.file.path and ".." not in attachment.file.name
    disguised = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    client.post(f"/projects/{project.pk}/attachments/", {"kind": "general", "file": disguised})
    html = SimpleUploadedFile("page.html", b"<html></html>", "text/html")
    client.post(f"/projects/{project.pk}/attachments/", {"kind": "general", "file": html})
    assert project.attachments.count() == 1

    response = client.get(f"/projects/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert client_for("town_b").get(f"/projects/attachments/{attachment.pk}/").status_code == 404


def _parcel(city, code="P-1"):
    return services.resource_create(
        actor=city["zigui"], kind="parcel", code=code, location="滨海", area_m2=Decimal("10000"), planned_use="工业"
    )


def test_only_zigui_allocates_parcels_and_a_parcel_is_never_held_twice(city):
    first, second = make_project(city["centre"]), make_project(city["centre"])
    parcel = _parcel(city)
    with pytest.raises(Exception, match="自然资源|Natural Resources"):
        services.resource_allocate(actor=city["centre"], project=first, resource=parcel)
    services.resource_allocate(actor=city["zigui"], project=first, resource=parcel)
    with pytest.raises(Exception, match="already|已"):
        services.resource_allocate(actor=city["zigui"], project=second, resource=parcel)
    parcel.refresh_from_db()
    assert parcel.status == ResourceStatus.SUPPLIED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_allocations_of_one_parcel_on_postgresql(city):
    assert connection.vendor == "postgresql", "This test needs PostgreSQL (make test starts one)."
    parcel = _parcel(city, "P-RACE")
    projects = [make_project(city["centre"]), make_project(city["centre"])]

    def allocate(project):
        services.resource_allocate(actor=city["zigui"], project=project, resource=parcel)
        return "ok"

    outcomes = [o if o == "ok" else type(o).__name__ for o in at_once(*(lambda p=p: allocate(p) for p in projects))]
    assert sorted(outcomes) == ["ApplicationError", "ok"]
    assert parcel.allocations.filter(released_at__isnull=True).count() == 1


def test_the_database_itself_refuses_a_second_active_allocation(city):
    from django.db import IntegrityError, transaction

    from projects.models import Allocation

    first, second = make_project(city["centre"]), make_project(city["centre"])
    parcel = _parcel(city, "P-DB")
    Allocation.objects.create(project=first, parcel=parcel)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(project=second, parcel=parcel)
    assert LandParcel.objects.get(pk=parcel.pk).allocations.count() == 1


def test_channel_comparison_counts_leads_and_signed(city, client_for):
    project = make_project(city["centre"])
    make_project(city["centre"], unit_code="guanhaiwei")
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.APPROVED, Stage.SIGNED):
        services.project_move(actor=city["centre"], project=project, target=target)
    rows = client_for("centre").get("/projects/channels/").context["rows"]
    assert [(r["channel"], r["leads"], r["signed"]) for r in rows] == [("direct", 2, 1)]
    rows = client_for("town_a").get("/projects/channels/").context["rows"]
    assert [(r["channel"], r["leads"], r["signed"]) for r in rows] == [("direct", 1, 1)]


def test_the_resource_list_uses_a_constant_number_of_queries(city, client_for):
    make_project(city["centre"])

    def count(n):
        while LandParcel.objects.count() < n:
            _parcel(city, f"P-{LandParcel.objects.count()}")
        with CaptureQueriesContext(connection) as ctx:
            assert client_for("zigui").get("/projects/resources/parcel/").status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(12)


def test_a_stale_copy_of_an_allocation_cannot_release_it_twice(city):
    project = make_project(city["centre"])
    parcel = _parcel(city, "P-TWICE")
    allocation = services.resource_allocate(actor=city["zigui"], project=project, resource=parcel)
    stale = type(allocation).objects.get(pk=allocation.pk)
    services.allocation_release(actor=city["zigui"], allocation=allocation)
    # Someone allocates the parcel again before the stale release arrives.
    again = services.resource_allocate(actor=city["zigui"], project=make_project(city["centre"]), resource=parcel)
    with pytest.raises(Exception, match="already released|已释放"):
        services.allocation_release(actor=city["zigui"], allocation=stale)
    parcel.refresh_from_db()
    assert parcel.status == ResourceStatus.SUPPLIED and again.released_at is None
