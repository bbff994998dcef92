"""The demo city: supervised projects in years 1 to 8, and a first sweep that opens the expected findings."""

import pytest
from django.core.management import call_command

from monitoring.models import AnnualGrade, EquityChange, Finding
from projects.models import Project
from projects.stages import Stage


@pytest.mark.django_db(transaction=True)
def test_the_demo_first_sweep_opens_the_expected_findings(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--sweep", "now", stdout=open("/dev/null", "w"))  # noqa: SIM115
    started = sorted(
        Project.objects.filter(production_start_date__isnull=False)
        .exclude(stage=Stage.TERMINATED)
        .values_list("production_start_date__year", flat=True)
    )
    assert set(range(2018, 2026)) <= set(started)  # years 1 to 8 of 2025 under supervision
    kinds = set(Finding.objects.values_list("kind", flat=True))
    assert {
        Finding.Kind.MISSING_DATA,
        Finding.Kind.RECTIFICATION,
        Finding.Kind.BREACH,
        Finding.Kind.MILESTONE_OVERDUE,
        Finding.Kind.DISGUISED_RESALE,
    } <= kinds
    grades = set(AnnualGrade.objects.values_list("grade", flat=True))
    assert {"A", "C", "D"} <= grades
    # 2025 was the 8th year of the 2018 start and the 7th of 2019: both left supervision; 2019 was graded.
    ended = Project.objects.filter(stage=Stage.SUPERVISION_ENDED).values_list("production_start_date__year", flat=True)
    assert {2017, 2018, 2019} <= set(ended)
    assert not AnnualGrade.objects.filter(project__production_start_date__year=2018, year=2025).exists()
    resale = Finding.objects.get(kind=Finding.Kind.DISGUISED_RESALE)
    assert resale.evidence["equity_change"] == EquityChange.objects.get().pk
    # Incentives: paid and refused requests, and the claw-back a breach opened.
    from incentives.models import ClawBack, LedgerEntry, Refusal
    from incentives.reconcile import reconcile

    assert LedgerEntry.objects.filter(kind="payment").exists()
    assert {"early", "over"} <= set(Refusal.objects.values_list("rule", flat=True))
    assert ClawBack.objects.filter(finding__kind=Finding.Kind.BREACH).exists()
    assert reconcile() == []
    # Assessment: targets for every landing unit and the year's published bulletins and rankings.
    from accounts.models import Unit
    from assessment.models import Report, Target

    landing = Unit.objects.filter(kind__in=Unit.LANDING_KINDS).count()
    assert Target.objects.values("unit").distinct().count() == landing
    from django.utils import timezone

    done = timezone.localdate().month - 1  # the months (and quarters) already over this year
    assert Report.objects.filter(kind="monthly").count() == done
    assert Report.objects.filter(kind="quarterly").count() == done // 3
    # Oversight: a finding put right and one waived under an approved exemption; land prices the portal masks;
    # the dashboards' tallies as a fresh count makes them.
    from core import tallies
    from decisions.models import PreferentialTerm

    assert Finding.objects.filter(status=Finding.Status.WAIVED, actions__exemption__status="approved").exists()
    assert Finding.objects.filter(status=Finding.Status.RESOLVED, actions__to_status="rectifying").exists()
    assert PreferentialTerm.objects.filter(kind="land_price").exists()
    assert tallies.drift() == {"stages": 0, "findings": 0, "grades": 0}
    # Loading again changes nothing and the sweep opens nothing twice.
    before = Finding.objects.count()
    call_command("load_demo", "--sweep", "now", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Finding.objects.count() == before
