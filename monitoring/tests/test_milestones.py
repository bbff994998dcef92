import datetime
from decimal import Decimal

from core.models import TaskRun
from monitoring import checks, services
from monitoring.models import Finding, MonitoringRules
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project

D = datetime.date
TODAY = D(2026, 6, 1)


def _contracted(city, stage, *, delivery, start, completion):
    project = make_project(city["centre"])
    Project.objects.filter(pk=project.pk).update(stage=stage)
    services.land_contract_create(
        actor=city["zigui"],
        project=project,
        number=f"出让-{project.pk}",
        area_m2=Decimal(1000),
        price=Decimal(1),
        signed_on=D(2025, 1, 1),
        delivery_date=delivery,
        construction_start_deadline=start,
        completion_deadline=completion,
    )
    return project


def _found(today=TODAY):
    checks.check_milestones(run=TaskRun.objects.create(task="test"), today=today)
    return sorted((f.project_id, f.kind, f.evidence["milestone"]) for f in Finding.objects.all())


def test_an_unmet_milestone_past_its_date_is_overdue_and_a_met_one_is_not(city):
    late = _contracted(
        city, Stage.LAND_SUPPLIED, delivery=D(2025, 3, 1), start=D(2026, 5, 31), completion=D(2027, 1, 1)
    )
    started = _contracted(
        city, Stage.CONSTRUCTION, delivery=D(2025, 3, 1), start=D(2026, 5, 31), completion=D(2027, 1, 1)
    )
    assert _found() == [(late.pk, "milestone_overdue", "construction_start")]
    assert started


def test_approaching_within_the_warning_days_which_are_data(city):
    project = _contracted(
        city, Stage.CONSTRUCTION, delivery=D(2025, 3, 1), start=D(2025, 6, 1), completion=D(2026, 7, 1)
    )  # 30 days after TODAY
    assert _found() == [(project.pk, "milestone_approaching", "completion")]
    Finding.objects.all().delete()
    MonitoringRules.objects.create(effective_from=D(2020, 1, 1), milestone_warning_days=20)
    assert _found() == []


def test_checking_twice_opens_no_duplicate(city):
    _contracted(city, Stage.SIGNED, delivery=D(2026, 1, 1), start=D(2026, 2, 1), completion=D(2026, 3, 1))
    first = _found()
    assert len(first) == 3 and _found() == first
