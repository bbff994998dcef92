"""Many supervised projects at once, for query-count tests: copies of one real project, bulk inserted."""

import datetime
from decimal import Decimal

from accounts.models import Unit
from monitoring.models import INDICATOR_BUREAU, Indicator, IndicatorValue, PerformanceAgreement
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project

MU_10 = Decimal("6666.67")
# Share of the commitment each project reaches, by position: meets it, C, D, and no tax data (missing).
PATTERN = [Decimal("1.1"), Decimal("0.7"), Decimal("0.5"), None]


def supervised_projects(city, n, *, start=datetime.date(2021, 3, 1), year=2025):
    """``n`` operating projects of 10 亩 with agreements and ``year``'s data, in the repeating PATTERN."""
    template = make_project(city["centre"], land_area_m2=MU_10)
    offset = Project.objects.count()
    copies = []
    for i in range(n):
        copy = Project.objects.get(pk=template.pk)
        copy.pk = None
        copy.code = f"S{offset + i:08d}"
        copy.stage = Stage.OPERATING
        copy.production_start_date = start
        copies.append(copy)
    projects = Project.objects.bulk_create(copies)
    PerformanceAgreement.objects.bulk_create(
        PerformanceAgreement(
            project=p,
            number=f"PA-{p.code}",
            signed_on=datetime.date(2020, 1, 1),
            investment_per_mu=Decimal(3000000),
            tax_per_mu=Decimal(300000),
            value_added_per_energy=Decimal(20000),
        )
        for p in projects
    )
    bureaus = {b: Unit.objects.get(bureau=b) for b in set(INDICATOR_BUREAU.values())}
    values = []
    for i, p in enumerate(projects):
        share = PATTERN[i % len(PATTERN)]
        figures = {
            Indicator.INVESTMENT: Decimal(30000000) * (share or 1),
            Indicator.TAX: None if share is None else Decimal(3000000) * share,
            Indicator.ENERGY: Decimal(100),
            Indicator.VALUE_ADDED: Decimal(2000000) * (share or 1),
        }
        for indicator, value in figures.items():
            if value is not None:
                values.append(
                    IndicatorValue(
                        project=p,
                        indicator=indicator,
                        year=year,
                        version=1,
                        value=value,
                        supplied_by=bureaus[INDICATOR_BUREAU[indicator]],
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    return projects
