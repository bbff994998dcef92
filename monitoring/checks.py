"""The compliance checks. Each is set-based (a few statements, however many projects), idempotent (the
database refuses a second finding for the same project, kind and period) and records what it opened."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, ExtractYear, JSONObject
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core import tallies
from core.sql import history_insert, insert_select
from monitoring.grading import SUPERVISED_STAGES, SUPERVISED_YEARS, graded_projects, latest_grade, supervised_in
from monitoring.models import (
    AnnualGrade,
    Checkpoint,
    EquityChange,
    Finding,
    FindingAction,
    Grade,
    IndicatorValue,
    LandContract,
    MonitoringRules,
)
from projects.models import Project, StageChange
from projects.stages import Stage

REQUIRED = ["investment", "tax", "energy", "value_added"]
DATA_DEADLINE_DAYS = 30


def _open(findings, run):
    """Insert the findings the database does not already hold, and their history; returns how many."""
    Finding.objects.bulk_create(findings, ignore_conflicts=True)
    # Rows that conflicted were not inserted, so the run's own rows of these kinds are exactly the new ones.
    created = list(Finding.objects.filter(opened_by_run=run, kind__in={f.kind for f in findings}))
    Finding.history.bulk_history_create(created)
    return len(created)


ACTIVE = [Finding.Status.OPEN, Finding.Status.RECTIFYING, Finding.Status.ESCALATED]


def _close(findings, run, note):
    """Resolve the active ``findings`` whose cause is gone: an action row each, one update, their history.
    The note is stored in Chinese, whoever's language the run happens in: it is a record."""
    now = timezone.now()
    with translation.override("zh-hans"):
        note = str(note)
    active = findings.filter(status__in=ACTIVE)
    insert_select(
        FindingAction,
        {
            "finding": F("pk"),
            "from_status": F("status"),
            "to_status": Value(Finding.Status.RESOLVED),
            "at": Value(now),
            "note": Value(note),
            "run": Value(run.pk),
        },
        active,
    )
    closed = active.update(status=Finding.Status.RESOLVED)
    steps = FindingAction.objects.filter(run=run, at=now).values("finding")
    history_insert(Finding.objects.filter(pk__in=steps), change_reason=note[:100], history_type="~")
    return closed


def _has_value(indicator, year):
    return Exists(
        IndicatorValue.objects.filter(project=OuterRef("project"), year=year, indicator=indicator, is_current=True)
    )


@transaction.atomic
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
    opened = _open(findings, run)
    # Per open finding, an index probe per indicator: fast whatever the table statistics say (an IN over the
    # grouped "complete" set can turn into a nested loop while the findings table looks empty to the planner).
    arrived = (
        Finding.objects.filter(kind=Finding.Kind.MISSING_DATA, period=str(year), status__in=ACTIVE)
        .alias(**{f"has_{i}": _has_value(i, year) for i in REQUIRED})
        .filter(**{f"has_{i}": True for i in REQUIRED})
    )
    closed = _close(arrived, run, _("The missing data has arrived (checked by the compliance engine)."))
    tallies.refresh("findings")
    return {"examined": supervised.count(), "opened": opened, "closed": closed}


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


@transaction.atomic
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
    # Below its commitments: its latest recorded grade is under A, or a shortfall finding is still open.
    eligible = (
        Project.objects.filter(stage__in=HOLDING_LAND)
        .annotate(latest=latest_grade())
        .filter(
            Q(stage__in=NOT_BUILT)
            | Q(latest__in=[Grade.B, Grade.C, Grade.D])
            | Q(pk__in=open_shortfall.values("project"))
        )
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
    opened = _open(findings, run)
    tallies.refresh("findings")
    return {"examined": len(findings), "opened": opened}


# A contract's dates and the stage that shows each was met.
MILESTONES = [
    ("delivery", "delivery_date", Stage.LAND_SUPPLIED),
    ("construction_start", "construction_start_deadline", Stage.CONSTRUCTION),
    ("completion", "completion_deadline", Stage.COMPLETED),
    ("production", "production_deadline", Stage.IN_PRODUCTION),
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


# A checkpoint of the agreement (year n after production) is evaluated once its calendar year has closed:
# its grade is due by this day of the next year.
CHECKPOINT_DUE = (3, 31)


def checkpoint_due(year):
    return datetime.date(year + 1, *CHECKPOINT_DUE)


def _checkpoints_due(today, warning, run):
    """Checkpoints whose grade is due within the warning days or overdue, and not recorded: one query."""
    limit = today + warning
    latest = limit.year - 1 if limit >= datetime.date(limit.year, *CHECKPOINT_DUE) else limit.year - 2
    rows = (
        Checkpoint.objects.filter(
            agreement__project__stage__in=SUPERVISED_STAGES,
            agreement__project__production_start_date__isnull=False,
            # Graded per 亩: a project without land of its own has no grade to wait for.
            agreement__project__land_area_m2__gt=0,
        )
        .annotate(calendar_year=ExtractYear("agreement__project__production_start_date") + F("year") - 1)
        # Only the years the grading covers (the 7 up to the last complete one): older ones predate the system.
        .filter(calendar_year__lte=latest, calendar_year__gt=today.year - 1 - SUPERVISED_YEARS)
        .alias(
            graded=Exists(
                AnnualGrade.objects.filter(project=OuterRef("agreement__project"), year=OuterRef("calendar_year"))
            )
        )
        .filter(graded=False)
        .values_list(
            "agreement__project_id", "agreement__project__landing_unit_id", "year", "calendar_year", "description"
        )
    )
    findings = []
    for project_id, unit_id, n, year, description in rows:
        due = checkpoint_due(year)
        overdue = due < today
        findings.append(
            Finding(
                project_id=project_id,
                period=f"checkpoint:{n}:{year}",
                owner_id=unit_id,
                opened_by_run=run,
                kind=Finding.Kind.MILESTONE_OVERDUE if overdue else Finding.Kind.MILESTONE_APPROACHING,
                severity=Finding.Severity.MEDIUM if overdue else Finding.Severity.LOW,
                deadline=due,
                evidence={
                    "milestone": "checkpoint",
                    "year_after_production": n,
                    "year": year,
                    "checkpoint": description,
                    "date": due.isoformat(),
                },
            )
        )
    return findings


def warning_days(today):
    """How many days before a milestone it is "approaching": data (MonitoringRules), 30 by default."""
    rules = MonitoringRules.objects.filter(effective_from__lte=today).order_by("-effective_from").first()
    return rules.milestone_warning_days if rules else 30


@transaction.atomic
def check_milestones(*, run, today=None):
    """Contract milestones not met: overdue past their date, approaching within the warning days (data)."""
    today = today or timezone.localdate()
    warning = datetime.timedelta(days=warning_days(today))
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
    checkpoints = _checkpoints_due(today, warning, run)
    examined += len(checkpoints)
    opened = _open(findings + checkpoints, run)
    closed = 0
    for name, _field, reached in MILESTONES:
        met = Finding.objects.filter(
            kind__in=[Finding.Kind.MILESTONE_OVERDUE, Finding.Kind.MILESTONE_APPROACHING],
            period__startswith=f"{name}:",
            project__stage__in=STAGE_ORDER[STAGE_ORDER.index(reached) :],
        )
        closed += _close(met, run, _("The milestone has been reached."))
    # An approaching milestone whose date has passed is now an overdue one, a finding of its own.
    passed = Finding.objects.filter(kind=Finding.Kind.MILESTONE_APPROACHING, deadline__lt=today)
    closed += _close(passed, run, _("The date has passed: followed by the overdue finding."))
    graded = (
        Finding.objects.filter(
            kind__in=[Finding.Kind.MILESTONE_OVERDUE, Finding.Kind.MILESTONE_APPROACHING],
            period__startswith="checkpoint:",
        )
        .alias(checkpoint_year=Cast(KeyTextTransform("year", "evidence"), IntegerField()))
        .alias(graded=Exists(AnnualGrade.objects.filter(project=OuterRef("project"), year=OuterRef("checkpoint_year"))))
        .filter(graded=True)
    )
    closed += _close(graded, run, _("The checkpoint year has been graded."))
    tallies.refresh("findings")
    return {"examined": examined, "opened": opened, "closed": closed}


# Yearly grading ---------------------------------------------------------------------------------------

# What a grade opens (DESIGN section 5): C a rectification by the landing unit, D a breach for the centre.
GRADE_FINDINGS = {
    Grade.C: (Finding.Kind.RECTIFICATION, Finding.Severity.MEDIUM),
    Grade.D: (Finding.Kind.BREACH, Finding.Severity.HIGH),
}
RECTIFICATION_MONTHS = 6


@transaction.atomic
def check_grading(*, year, run):
    """Grade every supervised project for ``year`` and the six years before it (years 1 to 7 after
    production; a year already graded is graded again only when its data or the bands changed since), open a
    rectification finding for each C and a breach finding for each D, and end the supervision of projects
    whose 7th year is over. Set-based: a few ``INSERT ... SELECT`` per year, however many projects."""
    now = timezone.now()
    centre = Unit.objects.get(kind=Unit.Kind.CENTRE)
    graded = opened = 0
    for graded_year in range(year - SUPERVISED_YEARS + 1, year + 1):
        year_graded, year_opened = _grade_year(graded_year, run=run, now=now, centre=centre)
        graded += year_graded
        opened += year_opened
    history_insert(Finding.objects.filter(opened_by_run=run, kind__in=[k for k, _s in GRADE_FINDINGS.values()]))
    ended = end_supervision(year=year, now=now)
    for name in ("findings", "grades", "stages"):
        tallies.refresh(name)
    return {"examined": supervised_in(year).count(), "graded": graded, "opened": opened, "supervision_ended": ended}


def _grade_year(year, *, run, now, centre):
    projects, bands = graded_projects(year)
    # Already graded from the data as it is now, under the same bands: nothing to do.
    newer = IndicatorValue.objects.filter(
        project=OuterRef(OuterRef("pk")), year=year, is_current=True, submitted_at__gt=OuterRef("graded_at")
    )
    fresh = AnnualGrade.objects.filter(project=OuterRef("pk"), year=year, bands=bands.pk).exclude(Exists(newer))
    graded = insert_select(
        AnnualGrade,
        {
            "project": F("pk"),
            "year": Value(year),
            "year_after_production": Value(year + 1) - ExtractYear("production_start_date"),
            "investment_ratio": F("inv_ratio"),
            "tax_ratio": F("tax_ratio"),
            "energy_ratio": F("energy_ratio"),
            "ratio": F("overall"),
            "grade": F("grade"),
            "bands": Cast(Value(bands.pk), IntegerField()),  # NULL when only the default bands apply
            "graded_at": Value(now),
            "run": Value(run.pk),
        },
        projects.filter(~Exists(fresh)),
        conflict=["project", "year"],
        # A correction of the data since the last run changes the grade; the findings it opened stay.
        update=["investment_ratio", "tax_ratio", "energy_ratio", "ratio", "grade", "bands", "graded_at", "run"],
    )
    # The grades this run wrote: the others are unchanged, and what they opened stays as it was handled.
    below = AnnualGrade.objects.filter(year=year, run=run, grade__in=list(GRADE_FINDINGS))
    deadline = datetime.date(year + 1, 1, 1) + datetime.timedelta(days=RECTIFICATION_MONTHS * 30)
    breach = Q(grade=Grade.D)
    opened = insert_select(
        Finding,
        {
            "project": F("project_id"),
            "kind": Case(*[When(grade=g, then=Value(k)) for g, (k, _s) in GRADE_FINDINGS.items()]),
            "severity": Case(*[When(grade=g, then=Value(s)) for g, (_k, s) in GRADE_FINDINGS.items()]),
            "period": Value(str(year)),
            # A breach is the centre's, with the landing unit; a rectification the landing unit's.
            "owner": Case(
                When(breach, then=Value(centre.pk)), default=F("project__landing_unit_id"), output_field=IntegerField()
            ),
            "co_owner": Case(
                When(breach, then=F("project__landing_unit_id")), default=Value(None), output_field=IntegerField()
            ),
            "evidence": JSONObject(
                year=F("year"),
                year_after_production=F("year_after_production"),
                grade=F("grade"),
                ratio=F("ratio"),
                investment_per_mu=F("investment_ratio"),
                tax_per_mu=F("tax_ratio"),
                value_added_per_energy=F("energy_ratio"),
            ),
            "deadline": Value(deadline),
            "status": Value(Finding.Status.OPEN),
            "opened_at": Value(now),
            "opened_by_run": Value(run.pk),
        },
        below,
        conflict=["project", "kind", "period"],
    )
    return graded, opened


def end_supervision(*, year, now):
    """Projects whose 7th year after production is ``year`` or earlier leave supervision: a stage change each,
    recorded in the timeline and the history, in three statements."""
    ending = Project.objects.filter(
        stage__in=[Stage.IN_PRODUCTION, Stage.OPERATING],
        production_start_date__year__lte=year - SUPERVISED_YEARS + 1,
    )
    insert_select(
        StageChange,
        {
            "project": F("pk"),
            "from_stage": F("stage"),
            "to_stage": Value(Stage.SUPERVISION_ENDED),
            "at": Value(now),
            "note": Value(f"{year}年为投产后第7年，监管期结束"),
        },
        ending,
    )
    moved = ending.update(stage=Stage.SUPERVISION_ENDED, stage_changed_at=now, updated_at=now)
    history_insert(Project.objects.filter(stage=Stage.SUPERVISION_ENDED, stage_changed_at=now), history_type="~")
    return moved


def sweep(*, year, run, today=None):
    """Every check, in the order the beat runs them (grading before the resale screen, which reads grades)."""
    return {
        "missing_data": check_missing_data(year=year, run=run),
        "grading": check_grading(year=year, run=run),
        "milestones": check_milestones(run=run, today=today),
        "disguised_resale": check_disguised_resale(run=run),
    }
