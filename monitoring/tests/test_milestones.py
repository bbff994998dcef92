import datetime
from decimal import Decimal

from django.utils import timezone

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


def test_the_production_deadline_is_a_milestone_met_by_production(city):
    project = _contracted(city, Stage.COMPLETED, delivery=D(2025, 1, 2), start=D(2025, 2, 1), completion=D(2025, 12, 1))
    contract = project.land_contracts.get()
    contract.production_deadline = D(2026, 3, 1)
    contract.save()
    assert _found() == [(project.pk, Finding.Kind.MILESTONE_OVERDUE, "production")]
    Project.objects.filter(pk=project.pk).update(stage=Stage.IN_PRODUCTION)
    _found()
    assert Finding.objects.get().status == Finding.Status.RESOLVED


def test_an_agreement_checkpoint_is_due_when_its_year_has_closed_and_met_by_its_grade(city):
    from monitoring.models import AnnualGrade

    project = make_project(city["centre"])
    Project.objects.filter(pk=project.pk).update(stage=Stage.OPERATING, production_start_date=D(2023, 5, 1))
    services.agreement_create(
        actor=city["centre"],
        project=project,
        number="履约-检查点",
        signed_on=D(2022, 1, 1),
        investment_per_mu=Decimal(1),
        tax_per_mu=Decimal(1),
        value_added_per_energy=Decimal(1),
        checkpoints={1: "投产首年", 3: "投产第三年", 7: "第七年"},
    )
    # Year 1 is 2023 (due 2024-03-31: overdue), year 3 is 2025 (due 2026-03-31).
    assert _found(today=D(2026, 3, 10)) == [
        (project.pk, Finding.Kind.MILESTONE_APPROACHING, "checkpoint"),
        (project.pk, Finding.Kind.MILESTONE_OVERDUE, "checkpoint"),
    ]
    overdue = Finding.objects.get(kind=Finding.Kind.MILESTONE_OVERDUE)
    assert overdue.evidence["year"] == 2023 and overdue.deadline == D(2024, 3, 31)
    AnnualGrade.objects.create(
        project=project, year=2023, year_after_production=1, ratio=100, grade="A", graded_at=timezone.now()
    )
    _found(today=D(2026, 3, 10))
    overdue.refresh_from_db()
    assert overdue.status == Finding.Status.RESOLVED
    assert "评价" in overdue.actions.get().note


def test_a_project_without_land_has_no_checkpoint_to_wait_for(city):
    project = make_project(city["centre"], land_mode="existing_factory", land_area_m2=Decimal(0))
    Project.objects.filter(pk=project.pk).update(stage=Stage.OPERATING, production_start_date=D(2023, 5, 1))
    services.agreement_create(
        actor=city["centre"],
        project=project,
        number="履约-无地",
        signed_on=D(2022, 1, 1),
        investment_per_mu=Decimal(0),
        tax_per_mu=Decimal(0),
        value_added_per_energy=Decimal(1),
        checkpoints={1: "投产首年"},
    )
    assert _found(today=D(2026, 3, 10)) == []
