"""Grading a supervised project against its performance agreement, year by year (1 to 7 after production)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.units import m2_to_mu
from monitoring.models import GradeBands, Indicator, IndicatorValue

SUPERVISED_YEARS = 7
GRADED = [
    # (key, label, weight field on GradeBands)
    ("investment_per_mu", _("Investment per mu"), "weight_investment"),
    ("tax_per_mu", _("Tax per mu"), "weight_tax"),
    ("value_added_per_energy", _("Value added per tce"), "weight_energy"),
]


def bands_in_force(on_date):
    return GradeBands.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first() or GradeBands()


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


def _percent(actual, committed):
    if actual is None or not committed:
        return None
    return (Decimal(actual) / Decimal(committed) * 100).quantize(Decimal("0.1"))


def project_grades(project):
    """One row per supervised year with data so far: actual per-亩 figures, their ratio to the agreement,
    a grade per indicator and overall (the weighted mean ratio). Years after the 7th are not graded."""
    agreement = getattr(project, "performance_agreement", None)
    if agreement is None or project.production_start_date is None:
        return []
    mu = m2_to_mu(project.land_area_m2) or Decimal(0)
    values = {}
    for indicator, year, value in IndicatorValue.objects.filter(project=project, is_current=True).values_list(
        "indicator", "year", "value"
    ):
        values[(indicator, year)] = value
    bands = bands_in_force(project.production_start_date)
    committed = {
        "investment_per_mu": agreement.investment_per_mu,
        "tax_per_mu": agreement.tax_per_mu,
        "value_added_per_energy": agreement.value_added_per_energy,
    }
    rows = []
    for n in range(1, SUPERVISED_YEARS + 1):
        year = calendar_year(project, n)
        if not any(y == year for _i, y in values):
            continue
        energy = values.get((Indicator.ENERGY, year))
        added = values.get((Indicator.VALUE_ADDED, year))
        actual = {
            "investment_per_mu": values[(Indicator.INVESTMENT, year)] / mu
            if mu and (Indicator.INVESTMENT, year) in values
            else None,
            "tax_per_mu": values[(Indicator.TAX, year)] / mu if mu and (Indicator.TAX, year) in values else None,
            "value_added_per_energy": added / energy if added is not None and energy else None,
        }
        cells, weighted, weights = [], Decimal(0), Decimal(0)
        for key, label, weight_field in GRADED:
            ratio = _percent(actual[key], committed[key])
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
            if ratio is not None:
                weight = getattr(bands, weight_field)
                weighted += ratio * weight
                weights += weight
        overall = (weighted / weights).quantize(Decimal("0.1")) if weights else None
        rows.append({"n": n, "year": year, "cells": cells, "ratio": overall, "grade": grade_of(overall, bands)})
    return rows
