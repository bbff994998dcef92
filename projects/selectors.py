"""Reading projects and the shared libraries. Every list is scoped by accounts.scoping."""

from django.db.models import Count, Q, Sum

from accounts.scoping import visible_to
from projects.models import (
    Allocation,
    Company,
    EnergyQuota,
    FactorySpace,
    Filing,
    LandParcel,
    Partner,
    Project,
    StageChange,
)
from projects.stages import LIVE_STAGES, Stage

ORDERINGS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "investment": "total_investment",
    "-investment": "-total_investment",
    "stage": "stage",
    "-stage": "-stage",
    "created": "created_at",
    "-created": "-created_at",
    "land": "land_area_m2",
    "-land": "-land_area_m2",
}
LIVE = LIVE_STAGES
SIGNED_OR_LATER = [
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
    Stage.SUPERVISION_ENDED,
]


def project_list(*, user, filters=None):
    """Projects the user may see, filtered and ordered; the related rows come in the same query."""
    filters = filters or {}
    qs = visible_to(user, Project.objects.all()).select_related(
        "investor", "industry__section", "landing_unit", "attracting_unit", "partner"
    )
    exact = {
        "stage": "stage",
        "landing_unit": "landing_unit_id",
        "channel": "channel",
        "tier": "tier",
        "land_mode": "land_mode",
        "partner": "partner_id",
        "investor": "investor_id",
    }
    for key, lookup in exact.items():
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    industry = filters.get("industry")
    if industry:
        industry_code = getattr(industry, "code", industry)
        qs = qs.filter(Q(industry__code=industry_code) | Q(industry__section__code=industry_code))
    for flag in ("is_profit_reinvestment", "is_key_chain"):
        value = filters.get(flag)
        if value in (True, "true", "yes", "1"):
            qs = qs.filter(**{flag: True})
        elif value in (False, "false", "no", "0"):
            qs = qs.filter(**{flag: False})
    if filters.get("grade") and str(filters.get("grade_year") or "").isdigit():
        # The grade the yearly sweep recorded for that year (monitoring.AnnualGrade).
        qs = qs.filter(grades__year=int(filters["grade_year"]), grades__grade=filters["grade"])
    if filters.get("signed_from") or filters.get("signed_to"):
        # Signed in the period: the stage change the assessment's summary counts (assessment.UnitMonth).
        signings = StageChange.objects.filter(to_stage=Stage.SIGNED)
        if filters.get("signed_from"):
            signings = signings.filter(at__date__gte=filters["signed_from"])
        if filters.get("signed_to"):
            signings = signings.filter(at__date__lte=filters["signed_to"])
        qs = qs.filter(pk__in=signings.values("project"))
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(investor__name__icontains=q)
            | Q(investor__uscc__iexact=q)
            | Q(description__icontains=q)
        )
    return qs.order_by(ORDERINGS.get(filters.get("ordering") or "", "-created_at"), "-id")


def project_detail(*, user, pk):
    from accounts.scoping import get_visible_or_404

    return get_visible_or_404(user, project_list(user=user), pk=pk)


def company_list(*, user, q=""):
    qs = visible_to(user, Company.objects.annotate(project_count=Count("projects")))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q.strip()))
    return qs.order_by("name")


def partner_list(*, user):
    return visible_to(user, Partner.objects.all())


def resource_list(*, user, kind):
    model = {"parcel": LandParcel, "factory_space": FactorySpace, "energy_quota": EnergyQuota}[kind]
    return visible_to(user, model.objects.all())


def allocation_list(*, user, active_only=False):
    qs = visible_to(user, Allocation.objects.select_related("project", "parcel", "factory_space", "energy_quota"))
    return qs.filter(released_at__isnull=True) if active_only else qs


def filing_list(*, user):
    return visible_to(user, Filing.objects.select_related("project", "approving_unit"))


def channel_comparison(*, user, date_from=None, date_to=None):
    """Per channel: leads, signed projects and their investment, over the projects the user sees."""
    qs = visible_to(user, Project.objects.all())
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    signed = Q(stage__in=SIGNED_OR_LATER)
    rows = (
        qs.values("channel")
        .annotate(
            leads=Count("id"),
            signed=Count("id", filter=signed),
            signed_investment=Sum("total_investment", filter=signed),
            investment=Sum("total_investment"),
        )
        .order_by("channel")
    )
    return list(rows)


def stage_counts(*, user):
    """How many of the projects the user sees are in each stage, in the stages' order."""
    counts = dict(visible_to(user, Project.objects.all()).values_list("stage").annotate(n=Count("id")).order_by())
    return [{"stage": s, "label": s.label, "count": counts.get(s.value, 0)} for s in Stage]


def work_queue(*, user, limit=20):
    """What waits for the user's role: decisions and returns for the centre, a town's live projects."""
    waiting = [Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.RETURNED]
    return project_list(user=user).filter(stage__in=waiting).order_by("stage_changed_at")[:limit]


def bureau_tasks(*, user, limit=20):
    """The records a bureau owes: filing codes (发改) and land parcels (资规) for projects that need them."""
    from accounts.models import Unit
    from projects.models import LandMode

    bureau = user.unit.bureau if user.unit_id else ""
    qs = project_list(user=user)
    if bureau == Unit.Bureau.DEVELOPMENT:
        return qs.filter(stage__in=[Stage.SIGNED, Stage.LAND_SUPPLIED], filings__isnull=True)[:limit]
    if bureau == Unit.Bureau.NATURAL_RESOURCES:
        held = Allocation.objects.filter(parcel__isnull=False, released_at__isnull=True).values("project_id")
        return qs.filter(stage__in=[Stage.APPROVED, Stage.SIGNED], land_mode=LandMode.NEW_LAND).exclude(pk__in=held)[
            :limit
        ]
    return qs.none()
