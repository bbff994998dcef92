import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import TaskRun
from monitoring import checks, services
from monitoring.models import Finding, Indicator
from monitoring.tasks import check_missing_data
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_company, make_project


def _supervised(city, n, *, start=datetime.date(2022, 5, 1), company=None):
    company = company or make_company(city["centre"])
    projects = [make_project(city["centre"], company=company) for _ in range(n)]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(stage=Stage.OPERATING, production_start_date=start)
    return projects


def _complete(city, project, year):
    for username, indicator in (
        ("shuiwu", Indicator.TAX),
        ("fagai", Indicator.INVESTMENT),
        ("jingxin", Indicator.ENERGY),
        ("tongji", Indicator.VALUE_ADDED),
    ):
        services.indicator_submit(
            actor=city[username], project=project, indicator=indicator, year=year, value=Decimal(1000)
        )


def _run(year):
    run = TaskRun.objects.create(task="test")
    return checks.check_missing_data(year=year, run=run)


def test_incomplete_data_opens_one_finding_and_a_rerun_opens_none(city):
    complete, partial, silent = _supervised(city, 3)
    _complete(city, complete, 2025)
    services.indicator_submit(
        actor=city["shuiwu"], project=partial, indicator=Indicator.TAX, year=2025, value=Decimal(1)
    )
    assert _run(2025) == {"examined": 3, "opened": 2, "closed": 0}
    assert _run(2025) == {"examined": 3, "opened": 0, "closed": 0}
    found = {f.project_id: f for f in Finding.objects.all()}
    assert set(found) == {partial.pk, silent.pk}
    assert found[partial.pk].evidence["missing"] == ["investment", "energy", "value_added"]
    assert found[silent.pk].owner.kind == "centre" and found[silent.pk].period == "2025"
    assert Finding.history.count() == 2  # the bulk insert is in the audit history too


def test_a_resolved_finding_is_not_reopened_for_the_same_period(city):
    (project,) = _supervised(city, 1)
    _run(2025)
    Finding.objects.update(status=Finding.Status.RESOLVED)
    assert _run(2025)["opened"] == 0
    assert Finding.objects.get().status == Finding.Status.RESOLVED
    assert _run(2024)["opened"] == 1  # another period is another finding


def test_only_projects_under_supervision_are_checked(city):
    before, after = (
        _supervised(city, 1, start=datetime.date(2026, 3, 1)),
        _supervised(city, 1, start=datetime.date(2017, 1, 1)),
    )
    make_project(city["centre"])  # not producing
    assert _run(2025) == {
        "examined": 0,
        "opened": 0,
        "closed": 0,
    }  # 2026 start is later; 2017 start ended after year 7 (2023)
    assert before and after


def test_the_check_runs_the_same_number_of_queries_for_10_and_60_projects(city):
    company = make_company(city["centre"])

    def count(n, year):
        _supervised(city, n - Project.objects.count(), company=company)
        with CaptureQueriesContext(connection) as ctx:
            _run(year)
        return len(ctx.captured_queries)

    assert count(10, 2024) == count(60, 2025)


def test_the_task_records_its_run(city):
    _supervised(city, 2)
    counts = check_missing_data.apply(args=[2025]).get()
    run = TaskRun.objects.get(task="monitoring.tasks.check_missing_data")
    assert run.outcome == TaskRun.Outcome.SUCCESS and run.counts == counts == {"examined": 2, "opened": 2, "closed": 0}
    assert set(Finding.objects.values_list("opened_by_run", flat=True)) == {run.pk}


def test_the_findings_board_is_scoped_and_only_the_centre_runs_checks(city, client_for):
    mine = _supervised(city, 1)[0]
    theirs = make_project(city["centre"], unit_code="guanhaiwei")
    Project.objects.filter(pk=theirs.pk).update(stage=Stage.OPERATING, production_start_date=datetime.date(2022, 1, 1))
    _run(2025)
    codes = [f.project.code for f in client_for("town_a").get("/monitoring/findings/").context["page"]]
    assert codes == [mine.code]
    assert client_for("town_a").post("/monitoring/checks/run/").status_code == 403
    assert client_for("centre").post("/monitoring/checks/run/").status_code == 302


def test_a_missing_data_finding_closes_itself_when_the_data_arrives(city):
    (project,) = _supervised(city, 1)
    assert _run(2025)["opened"] == 1
    _complete(city, project, 2025)
    outcome = _run(2025)
    assert (outcome["opened"], outcome["closed"]) == (0, 1)
    finding = Finding.objects.get()
    assert finding.status == Finding.Status.RESOLVED
    (step,) = finding.actions.all()
    assert (step.from_status, step.to_status, step.actor, step.run_id) == ("open", "resolved", None, step.run_id)
    assert step.run_id is not None and "已补齐" in step.note
    assert finding.history.first().status == Finding.Status.RESOLVED  # the bulk close is in the history
    assert _run(2025)["closed"] == 0
