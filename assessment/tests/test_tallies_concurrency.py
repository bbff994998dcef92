"""Many projects of one unit moved at once, each on its own PostgreSQL connection: the tally stays exact."""

import threading

import pytest
from django.db import connection, connections

from core import tallies
from projects import services
from projects.models import StageTally
from projects.stages import Stage
from projects.tests.factories import make_project


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_in_one_unit_leave_an_exact_tally(city):
    assert connection.vendor == "postgresql"
    projects = [make_project(city["centre"], unit_code="zhouxiang") for _ in range(30)]
    start = threading.Barrier(len(projects))
    errors = []

    def move(project):
        try:
            start.wait()
            services.project_transition(actor=city["centre"], project=project, target=Stage.NEGOTIATING)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = dict(StageTally.objects.filter(landing_unit__code="zhouxiang").values_list("stage", "n"))
    assert counts == {Stage.NEGOTIATING: 30}
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
