"""Grading a supervised project against its performance agreement, year by year (1 to 7 after production).

One formula, two ways of running it: ``project_grades`` (one project, for its page and the API) and
``grade_year`` (every supervised project, as one ``INSERT ... SELECT``, for the yearly sweep). A ratio is
actual per-亩 figure / committed figure × 100, rounded half up to 0.1; the overall ratio is the weighted
mean of the three rounded ratios, also rounded; bands are inclusive. Both need all three figures.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Func, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import NullIf, Round
from django.utils.translation import gettext_lazy as _

from core.units import M2_PER_MU
from monitoring.models import AnnualGrade, GradeBands, Indicator, IndicatorValue
from projects.models import Project
from projects.stages import Stage

SUPERVISED_YEARS = 7
# Under supervision: producing or operating, and counted by production year; a project whose supervision
# ended still had it in the years before, so its data and grades for those years are still due.
SUPERVISED_STAGES = [Stage.IN_PRODUCTION, Stage.OPERATING, Stage.SUPERVISION_ENDED]
GRADED = [
    # (key, label, weight field on GradeBands)
    ("investment_per_mu", _("Investment per mu"), "weight_investment"),
    ("tax_per_mu", _("Tax per mu"), "weight_tax"),
    ("value_added_per_energy", _("Value added per tce"), "weight_energy"),
]
TENTH = Decimal("0.1")


def supervised_in(year):
    """Projects under supervision in calendar ``year``: production started within the 7 years up to it."""
    return Project.objects.filter(
        stage__in=SUPERVISED_STAGES,
        production_start_date__year__lte=year,
        production_start_date__year__gt=year - SUPERVISED_YEARS,
    )


def bands_for(year):
    """The bands in force at the end of the graded year (unsaved defaults when none is recorded)."""
    on = datetime.date(year, 12, 31)
    return GradeBands.objects.filter(effective_from__lte=on).order_by("-effective_from").first() or GradeBands()


def weights(bands):
    w = [Decimal(getattr(bands, field)) for _key, _label, field in GRADED]
    return w if sum(w) else [Decimal(1)] * len(w)


def grade_of(ratio, bands):
    """A, B, C or D for actual/committed as a percentage; boundaries are inclusive."""
    if ratio is None:
        return None
    if ratio >= bands.a_from:
        return "A"
    if ratio >= bands.b_from:
        return "B"
    if ratio >= bands.c_from:
        return "C"
    return "D"


def calendar_year(project, year_after_production):
    """Year 1 is the calendar year production started."""
    return project.production_start_date.year + year_after_production - 1


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _overall(ratios, bands):
    if any(r is None for r in ratios):
        return None
    w = weights(bands)
    return (sum(r * x for r, x in zip(ratios, w, strict=True)) / sum(w)).quantize(TENTH, rounding=ROUND_HALF_UP)


def project_grades(project):
    """One row per supervised year with data so far: actual per-亩 figures, their ratio to the agreement,
    a grade per indicator and overall. Years after the 7th are not graded."""
    agreement = getattr(project, "performance_agreement", None)
    if agreement is None or project.production_start_date is None:
        return []
    area = Decimal(project.land_area_m2 or 0)
    values = {}
    for indicator, year, value in IndicatorValue.objects.filter(project=project, is_current=True).values_list(
        "indicator", "year", "value"
    ):
        values[(indicator, year)] = value
    committed = {
        "investment_per_mu": agreement.investment_per_mu,
        "tax_per_mu": agreement.tax_per_mu,
        "value_added_per_energy": agreement.value_added_per_energy,
    }
    recorded = {g.year: g for g in project.grades.all()}
    rows = []
    for n in range(1, SUPERVISED_YEARS + 1):
        year = calendar_year(project, n)
        if not any(y == year for _i, y in values):
            continue
        bands = bands_for(year)
        per_mu = area / M2_PER_MU if area else None

        def per(indicator, divisor, year=year):
            value = values.get((indicator, year))
            return None if value is None or not divisor else Decimal(value) / divisor

        actual = {
            "investment_per_mu": per(Indicator.INVESTMENT, per_mu),
            "tax_per_mu": per(Indicator.TAX, per_mu),
            "value_added_per_energy": per(Indicator.VALUE_ADDED, values.get((Indicator.ENERGY, year))),
        }
        cells = []
        for key, label, _weight in GRADED:
            # Numerator × 100 / (committed × divisor), as the SQL does, so both round the same numbers.
            ratio = _ratio(actual[key], committed[key])
            cells.append(
                {
                    "key": key,
                    "label": label,
                    "actual": actual[key],
                    "committed": committed[key],
                    "ratio": ratio,
                    "grade": grade_of(ratio, bands),
                }
            )
        overall = _overall([c["ratio"] for c in cells], bands)
        rows.append(
            {
                "n": n,
                "year": year,
                "cells": cells,
                "ratio": overall,
                "grade": grade_of(overall, bands),
                "recorded": recorded.get(year),
            }
        )
    return rows


# The sweep's version, in SQL ----------------------------------------------------------------------------

DECIMAL = DecimalField(max_digits=30, decimal_places=10)


def _current(indicator, year):
    return Sum(
        "indicator_values__value",
        filter=Q(indicator_values__year=year, indicator_values__is_current=True, indicator_values__indicator=indicator),
    )


class Exact(Func):
    """The expression itself on PostgreSQL (numeric); a REAL on SQLite (the embedded demo), whose NUMERIC
    keeps whole numbers as integers and would divide them as integers."""

    template = "%(expressions)s"
    output_field = DECIMAL

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)


def _sql_ratio(numerator, committed, divisor):
    """round(numerator × 100 / (committed × divisor), 1); NULL when anything is missing or zero."""
    return Round(
        ExpressionWrapper(
            Exact(numerator)
            * Value(Decimal(100))
            / NullIf(
                ExpressionWrapper(committed * divisor, output_field=DECIMAL), Value(Decimal(0)), output_field=DECIMAL
            ),
            output_field=DECIMAL,
        ),
        1,
        output_field=DECIMAL,
    )


def _sql_grade(ratio, bands):
    return Case(
        When(**{f"{ratio}__gte": bands.a_from}, then=Value("A")),
        When(**{f"{ratio}__gte": bands.b_from}, then=Value("B")),
        When(**{f"{ratio}__gte": bands.c_from}, then=Value("C")),
        default=Value("D"),
    )


def graded_projects(year):
    """Every project under supervision in ``year`` with an agreement and all three figures, annotated with
    its ratios, overall ratio and grade: one query, however many projects."""
    bands = bands_for(year)
    w_inv, w_tax, w_energy = weights(bands)
    area_mu = ExpressionWrapper(F("land_area_m2") / Value(M2_PER_MU), output_field=DECIMAL)
    return (
        supervised_in(year)
        # In the same filter() as the join the sums use: only this year's current values are joined (the
        # projects lacking one of them are dropped below anyway), not every year's every version.
        .filter(
            performance_agreement__isnull=False,
            indicator_values__year=year,
            indicator_values__is_current=True,
            indicator_values__indicator__in=[
                Indicator.INVESTMENT,
                Indicator.TAX,
                Indicator.ENERGY,
                Indicator.VALUE_ADDED,
            ],
        )
        .annotate(
            inv=_current(Indicator.INVESTMENT, year),
            tax=_current(Indicator.TAX, year),
            energy=_current(Indicator.ENERGY, year),
            added=_current(Indicator.VALUE_ADDED, year),
        )
        .annotate(
            inv_ratio=_sql_ratio(F("inv"), F("performance_agreement__investment_per_mu"), area_mu),
            tax_ratio=_sql_ratio(F("tax"), F("performance_agreement__tax_per_mu"), area_mu),
            energy_ratio=_sql_ratio(F("added"), F("performance_agreement__value_added_per_energy"), F("energy")),
        )
        .filter(inv_ratio__isnull=False, tax_ratio__isnull=False, energy_ratio__isnull=False)
        .annotate(
            overall=Round(
                ExpressionWrapper(
                    (
                        F("inv_ratio") * Value(w_inv)
                        + F("tax_ratio") * Value(w_tax)
                        + F("energy_ratio") * Value(w_energy)
                    )
                    / Value(w_inv + w_tax + w_energy),
                    output_field=DECIMAL,
                ),
                1,
                output_field=DECIMAL,
            )
        )
        .annotate(grade=_sql_grade("overall", bands))
    ), bands


def latest_grade():
    """A subquery: the project's most recently recorded grade."""
    return Subquery(AnnualGrade.objects.filter(project=OuterRef("pk")).order_by("-year").values("grade")[:1])
