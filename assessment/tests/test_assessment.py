"""Targets, what counts toward them, scoring, and reports frozen when published."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Unit
from assessment import services
from assessment.models import Metric, Report, ScoringScheme, Weight
from projects.models import Project, StageChange, Tier
from projects.stages import Stage
from projects.tests.factories import make_project


def _signed(city, unit_code, *, at, investment=Decimal(100_000_000), major=False, reinvestment=False):
    project = make_project(
        city["centre"], unit_code=unit_code, total_investment=investment, is_profit_reinvestment=reinvestment
    )
    Project.objects.filter(pk=project.pk).update(stage=Stage.SIGNED, tier=Tier.MAJOR if major else Tier.OFFICE)
    change = StageChange.objects.create(project=project, from_stage=Stage.APPROVED, to_stage=Stage.SIGNED)
    StageChange.objects.filter(pk=change.pk).update(at=at)
    return project


def _targets(city, unit_code, **values):
    unit = Unit.objects.get(code=unit_code)
    for metric, value in values.items():
        services.target_set(actor=city["centre"], unit=unit, year=2026, metric=metric, value=Decimal(value))
    return unit


def test_a_profit_reinvestment_counts_toward_its_units_targets(city):
    unit = _targets(city, "zhouxiang", signed=4, contracted=400_000_000)
    _signed(city, "zhouxiang", at=timezone.datetime(2026, 2, 10, tzinfo=timezone.get_current_timezone()))
    _signed(
        city, "zhouxiang", at=timezone.datetime(2026, 3, 5, tzinfo=timezone.get_current_timezone()), reinvestment=True
    )
    services.refresh_summary(2026)
    done = services.actuals(2026, through_month=3)[unit.pk]
    assert done[Metric.SIGNED] == 2 and done[Metric.CONTRACTED] == Decimal(200_000_000)
    (row,) = services.ranking(2026, through_month=3)
    signed = next(c for c in row["cells"] if c["metric"] == "signed")
    assert signed["completion"] == Decimal("50.00") and signed["score"] == Decimal("10.00")  # 20 points × 50%


def test_scoring_is_versioned_data_and_completion_is_capped(city):
    _targets(city, "zhouxiang", signed=1)
    _targets(city, "guanhaiwei", signed=1)
    tz = timezone.get_current_timezone()
    for _ in range(3):
        _signed(city, "zhouxiang", at=timezone.datetime(2026, 1, 10, tzinfo=tz))
    _signed(city, "guanhaiwei", at=timezone.datetime(2026, 1, 10, tzinfo=tz))
    scheme = ScoringScheme.objects.create(effective_from="2026-01-01")
    Weight.objects.create(scheme=scheme, metric=Metric.SIGNED, weight=Decimal(50), cap_percent=Decimal(150))
    services.refresh_summary(2026)
    rows = services.ranking(2026)
    assert [(r["unit"].code, r["rank"]) for r in rows] == [("zhouxiang", 1), ("guanhaiwei", 2)]
    assert rows[0]["cells"][0]["score"] == Decimal("75.00")  # 300% counted as 150% of 50 points


def test_a_published_report_is_frozen_and_a_reissue_is_a_new_version(city):
    _targets(city, "zhouxiang", signed=2)
    tz = timezone.get_current_timezone()
    _signed(city, "zhouxiang", at=timezone.datetime(2026, 2, 1, tzinfo=tz))
    first = services.report_publish(actor=city["centre"], kind=Report.Kind.QUARTERLY, year=2026, period=1)
    late = _signed(city, "zhouxiang", at=timezone.datetime(2026, 3, 1, tzinfo=tz))  # recorded after publishing
    first.refresh_from_db()
    assert first.data["rows"][0]["cells"][0]["actual"] == "1"
    with pytest.raises(ValueError):
        first.save()
    second = services.report_publish(actor=city["centre"], kind=Report.Kind.QUARTERLY, year=2026, period=1)
    assert (second.version, second.supersedes_id) == (2, first.pk)
    assert second.data["rows"][0]["cells"][0]["actual"] == "2"
    first.refresh_from_db()
    assert not first.is_current and first.data["rows"][0]["cells"][0]["actual"] == "1"
    assert late


def test_only_the_centre_sets_targets_and_publishes(city):
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=city["town_a"], unit=Unit.objects.get(code="zhouxiang"), year=2026, metric="signed", value=1
        )
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=city["leader"], kind=Report.Kind.ANNUAL, year=2026)


def test_the_summary_and_ranking_cost_the_same_for_10_and_100_projects(city):
    _targets(city, "zhouxiang", signed=5)
    tz = timezone.get_current_timezone()

    def count(n):
        for _ in range(n - Project.objects.filter(stage=Stage.SIGNED).count()):
            _signed(city, "zhouxiang", at=timezone.datetime(2026, 4, 1, tzinfo=tz))
        with CaptureQueriesContext(connection) as ctx:
            services.refresh_summary(2026)
            services.ranking(2026)
        return len(ctx.captured_queries)

    assert count(10) == count(100)


def test_a_town_sees_its_own_figures_and_everyones_rank(city, client_for):
    _targets(city, "zhouxiang", signed=2)
    _targets(city, "guanhaiwei", signed=2)
    tz = timezone.get_current_timezone()
    _signed(city, "guanhaiwei", at=timezone.datetime(2026, 2, 1, tzinfo=tz))
    report = services.report_publish(actor=city["centre"], kind=Report.Kind.QUARTERLY, year=2026, period=1)
    page = client_for("town_a").get(f"/assessment/reports/{report.pk}/")
    rows = {row["unit_name"]: row for row in page.context["rows"]}
    mine, theirs = Unit.objects.get(code="zhouxiang").name, Unit.objects.get(code="guanhaiwei").name
    assert rows[mine]["cells"] and not rows[theirs]["cells"]  # another unit's detail is not shown
    assert (rows[theirs]["rank"], rows[mine]["rank"]) == (1, 2)  # the ranking is
    leader = client_for("leader").get(f"/assessment/reports/{report.pk}/")
    assert all(row["cells"] for row in leader.context["rows"])
    xlsx = client_for("town_a").get(f"/assessment/reports/{report.pk}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client_for("town_a").post("/assessment/publish/", {"kind": "annual", "year": 2026}).status_code == 403
    published = client_for("centre").post("/assessment/publish/", {"kind": "annual", "year": 2026})
    assert published.status_code == 302 and Report.objects.filter(kind="annual").exists()


def test_the_monthly_bulletin_freezes_major_projects_and_renders_as_pdf(city, client_for):
    _targets(city, "zhouxiang", signed=2)
    tz = timezone.get_current_timezone()
    major = _signed(city, "zhouxiang", at=timezone.datetime(2026, 2, 1, tzinfo=tz), major=True)
    report = services.report_publish(actor=city["centre"], kind=Report.Kind.MONTHLY, year=2026, period=2)
    assert [p["code"] for p in report.data["major"]] == [major.code]
    pdf = client_for("leader").get(f"/assessment/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert major.code in client_for("leader").get(f"/assessment/reports/{report.pk}/").content.decode()


def test_the_beat_publishes_what_is_due_on_the_first(city):
    import datetime

    assert services.due_reports(datetime.date(2026, 5, 2)) == []
    assert services.due_reports(datetime.date(2026, 4, 1)) == [("monthly", 2026, 3), ("quarterly", 2026, 1)]
    assert services.due_reports(datetime.date(2027, 1, 1)) == [
        ("monthly", 2026, 12),
        ("quarterly", 2026, 4),
        ("annual", 2026, 0),
    ]


def test_the_centre_sets_a_target_on_the_page(city, client_for):
    from assessment.models import Target

    unit = Unit.objects.get(code="zhouxiang")
    response = client_for("centre").post(
        "/assessment/", {"year": 2026, "unit": unit.pk, "metric": "signed", "value": "6"}
    )
    assert response.status_code == 302 and Target.objects.get().value == Decimal(6)
    bad = client_for("centre").post("/assessment/", {"year": 2026, "unit": unit.pk, "metric": "signed", "value": "-1"})
    assert bad.status_code == 400
    assert (
        client_for("town_a")
        .post("/assessment/", {"year": 2026, "unit": unit.pk, "metric": "signed", "value": "9"})
        .status_code
        == 403
    )
    assert Target.objects.get().value == Decimal(6)


def test_a_further_indicator_the_centre_adds_is_targeted_scored_and_frozen_in_reports(city):
    unit = _targets(city, "zhouxiang", signed=1)
    talent = services.custom_metric_add(actor=city["centre"], code="talent", name="引进高层次人才", unit_label="人")
    services.target_set(actor=city["centre"], unit=unit, year=2026, metric="talent", value=Decimal(10))
    services.metric_value_record(actor=city["centre"], metric=talent, unit=unit, year=2026, month=2, value=Decimal(4))
    services.metric_value_record(actor=city["centre"], metric=talent, unit=unit, year=2026, month=5, value=Decimal(3))
    (row,) = services.ranking(2026, through_month=3)
    cell = next(c for c in row["cells"] if c["metric"] == "talent")
    assert (cell["actual"], cell["completion"]) == (Decimal(4), Decimal("40.00"))
    report = services.report_publish(actor=city["centre"], kind=Report.Kind.QUARTERLY, year=2026, period=1)
    assert report.data["metrics"][-1] == {"value": "talent", "label": "引进高层次人才（人）"}
    services.custom_metric_add(actor=city["centre"], code="patents", name="专利")
    report.refresh_from_db()
    assert [m["value"] for m in report.data["metrics"]][-1] == "talent"  # a later indicator does not change it
    with pytest.raises(Exception, match="Unknown metric|未知"):
        services.target_set(actor=city["centre"], unit=unit, year=2026, metric="nonesuch", value=Decimal(1))


def test_the_centre_adds_an_indicator_and_records_values_on_the_page(city, client_for):
    from assessment.models import CustomMetric, MetricValue

    centre = client_for("centre")
    assert (
        centre.post("/assessment/indicators/", {"form": "add", "add-code": "talent", "add-name": "人才"}).status_code
        == 302
    )
    metric = CustomMetric.objects.get()
    unit = Unit.objects.get(code="zhouxiang")
    form = {
        "form": "value",
        "value-metric": metric.pk,
        "value-unit": unit.pk,
        "value-year": 2026,
        "value-month": 3,
        "value-value": "5",
    }
    assert centre.post("/assessment/indicators/", form).status_code == 302
    assert centre.post("/assessment/indicators/", form | {"value-month": 13}).status_code == 400
    assert MetricValue.objects.get().value == Decimal(5)
    assert client_for("town_a").post("/assessment/indicators/", form).status_code == 403
