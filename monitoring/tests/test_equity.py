import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.models import TaskRun
from monitoring import checks, services
from monitoring.models import Finding
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project

D = datetime.date


def _holding(city, stage=Stage.CONSTRUCTION):
    project = make_project(city["centre"])
    Project.objects.filter(pk=project.pk).update(stage=stage)
    return project


def _transfer(city, project, on, share, **extra):
    change, _created = services.equity_change_record(
        actor=city["shichang"],
        company=project.investor,
        registered_on=on,
        transferor="原股东",
        transferee="某投资公司",
        share=Decimal(share),
        **extra,
    )
    return change


def _flagged():
    run = TaskRun.objects.create(task="test")
    checks.check_disguised_resale(run=run)
    return list(Finding.objects.filter(kind=Finding.Kind.DISGUISED_RESALE).values_list("project_id", flat=True))


def test_49_9_percent_is_not_flagged_and_50_is(city):
    below, at = _holding(city), _holding(city)
    _transfer(city, below, D(2025, 6, 1), "49.9")
    _transfer(city, at, D(2025, 6, 1), "50")
    assert _flagged() == [at.pk]
    finding = Finding.objects.get()
    assert finding.severity == Finding.Severity.HIGH and finding.co_owner.bureau == "zigui"
    assert finding.evidence["within_12_months"] == "50.00"


def test_two_transfers_of_30_percent_within_12_months_are_flagged(city):
    close, apart = _holding(city), _holding(city)
    _transfer(city, close, D(2025, 1, 10), "30")
    _transfer(city, close, D(2025, 11, 10), "30")
    _transfer(city, apart, D(2024, 1, 10), "30")
    _transfer(city, apart, D(2025, 2, 10), "30")  # more than 12 months later
    assert _flagged() == [close.pk]


def test_an_approved_transfer_is_not_flagged(city):
    project = _holding(city)
    _transfer(city, project, D(2025, 6, 1), "60", approved=True, approval_reference="慈投促函〔2025〕8号")
    assert _flagged() == []


def test_a_transfer_after_supervision_ended_is_not_flagged(city):
    project = _holding(city, stage=Stage.SUPERVISION_ENDED)
    _transfer(city, project, D(2025, 6, 1), "80")
    assert _flagged() == []


def test_a_built_project_meeting_its_commitments_is_not_flagged_but_one_falling_short_is(city):
    fine, short = _holding(city, Stage.OPERATING), _holding(city, Stage.OPERATING)
    Finding.objects.create(
        project=short, kind=Finding.Kind.BREACH, period="2025", severity="high", owner=city["centre"].unit
    )
    for project in (fine, short):
        _transfer(city, project, D(2025, 6, 1), "70")
    assert _flagged() == [short.pk]


def test_a_change_of_control_is_flagged_whatever_the_share(city):
    project = _holding(city)
    _transfer(city, project, D(2025, 6, 1), "10", change_of_control=True)
    assert _flagged() == [project.pk]


def test_screening_twice_opens_no_duplicate(city):
    project = _holding(city)
    _transfer(city, project, D(2025, 6, 1), "55")
    _flagged()
    _flagged()
    assert Finding.objects.filter(kind=Finding.Kind.DISGUISED_RESALE).count() == 1


def test_only_market_regulation_records_equity_changes(city):
    project = _holding(city)
    with pytest.raises(PermissionDenied):
        services.equity_change_record(
            actor=city["centre"],
            company=project.investor,
            registered_on=D(2025, 1, 1),
            transferor="a",
            transferee="b",
            share=Decimal(10),
        )
