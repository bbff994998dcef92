"""The compliance checks. Each is set-based (a few statements, however many projects), idempotent (the
database refuses a second finding for the same project, kind and period) and records what it opened."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Unit
from monitoring.grading import SUPERVISED_YEARS
from monitoring.models import EquityChange, Finding, IndicatorValue, LandContract, MonitoringRules
from projects.models import Project
from projects.stages import Stage

SUPERVISED_STAGES = [Stage.IN_PRODUCTION, Stage.OPERATING]
REQUIRED = ["investment", "tax", "energy", "value_added"]
DATA_DEADLINE_DAYS = 30


def supervised_in(year):
    """Projects under supervision in calendar ``year``: producing, and within their 7 years."""
    return Project.objects.filter(
        stage__in=SUPERVISED_STAGES,
        production_start_date__year__lte=year,
        production_start_date__year__gt=year - SUPERVISED_YEARS,
    )


def _open(findings, run):
    """Insert the findings the database does not already hold, and their history; returns how many."""
    Finding.objects.bulk_create(findings, ignore_conflicts=True)
    # Rows that conflicted were not inserted, so the run's own rows are exactly the new ones.
    created = list(Finding.objects.filter(opened_by_run=run))
    Finding.history.bulk_history_create(created)
    return len(created)


def check_missing_data(*, year, run):
    """Supervised projects whose data for ``year`` is incomplete: one finding each, owned by the centre."""
    supervised = supervised_in(year)
    complete = (
        IndicatorValue.objects.filter(year=year, is_current=True, indicator__in=REQUIRED, project__in=supervised)
        .values("project")
        .annotate(n=Count("indicator", distinct=True))
        .filter(n=len(REQUIRED))
        .values("project")
    )
    centre = Unit.objects.get(kind=Unit.Kind.CENTRE)
    deadline = datetime.date(year + 1, 1, 1) + datetime.timedelta(days=DATA_DEADLINE_DAYS)
    already = Finding.objects.filter(kind=Finding.Kind.MISSING_DATA, period=str(year)).values("project")
    missing = list(supervised.exclude(pk__in=complete).exclude(pk__in=already).values_list("pk", flat=True))
    present = {}
    for project_id, indicator in IndicatorValue.objects.filter(
        project_id__in=missing, year=year, is_current=True
    ).values_list("project_id", "indicator"):
        present.setdefault(project_id, set()).add(indicator)
    findings = [
        Finding(
            project_id=pk,
            kind=Finding.Kind.MISSING_DATA,
            period=str(year),
            severity=Finding.Severity.MEDIUM,
            owner=centre,
            deadline=deadline,
            opened_by_run=run,
            evidence={"year": year, "missing": [i for i in REQUIRED if i not in present.get(pk, set())]},
        )
        for pk in missing
    ]
    return {"examined": supervised.count(), "opened": _open(findings, run)}


def last_complete_year():
    return timezone.localdate().year - 1


# Disguised land resale 名为股权转让、实为倒卖土地 (ours: ≥ 50 % within 12 months, DESIGN section 5).
RESALE_WINDOW = datetime.timedelta(days=365)
RESALE_SHARE = Decimal(50)
HOLDING_LAND = [
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
]
NOT_BUILT = [Stage.SIGNED, Stage.LAND_SUPPLIED, Stage.CONSTRUCTION]
BELOW_COMMITMENT = [Finding.Kind.RECTIFICATION, Finding.Kind.BREACH]


def _percent(value):
    return str(Decimal(value).quantize(Decimal("0.01")))


def check_disguised_resale(*, run):
    """Unapproved transfers of a land-holding company reaching control, or 50 % within 12 months, on a project
    still holding its land that is not built yet or falls short of its commitments: a high-severity finding
    for the centre and 资规局."""
    window = (
        EquityChange.objects.filter(
            company=OuterRef("company"),
            approved=False,
            registered_on__lte=OuterRef("registered_on"),
            registered_on__gt=OuterRef("registered_on") - RESALE_WINDOW,
        )
        .values("company")
        .annotate(total=Sum("share"))
        .values("total")
    )
    suspicious = (
        EquityChange.objects.filter(approved=False)
        .annotate(within_year=Coalesce(Subquery(window), Value(Decimal(0)), output_field=DecimalField()))
        .filter(Q(change_of_control=True) | Q(within_year__gte=RESALE_SHARE))
    )
    open_shortfall = Finding.objects.filter(
        kind__in=BELOW_COMMITMENT, status__in=[Finding.Status.OPEN, Finding.Status.RECTIFYING]
    )
    eligible = Project.objects.filter(stage__in=HOLDING_LAND).filter(
        Q(stage__in=NOT_BUILT) | Q(pk__in=open_shortfall.values("project"))
    )
    pairs = suspicious.filter(company__projects__in=eligible).values_list(
        "company__projects", "pk", "registered_on", "share", "within_year", "change_of_control"
    )
    centre = Unit.objects.get(kind=Unit.Kind.CENTRE)
    zigui = Unit.objects.filter(bureau=Unit.Bureau.NATURAL_RESOURCES).first()
    findings = [
        Finding(
            project_id=project_id,
            kind=Finding.Kind.DISGUISED_RESALE,
            period=registered_on.isoformat(),
            severity=Finding.Severity.HIGH,
            owner=centre,
            co_owner=zigui,
            opened_by_run=run,
            deadline=registered_on + datetime.timedelta(days=30),
            evidence={
                "equity_change": change_id,
                "registered_on": registered_on.isoformat(),
                "share": _percent(share),
                "within_12_months": _percent(within),
                "change_of_control": control,
            },
        )
        for project_id, change_id, registered_on, share, within, control in pairs
    ]
    return {"examined": len(findings), "opened": _open(findings, run)}


# A contract's dates and the stage that shows each was met.
MILESTONES = [
    ("delivery", "delivery_date", Stage.LAND_SUPPLIED),
    ("construction_start", "construction_start_deadline", Stage.CONSTRUCTION),
    ("completion", "completion_deadline", Stage.COMPLETED),
]
STAGE_ORDER = [
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
    Stage.SUPERVISION_ENDED,
]


def check_milestones(*, run, today=None):
    """Contract milestones not met: overdue past their date, approaching within the warning days (data)."""
    today = today or timezone.localdate()
    rules = MonitoringRules.objects.filter(effective_from__lte=today).order_by("-effective_from").first()
    warning = datetime.timedelta(days=rules.milestone_warning_days if rules else 30)
    findings = []
    examined = 0
    for name, field, reached in MILESTONES:
        not_yet = STAGE_ORDER[: STAGE_ORDER.index(reached)]
        due = LandContract.objects.filter(project__stage__in=not_yet, **{f"{field}__lte": today + warning}).values_list(
            "project_id", "project__landing_unit_id", "number", field
        )
        for project_id, unit_id, number, date in due:
            examined += 1
            overdue = date < today
            findings.append(
                Finding(
                    project_id=project_id,
                    period=f"{name}:{date.isoformat()}",
                    owner_id=unit_id,
                    opened_by_run=run,
                    kind=Finding.Kind.MILESTONE_OVERDUE if overdue else Finding.Kind.MILESTONE_APPROACHING,
                    severity=Finding.Severity.MEDIUM if overdue else Finding.Severity.LOW,
                    deadline=date,
                    evidence={"milestone": name, "date": date.isoformat(), "contract": number},
                )
            )
    return {"examined": examined, "opened": _open(findings, run)}
