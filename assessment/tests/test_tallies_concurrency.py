"""Many projects of one unit moved at once, each on its own PostgreSQL connection: the tally stays exact."""

import pytest
from django.db import connection

from core import tallies
from core.tests.concurrency import at_once
from projects import services
from projects.models import StageTally
from projects.stages import Stage
from projects.tests.factories import make_project


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_in_one_unit_leave_an_exact_tally(city):
    assert connection.vendor == "postgresql"
    projects = [make_project(city["centre"], unit_code="zhouxiang") for _ in range(30)]
    outcomes = at_once(
        *(
            lambda p=p: services.project_transition(actor=city["centre"], project=p, target=Stage.NEGOTIATING)
            for p in projects
        )
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    counts = dict(StageTally.objects.filter(landing_unit__code="zhouxiang").values_list("stage", "n"))
    assert counts == {Stage.NEGOTIATING: 30}
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
