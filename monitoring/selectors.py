from accounts.scoping import visible_to
from monitoring.models import Indicator, IndicatorValue


def indicator_table(*, user, project):
    """Current values by year and indicator, with how many versions each has: one query."""
    rows = {}
    versions = {}
    values = visible_to(user, IndicatorValue.objects.filter(project=project)).values_list(
        "year", "indicator", "value", "version", "is_current"
    )
    for year, indicator, value, version, is_current in values:
        versions[(year, indicator)] = max(versions.get((year, indicator), 0), version)
        if is_current:
            rows.setdefault(year, {})[indicator] = value
    return [
        {"year": year, "cells": [(rows[year].get(i.value), versions.get((year, i.value), 0)) for i in Indicator]}
        for year in sorted(rows)
    ]
