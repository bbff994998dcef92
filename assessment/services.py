"""The assessment rules: what counts toward a unit's targets, how completion is scored, and publishing.

A project counts for its landing unit in the month it was signed (its stage change to "signed"), whatever
its source: a profit reinvestment 利润再投资 counts exactly as attracted investment. Paid-in investment is
the fixed-asset investment recorded for the year (indicator data). Scores: per metric, completion
(actual / target, capped) × its points; the total ranks the units.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from accounts.scoping import require
from assessment.models import CustomMetric, Metric, MetricValue, Report, ScoringScheme, Target, UnitMonth
from core.errors import ApplicationError
from core.sql import insert_select
from projects.models import StageChange, Tier
from projects.services import validated
from projects.stages import Stage

ZERO = Decimal(0)
HUNDREDTH = Decimal("0.01")
# The default scheme when none is recorded: 20 points each, completion counted up to 120%.
DEFAULT_POINTS = Decimal(20)
DEFAULT_CAP = Decimal(120)


def refresh_summary(year):
    """Recompute the year's monthly summary from the stage changes: one ``INSERT ... SELECT`` with
    ``ON CONFLICT DO UPDATE`` (and one reset), however many projects."""
    now = timezone.now()
    UnitMonth.objects.filter(year=year).update(
        signed=0, major_signed=0, contracted=ZERO, foreign=ZERO, refreshed_at=now
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    signed = (
        StageChange.objects.filter(to_stage=Stage.SIGNED, at__year=year)
        .annotate(month=ExtractMonth("at"))
        .values("project__landing_unit", "month")
        .annotate(
            n=Count("project", distinct=True),
            major=Count("project", distinct=True, filter=Q(project__tier=Tier.MAJOR)),
            invested=Coalesce(Sum("project__total_investment"), Value(ZERO), output_field=money),
            foreign_usd=Coalesce(Sum("project__foreign_capital_usd"), Value(ZERO), output_field=money),
        )
        .order_by()
    )
    return insert_select(
        UnitMonth,
        {
            "unit": F("project__landing_unit"),
            "year": Value(year),
            "month": F("month"),
            "signed": F("n"),
            "major_signed": F("major"),
            "contracted": F("invested"),
            "foreign": F("foreign_usd"),
            "refreshed_at": Value(now),
        },
        signed,
        conflict=["unit", "year", "month"],
        update=["signed", "major_signed", "contracted", "foreign", "refreshed_at"],
    )


def actuals(year, through_month=12):
    """{unit id: {metric: value}} for the year up to a month: three queries, whatever the size."""
    from monitoring.models import Indicator, IndicatorValue

    rows = (
        UnitMonth.objects.filter(year=year, month__lte=through_month)
        .values("unit")
        .annotate(s=Sum("signed"), m=Sum("major_signed"), c=Sum("contracted"), f=Sum("foreign"))
    )
    result = {}
    for row in rows:
        result[row["unit"]] = {
            Metric.SIGNED: Decimal(row["s"] or 0),
            Metric.MAJOR_SIGNED: Decimal(row["m"] or 0),
            Metric.CONTRACTED: row["c"] or ZERO,
            Metric.FOREIGN: row["f"] or ZERO,
        }
    paid_in = (
        IndicatorValue.objects.filter(indicator=Indicator.INVESTMENT, year=year, is_current=True)
        .values("project__landing_unit")
        .annotate(t=Sum("value"))
        .values_list("project__landing_unit", "t")
    )
    for unit_id, total in paid_in:
        result.setdefault(unit_id, {})[Metric.PAID_IN] = total or ZERO
    further = (
        MetricValue.objects.filter(year=year, month__lte=through_month)
        .values("unit", "metric__code")
        .annotate(t=Sum("value"))
        .values_list("unit", "metric__code", "t")
    )
    for unit_id, code, total in further:
        result.setdefault(unit_id, {})[code] = total or ZERO
    return result


def metrics():
    """The built-in metrics, then the further indicators the centre added."""
    return [*Metric, *CustomMetric.objects.all()]


def scheme_in_force(on):
    return ScoringScheme.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def ranking(year, through_month=12):
    """Every landing unit with targets: per metric target, actual, completion and points; total and rank."""
    scheme = scheme_in_force(datetime.date(year, through_month, 1))
    weights = {w.metric: (w.weight, w.cap_percent) for w in scheme.weights.all()} if scheme else {}
    targets = {}
    for unit_id, metric, value in Target.objects.filter(year=year).values_list("unit", "metric", "value"):
        targets.setdefault(unit_id, {})[metric] = value
    done = actuals(year, through_month)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=targets)}
    measured = metrics()
    rows = []
    for unit_id, unit_targets in targets.items():
        cells, total = [], ZERO
        for metric in measured:
            target = unit_targets.get(metric.value)
            actual = done.get(unit_id, {}).get(metric.value, ZERO)
            points, cap = weights.get(metric.value, (DEFAULT_POINTS, DEFAULT_CAP))
            completion = (actual / target * 100).quantize(HUNDREDTH, ROUND_HALF_UP) if target else None
            score = (
                (min(completion, cap) * points / 100).quantize(HUNDREDTH, ROUND_HALF_UP)
                if completion is not None
                else ZERO
            )
            total += score
            cells.append(
                {"metric": metric.value, "target": target, "actual": actual, "completion": completion, "score": score}
            )
        rows.append({"unit": units[unit_id], "cells": cells, "total": total})
    rows.sort(key=lambda r: (-r["total"], r["unit"].name))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# Writes --------------------------------------------------------------------------------------------------


@transaction.atomic
def target_set(*, actor, unit, year, metric, value):
    require(actor, "targets.manage")
    if metric not in Metric.values and not CustomMetric.objects.filter(code=metric).exists():
        message = _("Unknown metric.")
        raise ApplicationError(message, errors={"metric": [message]})
    if unit.kind not in Unit.LANDING_KINDS:
        message = _("Targets are set for landing units (towns, platforms, municipal companies).")
        raise ApplicationError(message, errors={"unit": [message]})
    target, _created = Target.objects.select_for_update().get_or_create(
        unit=unit, year=year, metric=metric, defaults={"value": value}
    )
    target.value = value
    validated(target)
    target.save()
    return target


def major_progress():
    """Where every live major project stands, for the monthly bulletin (frozen with it)."""
    from projects.models import Project
    from projects.stages import LIVE_STAGES

    rows = (
        Project.objects.filter(tier=Tier.MAJOR, stage__in=LIVE_STAGES)
        .select_related("landing_unit")
        .order_by("landing_unit__code", "code")
    )
    return [
        {
            "code": p.code,
            "name": p.name,
            "unit": p.landing_unit.name,
            "stage": str(p.get_stage_display()),
            "since": p.stage_changed_at.date().isoformat(),
            "investment": str(p.total_investment),
        }
        for p in rows
    ]


def due_reports(today):
    """The reports the beat publishes on ``today``: last month's bulletin on the 1st, the last quarter's
    ranking on the 1st of a quarter, last year's evaluation on the 1st of January."""
    if today.day != 1:
        return []
    last = today - datetime.timedelta(days=1)
    due = [(Report.Kind.MONTHLY, last.year, last.month)]
    if last.month % 3 == 0:
        due.append((Report.Kind.QUARTERLY, last.year, last.month // 3))
    if last.month == 12:
        due.append((Report.Kind.ANNUAL, last.year, 0))
    return due


KIND_PERIODS = {Report.Kind.MONTHLY: 12, Report.Kind.QUARTERLY: 4, Report.Kind.ANNUAL: 0}


def _through_month(kind, period):
    return {Report.Kind.MONTHLY: period, Report.Kind.QUARTERLY: period * 3, Report.Kind.ANNUAL: 12}[kind]


def _frozen(rows):
    return [
        {
            "rank": row["rank"],
            "unit": row["unit"].pk,
            "unit_name": row["unit"].name,
            "total": str(row["total"]),
            "cells": [
                {k: (None if v is None else str(v)) if k != "metric" else v for k, v in cell.items()}
                for cell in row["cells"]
            ],
        }
        for row in rows
    ]


@transaction.atomic
def report_publish(*, actor, kind, year, period=0):
    """Publish (or re-issue) a report: the ranking as it stands now, frozen. A re-issue is version n+1 and
    supersedes version n; both stay."""
    require(actor, "report.publish")
    if kind not in KIND_PERIODS:
        message = _("Unknown report.")
        raise ApplicationError(message, errors={"kind": [message]})
    limit = KIND_PERIODS[kind]
    if (limit and not 1 <= period <= limit) or (not limit and period):
        message = _("No such period for this report.")
        raise ApplicationError(message, errors={"period": [message]})
    refresh_summary(year)
    previous = (
        Report.objects.select_for_update(of=("self",))
        .filter(kind=kind, year=year, period=period, superseded_by__isnull=True)
        .order_by("-version")
        .first()
    )
    data = {
        "rows": _frozen(ranking(year, _through_month(kind, period))),
        "through_month": _through_month(kind, period),
        # The columns as they were: a further indicator added later does not change a published report.
        "metrics": [{"value": m.value, "label": str(m.label)} for m in metrics()],
    }
    if kind == Report.Kind.MONTHLY:
        data["major"] = major_progress()
    return Report.objects.create(
        kind=kind,
        year=year,
        period=period,
        version=(previous.version + 1) if previous else 1,
        data=data,
        published_by=actor,
        supersedes=previous,
    )


@transaction.atomic
def custom_metric_add(*, actor, code, name, unit_label=""):
    require(actor, "targets.manage")
    if code in Metric.values:
        message = _("This code is a built-in metric.")
        raise ApplicationError(message, errors={"code": [message]})
    metric = CustomMetric(code=code, name=name, unit_label=unit_label)
    validated(metric)
    metric.save()
    return metric


@transaction.atomic
def metric_value_record(*, actor, metric, unit, year, month, value):
    """A further indicator's value for a unit and month; recording it again replaces it (history kept)."""
    require(actor, "targets.manage")
    row, _created = MetricValue.objects.select_for_update().get_or_create(
        metric=metric, unit=unit, year=year, month=month, defaults={"value": value}
    )
    row.value = value
    validated(row)
    row.save()
    return row
