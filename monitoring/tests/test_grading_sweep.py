import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import TaskRun
from monitoring import checks, services
from monitoring.grading import project_grades
from monitoring.models import AnnualGrade, Finding, GradeBands, Indicator, IndicatorValue
from monitoring.tests.scale import supervised_projects
from projects.models import Project, StageChange
from projects.stages import Stage
from projects.tests.factories import make_project

MU_10 = Decimal("6666.67")  # 10.00 亩


def _supervised(city, *, start=datetime.date(2021, 3, 1), stage=Stage.OPERATING, **commitments):
    project = make_project(city["centre"], land_area_m2=MU_10)
    Project.objects.filter(pk=project.pk).update(stage=stage, production_start_date=start)
    project.refresh_from_db()
    services.agreement_create(
        actor=city["centre"],
        project=project,
        number=f"履约-{project.pk}",
        signed_on=datetime.date(2017, 1, 1),
        **(
            {
                "investment_per_mu": Decimal("3000000"),
                "tax_per_mu": Decimal("300000"),
                "value_added_per_energy": Decimal("20000"),
            }
            | commitments
        ),
    )
    return project


def _data(city, project, year, *, share=Decimal(1), tax=None):
    """A year of data at ``share`` of each commitment (10 亩: investment 3,000万, tax 300万, value added/tce 2万)."""
    for username, indicator, value in (
        ("fagai", Indicator.INVESTMENT, Decimal(30000000) * share),
        ("shuiwu", Indicator.TAX, tax if tax is not None else Decimal(3000000) * share),
        ("jingxin", Indicator.ENERGY, Decimal(100)),
        ("tongji", Indicator.VALUE_ADDED, Decimal(2000000) * share),
    ):
        value = value.quantize(Decimal("0.01"))
        services.indicator_submit(actor=city[username], project=project, indicator=indicator, year=year, value=value)


def _grade(year=2025):
    run = TaskRun.objects.create(task="test")
    return checks.check_grading(year=year, run=run)


def test_grades_are_recorded_and_c_and_d_open_their_findings(city):
    meets, short, breach = (_supervised(city) for _ in range(3))
    _data(city, meets, 2025)  # exactly at the commitment
    _data(city, short, 2025, share=Decimal("0.7"))
    _data(city, breach, 2025, share=Decimal("0.5"))
    outcome = _grade()
    assert outcome == {"examined": 3, "graded": 3, "opened": 2, "supervision_ended": 0}
    grades = {g.project_id: g for g in AnnualGrade.objects.all()}
    assert (grades[meets.pk].grade, grades[meets.pk].ratio) == ("A", Decimal("100.0"))
    assert (grades[short.pk].grade, grades[short.pk].tax_ratio) == ("C", Decimal("70.0"))
    assert grades[breach.pk].grade == "D" and grades[breach.pk].year_after_production == 5
    findings = {f.project_id: f for f in Finding.objects.all()}
    assert set(findings) == {short.pk, breach.pk}
    rect, br = findings[short.pk], findings[breach.pk]
    assert (rect.kind, rect.severity, rect.owner_id, rect.co_owner_id) == (
        Finding.Kind.RECTIFICATION,
        Finding.Severity.MEDIUM,
        short.landing_unit_id,
        None,
    )
    assert (br.kind, br.severity, br.owner.kind, br.co_owner_id) == (
        Finding.Kind.BREACH,
        Finding.Severity.HIGH,
        "centre",
        breach.landing_unit_id,
    )
    assert br.evidence["grade"] == "D" and Decimal(str(br.evidence["tax_per_mu"])) == Decimal("50.0")
    assert rect.period == "2025" and rect.status == Finding.Status.OPEN
    assert Finding.history.filter(history_type="+").count() == 2  # the set-based insert is in the history


def test_the_sweep_grades_exactly_as_the_project_page(city):
    project = _supervised(city)
    _data(city, project, 2025, share=Decimal("0.8123"))
    _data(city, project, 2024, tax=Decimal("1799999"))
    _grade(2025)
    _grade(2024)
    page = {row["year"]: (row["ratio"], row["grade"]) for row in project_grades(project)}
    stored = {g.year: (g.ratio, g.grade) for g in AnnualGrade.objects.filter(project=project)}
    assert page == stored
    # 2025: 81.2% of everything is a B; 2024: tax at 59.99997% rounds to 60.0, overall 86.7, a B.
    assert stored == {2025: (Decimal("81.2"), "B"), 2024: (Decimal("86.7"), "B")}


def test_year_seven_is_graded_year_eight_is_not_and_supervision_ends(city):
    seventh = _supervised(city, start=datetime.date(2019, 6, 1))  # 2025 is its 7th year
    eighth = _supervised(city, start=datetime.date(2018, 6, 1), stage=Stage.IN_PRODUCTION)  # 2025 is its 8th
    sixth = _supervised(city, start=datetime.date(2020, 6, 1))
    for project in (seventh, eighth, sixth):
        _data(city, project, 2025)
    outcome = _grade()
    assert outcome["graded"] == 2
    assert set(AnnualGrade.objects.values_list("project_id", "year_after_production")) == {
        (seventh.pk, 7),
        (sixth.pk, 6),
    }
    assert outcome["supervision_ended"] == 2
    stages = dict(Project.objects.values_list("pk", "stage"))
    assert stages[seventh.pk] == stages[eighth.pk] == Stage.SUPERVISION_ENDED
    assert stages[sixth.pk] == Stage.OPERATING
    change = StageChange.objects.get(project=eighth, to_stage=Stage.SUPERVISION_ENDED)
    assert (change.from_stage, change.to_stage) == (Stage.IN_PRODUCTION, Stage.SUPERVISION_ENDED)
    assert seventh.history.first().stage == Stage.SUPERVISION_ENDED  # the bulk move is in the history
    # Re-running grades year 7 again (it was supervised that year) but moves nobody twice.
    assert _grade()["supervision_ended"] == 0
    assert StageChange.objects.filter(to_stage=Stage.SUPERVISION_ENDED).count() == 2


def test_rerunning_opens_nothing_twice_a_resolved_finding_stays_and_a_correction_regrades(city):
    project = _supervised(city)
    _data(city, project, 2025, share=Decimal("0.7"))
    assert _grade()["opened"] == 1
    assert _grade()["opened"] == 0
    Finding.objects.update(status=Finding.Status.RESOLVED)
    assert _grade()["opened"] == 0
    assert Finding.objects.get().status == Finding.Status.RESOLVED
    # The tax bureau corrects the year's tax: the recorded grade follows, and a D opens a breach.
    services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2025, value=Decimal(0)
    )
    services.indicator_submit(
        actor=city["tongji"], project=project, indicator=Indicator.VALUE_ADDED, year=2025, value=Decimal(0)
    )
    assert _grade()["opened"] == 1
    assert AnnualGrade.objects.get().grade == "D"
    assert AnnualGrade.objects.count() == 1
    assert sorted(Finding.objects.values_list("kind", flat=True)) == ["breach", "rectification"]


def test_bands_are_data(city):
    project = _supervised(city)
    _data(city, project, 2025, share=Decimal("0.7"))
    GradeBands.objects.create(effective_from=datetime.date(2025, 1, 1), a_from=90, b_from=70, c_from=50)
    _grade()
    assert AnnualGrade.objects.get().grade == "B"  # 70% is a B under these bands


def test_incomplete_data_is_not_graded(city):
    project = _supervised(city)
    services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2025, value=Decimal(1)
    )
    assert _grade()["graded"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_the_same_number_of_queries_for_10_and_1000_projects(city):
    """Every check, grading included: the query count does not grow with the number of projects."""
    assert connection.vendor == "postgresql"  # SQLite splits bulk inserts by its variable limit

    def count(n):
        Finding.objects.all().delete()
        AnnualGrade.objects.all().delete()
        supervised_projects(city, n - Project.objects.filter(stage=Stage.OPERATING).count())
        run = TaskRun.objects.create(task="test")
        with CaptureQueriesContext(connection) as ctx:
            outcome = checks.sweep(year=2025, run=run, today=datetime.date(2026, 1, 15))
        return len(ctx.captured_queries), outcome

    small, small_outcome = count(10)
    large, large_outcome = count(1000)
    assert small == large, (small, large)
    with_tax = IndicatorValue.objects.filter(indicator=Indicator.TAX, year=2025).count()
    assert large_outcome["grading"]["graded"] == with_tax >= 740  # three of every four have complete data
    assert large_outcome["grading"]["opened"] == AnnualGrade.objects.filter(grade__in="CD").count() >= 490
    assert large_outcome["missing_data"]["opened"] == 1000 - with_tax
    assert small_outcome["grading"]["examined"] == 10


def test_earlier_years_are_graded_once_and_again_only_when_their_data_changes(city):
    project = _supervised(city, start=datetime.date(2022, 3, 1))
    _data(city, project, 2023, share=Decimal("0.7"))
    _data(city, project, 2025)
    first = _grade(2025)
    assert first["graded"] == 2 and first["opened"] == 1  # 2023 graded C: a rectification for 2023
    assert Finding.objects.get().period == "2023"
    assert _grade(2025)["graded"] == 0  # nothing changed
    services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2023, value=Decimal(3000000)
    )
    assert _grade(2025)["graded"] == 1
    assert AnnualGrade.objects.get(year=2023).tax_ratio == Decimal("100.0")
    GradeBands.objects.create(effective_from=datetime.date(2021, 6, 1), a_from=120, b_from=90, c_from=70)
    assert _grade(2025)["graded"] == 2  # new bands: every year is graded again
