"""The NPC oversight portal: what a deputy reads, masked where confidential, and nothing else."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Unit
from decisions import services as decision_services
from decisions.models import Minute
from decisions.tests.helpers import major_project, minute, submit
from incentives import services as incentive_services
from incentives.tests.helpers import approved_request, item
from monitoring import services as monitoring_services
from monitoring.models import AnnualGrade, Finding
from oversight.masking import MASK, confidential_mark
from projects import services as project_services
from projects.models import Project
from projects.stages import Stage

PHONE = "13905742468"  # the investor's contact phone: distinctive, never in the portal
LAND_PRICE = Decimal("87654321.00")  # 8765.43 万元: the land-price term, never in the portal
SUBSIDY = Decimal("5000000")


@pytest.fixture
def story(city):
    """A major project decided with a land-price term and a subsidy, an incentive paid, a grade, a finding
    handled: everything the portal shows."""
    project = major_project(city)
    project_services.company_update(actor=city["centre"], company=project.investor, contact_phone=PHONE)
    submit(city, project)
    decision_services.decision_record(
        actor=city["centre"],
        project=project,
        step="consultation",
        outcome="pass",
        minute=minute("慈投促纪〔2026〕7号"),
        terms=[
            {"kind": "land_price", "amount": LAND_PRICE, "clause": "一事一议", "conditions": "按出让合同"},
            {"kind": "investment_subsidy", "amount": SUBSIDY, "clause": "一事一议", "conditions": "投产后兑现"},
        ],
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.CONSTRUCTION)
    project.refresh_from_db()
    the_item = item(city, project=project)
    request = approved_request(city, the_item, Decimal(300_000))
    incentive_services.request_pay(actor=city["caizheng"], request=request)
    AnnualGrade.objects.create(
        project=project,
        year=2025,
        year_after_production=1,
        ratio=Decimal(65),
        grade="C",
        graded_at=timezone.now(),
    )
    finding = Finding.objects.create(
        project=project,
        kind="rectification",
        period="2025",
        severity="medium",
        owner=Unit.objects.get(code="zhouxiang"),
        deadline=datetime.date(2026, 6, 30),
    )
    monitoring_services.finding_act(actor=city["town_a"], finding=finding, action="rectify", note="已制定整改方案")
    return {"project": project, "minute": Minute.objects.get(number="慈投促纪〔2026〕7号"), "finding": finding}


def _pages(story):
    p, m, f = story["project"].pk, story["minute"].pk, story["finding"].pk
    return [
        "/oversight/",
        "/oversight/decisions/",
        f"/oversight/decisions/{m}/",
        "/oversight/projects/",
        f"/oversight/projects/{p}/",
        "/oversight/incentives/",
        "/oversight/findings/",
        f"/oversight/findings/{f}/",
        "/oversight/assessment/",
        "/oversight/search/?q=" + story["project"].code,
        "/oversight/confidential/",
    ]


def _apis(story):
    p, m = story["project"].pk, story["minute"].pk
    return [
        "/api/v1/oversight/decisions/",
        f"/api/v1/oversight/decisions/{m}/",
        "/api/v1/oversight/projects/",
        f"/api/v1/oversight/projects/{p}/",
        "/api/v1/oversight/findings/",
    ]


def _forbidden_strings():
    wan = LAND_PRICE / 10000
    return [PHONE, f"{wan:.2f}", f"{wan:,.2f}", str(LAND_PRICE), f"{LAND_PRICE:.0f}"]


def test_the_deputy_reads_the_whole_story_in_the_portal(story, client_for):
    client = client_for("deputy")
    client.cookies["django_language"] = "en"
    pages = {url: client.get(url) for url in _pages(story)}
    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(pages, 200)
    project_page = pages[f"/oversight/projects/{story['project'].pk}/"].content.decode()
    for shown in (
        "慈投促纪〔2026〕7号",
        "设备投资补助",
        "500.00",
        "30.00",
        'data-testid="performance"',
    ):
        assert shown in project_page, shown
    assert ">C<" in project_page  # the year's grade
    finding_page = pages[f"/oversight/findings/{story['finding'].pk}/"].content.decode()
    assert "已制定整改方案" in finding_page and "周巷镇" in finding_page  # the step and its unit, not the person
    assert "周落地" not in finding_page


def test_no_portal_response_contains_a_masked_value(story, client_for, api_for):
    client, api = client_for("deputy"), api_for("deputy")
    bodies = [client.get(url).content.decode() for url in _pages(story)]
    bodies += [api.get(url).content.decode() for url in _apis(story)]
    for body in bodies:
        for secret in _forbidden_strings():
            assert secret not in body
    detail = client.get(f"/oversight/decisions/{story['minute'].pk}/").content.decode()
    assert MASK in detail and "500.00" in detail  # the land price masked, the subsidy shown


def test_the_portal_pdf_of_the_minutes_masks_the_land_price(story, client_for, tmp_path):
    from decisions.tests.test_minute_pdf import _text

    response = client_for("deputy").get(f"/oversight/decisions/{story['minute'].pk}/minutes.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _text(response.content, tmp_path)
    assert "慈投促纪〔2026〕7号" in text and "保密" in text and "500.00" in text
    for secret in _forbidden_strings():
        assert secret not in text


def test_a_field_the_centre_marks_is_masked_from_then_on(story, client_for, city):
    client = client_for("deputy")
    url = f"/oversight/projects/{story['project'].pk}/"
    assert "120,000.00" in client.get(url).content.decode() or "120000.00" in client.get(url).content.decode()
    confidential_mark(
        actor=city["centre"], model_label="projects.Project", field_name="total_investment", reason="企业要求保密"
    )
    body = client.get(url).content.decode()
    assert "120,000.00" not in body and "120000.00" not in body and "1200000000" not in body
    assert MASK in body


def test_marking_a_field_that_does_not_exist_says_so_and_only_the_centre_marks(client_for):
    centre = client_for("centre")
    response = centre.post(
        "/oversight/confidential/", {"model_label": "projects.project", "field_name": "nope", "reason": "x"}
    )
    assert response.status_code == 400
    assert "There is no such field." in response.content.decode() or "没有这个字段" in response.content.decode()
    assert (
        client_for("leader")
        .post("/oversight/confidential/", {"model_label": "projects.project", "field_name": "name", "reason": "x"})
        .status_code
        == 403
    )


def test_the_deputy_is_kept_to_the_portal(story, client_for, api_for):
    client = client_for("deputy")
    for url in ("/projects/", f"/projects/{story['project'].pk}/", "/decisions/minutes/", "/assessment/dashboard/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "oversight portal" in response.content.decode() or "监督门户" in response.content.decode()
    for url in ("/api/v1/projects/", f"/api/v1/minutes/{story['minute'].pk}/"):
        assert api_for("deputy").get(url).status_code == 403, url
    client.cookies["django_language"] = "en"
    nav = {str(item["label"]) for item in client.get("/oversight/").context["nav_items"]}
    assert nav == {"Home", "Oversight portal"}


def test_a_town_may_not_open_the_portal(client_for):
    assert client_for("town_a").get("/oversight/projects/").status_code == 403


def test_the_portal_lists_cost_the_same_for_few_and_many_projects(story, city, client_for):
    client = client_for("deputy")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/oversight/projects/", "/oversight/decisions/?tier=all", "/oversight/findings/"]
    before = [count(url) for url in urls]
    for _ in range(6):
        extra = major_project(city)
        Project.objects.filter(pk=extra.pk).update(stage=Stage.SIGNED)
        Finding.objects.create(
            project=extra, kind="rectification", period="2025", severity="low", owner=Unit.objects.get(code="zhouxiang")
        )
    assert [count(url) for url in urls] == before
