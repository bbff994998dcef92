"""Corrections of one project's indicator arriving at once (bench/load.py's write, aimed at one project, had them
refused): on PostgreSQL, each on its own connection, every one is a new version, in some order, and exactly one
is current."""

from decimal import Decimal

import pytest
from django.db import connection

from core.tests.concurrency import at_once
from monitoring import services
from monitoring.models import IndicatorValue
from projects.tests.factories import make_project

AT_ONCE = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("earlier", [None, Decimal("500000.00")], ids=["first-value", "correction"])
def test_simultaneous_submissions_are_each_a_new_version(city, earlier):
    assert connection.vendor == "postgresql"
    project = make_project(city["centre"])
    if earlier is not None:
        services.indicator_submit(actor=city["shuiwu"], project=project, indicator="tax", year=2025, value=earlier)
    values = [Decimal(1_000_000 + i) for i in range(AT_ONCE)]

    def submit(value):
        version, created = services.indicator_submit(
            actor=city["shuiwu"], project=project, indicator="tax", year=2025, value=value
        )
        return version.version, created

    outcomes = at_once(*(lambda v=v: submit(v) for v in values))

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    first = 1 if earlier is None else 2
    assert sorted(outcomes) == [(v, True) for v in range(first, first + AT_ONCE)]
    rows = IndicatorValue.objects.filter(project=project, indicator="tax", year=2025).order_by("version")
    assert [r.version for r in rows] == list(range(1, first + AT_ONCE))
    current = rows.get(is_current=True)
    assert current.version == first + AT_ONCE - 1 and current.value in values


@pytest.mark.django_db(transaction=True)
def test_an_import_and_a_form_submission_at_once_are_both_versions(city):
    assert connection.vendor == "postgresql"
    project = make_project(city["centre"])
    tax = city["shuiwu"]
    rounds = 5
    for i in range(rounds):
        outcomes = at_once(
            lambda i=i: services.indicator_submit_many(actor=tax, items=[(project, "tax", 2025, Decimal(1_000 + i))])[
                0
            ],
            lambda i=i: services.indicator_submit(
                actor=tax, project=project, indicator="tax", year=2025, value=Decimal(2_000 + i)
            ),
        )
        assert all(isinstance(o, tuple) and o[1] for o in outcomes), outcomes
    rows = IndicatorValue.objects.filter(project=project, indicator="tax", year=2025).order_by("version")
    assert [r.version for r in rows] == list(range(1, 2 * rounds + 1))
    assert [r.version for r in rows if r.is_current] == [2 * rounds]
