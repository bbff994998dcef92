"""Every dashboard number is the count of the rows its link lists; its cost does not grow with the data."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Unit
from core import tallies
from monitoring.models import AnnualGrade, Finding
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project


def _city(city):
    stages = [
        ("zhouxiang", Stage.LEAD),
        ("zhouxiang", Stage.SIGNED),
        ("guanhaiwei", Stage.SIGNED),
        ("guanhaiwei", Stage.OPERATING),
    ]
    for code, stage in stages:
        project = make_project(city["centre"], unit_code=code)
        Project.objects.filter(pk=project.pk).update(stage=stage, production_start_date=datetime.date(2024, 1, 1))
        if stage == Stage.OPERATING:
            AnnualGrade.objects.create(
                project=project,
                year=timezone.localdate().year - 1,
                year_after_production=2,
                ratio=Decimal(70),
                grade="C",
                graded_at=timezone.now(),
            )
            Finding.objects.create(
                project=project, kind="rectification", period="x", severity="medium", owner=Unit.objects.get(code=code)
            )
            # A breach: the centre's, with the landing unit as co-owner (the board counts it for the centre).
            Finding.objects.create(
                project=project,
                kind="breach",
                period="x",
                severity="high",
                owner=Unit.objects.get(code="centre"),
                co_owner=Unit.objects.get(code=code),
            )
    # Written past the services above (update(), a bare AnnualGrade): counted again as the nightly beat does.
    tallies.refresh_all()


def _links(html, path):
    return re.findall(rf'<a href="({re.escape(path)}\?[^"]+)">(\d+)</a>', html)


def test_every_number_equals_the_rows_its_link_lists(city, client_for):
    _city(city)
    client = client_for("leader")
    html = client.get("/assessment/dashboard/").content.decode()
    checked = 0
    for path, context_key in (("/projects/", "page"), ("/monitoring/findings/", "page")):
        for url, number in _links(html, path):
            listed = client.get(url.replace("&amp;", "&"))
            assert listed.context[context_key].paginator.count == int(number), url
            checked += 1
    assert checked >= 10
    assert parse_qs(urlsplit(_links(html, "/projects/")[0][0]).query)


def test_a_town_sees_its_own_pipeline_only(city, client_for):
    _city(city)
    rows = client_for("town_a").get("/assessment/dashboard/").context["pipeline_units"]
    assert [u.code for u in rows] == ["zhouxiang"]


def test_the_dashboard_costs_the_same_for_10_and_1000_projects(city, client_for):
    from monitoring.tests.scale import supervised_projects

    assert connection.vendor == "postgresql"
    client = client_for("leader")

    def count(n):
        supervised_projects(city, n - Project.objects.filter(stage=Stage.OPERATING).count())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/assessment/dashboard/").status_code == 200
        return len(ctx.captured_queries)

    assert count(10) == count(1000)


def test_the_tallies_follow_every_door(city):
    """Projects created, moved, moved to another unit; findings opened and handled; a full sweep: the tallies
    the dashboard reads equal a fresh count after each, with no refresh in between."""
    from monitoring import services as monitoring_services
    from monitoring.checks import sweep
    from monitoring.tests.scale import supervised_projects
    from projects import services as project_services

    centre = city["centre"]
    project = make_project(centre, unit_code="zhouxiang")
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    project_services.project_transition(actor=centre, project=project, target=Stage.NEGOTIATING)
    finding = Finding.objects.create(
        project=project, kind="rectification", period="x", severity="medium", owner=Unit.objects.get(code="zhouxiang")
    )
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    monitoring_services.finding_act(actor=centre, finding=finding, action="escalate", note="逾期未整改")
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    project.refresh_from_db()
    project_services.project_update(actor=centre, project=project, landing_unit=Unit.objects.get(code="guanhaiwei"))
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    supervised_projects(city, 12)
    tallies.refresh_all()  # the helper writes past the services
    from core.models import TaskRun

    sweep(year=timezone.localdate().year - 1, run=TaskRun.objects.create(task="test"))
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    assert sum(tallies.drift().values()) == 0


def test_a_stale_tally_is_found_and_put_right_by_the_nightly_task(city):
    from assessment.tasks import refresh_tallies
    from projects.models import StageTally

    make_project(city["centre"], unit_code="zhouxiang")
    StageTally.objects.update(n=99)
    counts = refresh_tallies()
    assert counts["drift"]["stages"] == 1
    assert tallies.drift()["stages"] == 0


def test_a_major_project_shows_the_step_it_waits_for(city, client_for):
    from decisions import services as decision_services
    from decisions.tests.helpers import major_project, minute, submit

    project = major_project(city)
    submit(city, project)
    decision_services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪〔2026〕1号")
    )
    client = client_for("leader")
    client.cookies["django_language"] = "en"
    response = client.get("/assessment/dashboard/")
    [shown] = [p for p in response.context["major"] if p.pk == project.pk]
    assert shown.waiting_step == "review"
    assert [c["state"] for c in shown.chain] == ["done", "next", "todo", "todo", "todo"]
    assert "Waiting for: Project review" in response.content.decode()


def test_signings_in_a_period_link_to_exactly_those_projects(city, client_for):
    """Signed in the chosen quarter (from the monthly summary) and the ranking's "projects signed" (to the
    period's end) each equal the projects their link lists."""
    from assessment.models import Target
    from assessment.services import refresh_summary
    from projects.models import StageChange

    year = timezone.localdate().year
    for month, code in ((2, "zhouxiang"), (5, "zhouxiang"), (5, "zhouxiang"), (5, "guanhaiwei"), (11, "zhouxiang")):
        project = make_project(city["centre"], unit_code=code)
        Project.objects.filter(pk=project.pk).update(stage=Stage.SIGNED)
        signing = StageChange.objects.create(project=project, from_stage=Stage.APPROVED, to_stage=Stage.SIGNED)
        at = timezone.make_aware(datetime.datetime(year, month, 10, 10))
        StageChange.objects.filter(pk=signing.pk).update(at=at)
    for code in ("zhouxiang", "guanhaiwei"):
        Target.objects.create(unit=Unit.objects.get(code=code), year=year, metric="signed", value=Decimal(10))
    refresh_summary(year)
    client = client_for("leader")
    response = client.get(f"/assessment/dashboard/?year={year}&period=q2")
    html = response.content.decode()
    assert {row["unit__code"]: row["signed"] for row in response.context["signed"]} == {
        "zhouxiang": 2,
        "guanhaiwei": 1,
    }
    links = [(url, n) for url, n in _links(html, "/projects/") if "signed_from" in url]
    assert len(links) >= 4  # two units in the quarter, two in the ranking
    for url, number in links:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.context["page"].paginator.count == int(number), url
    ranking = {row["unit"].code: row["signed"] for row in response.context["ranking"]}
    assert ranking["zhouxiang"] == 3  # February and May: the ranking runs from 1 January to the quarter's end


def test_a_town_sees_the_findings_of_its_own_projects_only(city, client_for):
    _city(city)  # the findings are on a project of guanhaiwei (town_b), none on zhouxiang's (town_a)
    guanhaiwei, centre = Unit.objects.get(code="guanhaiwei"), Unit.objects.get(code="centre")
    board = client_for("town_b").get("/assessment/dashboard/").context["findings"]
    assert {row["id"]: row["total"] for row in board} == {guanhaiwei.pk: 1, centre.pk: 1}
    assert client_for("town_a").get("/assessment/dashboard/").context["findings"] == []
    assert len(client_for("leader").get("/assessment/dashboard/").context["findings"]) == 2


def test_an_approved_major_project_shows_its_whole_chain_done(city, client_for):
    from decisions import services as decision_services
    from decisions.tests.helpers import major_project, minute, submit
    from decisions.tests.test_decisions import MAJOR_CHAIN, RECORDER

    project = major_project(city)
    submit(city, project)
    for n, step in enumerate(MAJOR_CHAIN):
        decision_services.decision_record(
            actor=city[RECORDER[step]], project=project, step=step, outcome="pass", minute=minute(f"纪{n}")
        )
    [shown] = [p for p in client_for("leader").get("/assessment/dashboard/").context["major"] if p.pk == project.pk]
    assert shown.waiting_step is None
    assert [c["state"] for c in shown.chain] == ["done"] * 5
