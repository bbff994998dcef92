"""What the portal reads. Every query is scoped by accounts.scoping; every value leaves here through an
explicit allow-list (``Row``/``facts``) with the confidential ones masked (``oversight.masking``), so the
templates and serializers never hold a model instance whose other fields they could show."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.scoping import visible_to
from core.units import m2_to_mu, yuan_to_wan
from decisions.models import Exemption, Minute, PreferentialTerm
from incentives.models import ClawBack, CommitmentItem, LedgerEntry, Refusal
from monitoring.checks import ACTIVE
from monitoring.models import AnnualGrade, Finding, FindingAction, PerformanceAgreement
from oversight.masking import MASK, centre_marked, shown
from projects.models import Project, Tier
from projects.stages import Stage

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=18, decimal_places=2)
# The projects the portal follows: from the decision on.
FOLLOWED_STAGES = [
    Stage.APPROVED,
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
    Stage.SUPERVISION_ENDED,
    Stage.TERMINATED,
]


def _label(model, field):
    return str(model._meta.get_field(field).verbose_name)


def facts(obj, fields, marked=None):
    """[(label, value)] of ``obj`` for exactly ``fields``: choices shown by their label, the confidential masked."""
    rows = []
    for field in fields:
        value = shown(obj, field, marked)
        if value != MASK:
            display = getattr(obj, f"get_{field}_display", None)
            value = display() if display else value
        rows.append((_label(type(obj), field), "" if value is None else value))
    return rows


# Decisions ------------------------------------------------------------------------------------------------

MINUTE_FIELDS = ["number", "meeting", "meeting_date", "chair", "attendees", "conclusion", "conditions"]
TERM_FIELDS = ["kind", "amount", "rate", "clause", "conditions"]


def minutes(user, *, tier=Tier.MAJOR, year=None, q=""):
    rows = visible_to(user, Minute.objects.select_related("project__landing_unit"))
    if tier:
        rows = rows.filter(project__tier=tier)
    if year:
        rows = rows.filter(year=year)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(project__code__icontains=q) | Q(project__name__icontains=q))
    return rows.order_by("-meeting_date", "-id")


def minute_row(minute):
    return {
        "pk": minute.pk,
        "number": minute.number,
        "meeting": minute.get_meeting_display(),
        "meeting_date": minute.meeting_date,
        "project_pk": minute.project_id,
        "project_code": minute.project.code,
        "project_name": minute.project.name,
        "landing_unit": minute.project.landing_unit.name,
        "tier": minute.project.get_tier_display(),
    }


def term_rows(terms, marked=None):
    rows = []
    for term in terms:
        amount = shown(term, "amount", marked)
        rows.append(
            {
                "kind": term.get_kind_display(),
                "amount": amount,
                "masked": amount == MASK,
                "rate": shown(term, "rate", marked),
                "clause": shown(term, "clause", marked),
                "conditions": shown(term, "conditions", marked),
                "minute_pk": term.minute_id,
                "minute_number": term.minute.number,
            }
        )
    return rows


def minute_detail(minute):
    marked = centre_marked()
    return {
        "minute": minute_row(minute),
        "facts": facts(minute, MINUTE_FIELDS, marked),
        "project": project_facts(minute.project, marked),
        "terms": term_rows(minute.terms.select_related("minute").order_by("id"), marked),
        "superseded": hasattr(minute, "superseded_by"),
    }


# Projects -------------------------------------------------------------------------------------------------

PROJECT_FIELDS = ["code", "name", "tier", "stage", "total_investment", "production_start_date"]


def project_facts(project, marked=None):
    rows = facts(project, PROJECT_FIELDS, marked)
    money = PROJECT_FIELDS.index("total_investment")
    if rows[money][1] != MASK:  # yuan are stored; people read 万元
        rows[money] = (_("Total investment (10,000 yuan)"), yuan_to_wan(project.total_investment))
    rows.insert(2, (_("Investor"), project.investor.name))
    rows.insert(3, (_("Landing unit"), project.landing_unit.name))
    rows.append((_("Land (mu)"), m2_to_mu(project.land_area_m2) if project.land_area_m2 is not None else ""))
    return rows


def followed_projects(user, *, q="", stage="", unit=None):
    """The projects followed after their decision, each with its commitments (caps), what the ledger paid and
    what claw-backs are open: one query with subqueries, however many projects."""
    committed = (
        CommitmentItem.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(t=Sum("cap"))
        .values("t")
    )
    paid = (  # payments less their reversals (negative entries), as the incentives pages count them
        LedgerEntry.objects.filter(item__project=OuterRef("pk"), kind__in=["payment", "reversal"])
        .order_by()
        .values("item__project")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    clawed = (
        ClawBack.objects.filter(project=OuterRef("pk"), status=ClawBack.Status.OPEN)
        .order_by()
        .values("project")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    rows = visible_to(user, Project.objects.filter(stage__in=FOLLOWED_STAGES)).select_related("landing_unit")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(investor__name__icontains=q))
    if stage:
        rows = rows.filter(stage=stage)
    if unit:
        rows = rows.filter(landing_unit=unit)
    return rows.annotate(
        committed=Coalesce(Subquery(committed, output_field=MONEY), Value(ZERO), output_field=MONEY),
        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY),
        clawback_open=Coalesce(Subquery(clawed, output_field=MONEY), Value(ZERO), output_field=MONEY),
    ).order_by("-stage_changed_at", "-id")


def project_row(project):
    return {
        "pk": project.pk,
        "code": project.code,
        "name": project.name,
        "landing_unit": project.landing_unit.name,
        "stage": project.get_stage_display(),
        "tier": project.get_tier_display(),
        "committed": project.committed,
        "paid": project.paid,
        "clawback_open": project.clawback_open,
    }


AGREEMENT_FIELDS = ["number", "signed_on", "investment_per_mu", "tax_per_mu", "value_added_per_energy"]
GRADE_FIELDS = ["year", "year_after_production", "investment_ratio", "tax_ratio", "energy_ratio", "ratio", "grade"]


def project_detail(user, project):
    """Everything the portal shows of one project: its facts, the terms granted, commitments against
    disbursements, refusals, claw-backs, the agreement and its yearly grades, findings and their handling."""
    from incentives.selectors import clawbacks, item_rows

    marked = centre_marked()
    terms = visible_to(user, PreferentialTerm.objects.filter(minute__project=project)).select_related("minute")
    terms = terms.order_by("minute", "id")
    items = item_rows(
        visible_to(user, CommitmentItem.objects.filter(project=project)).select_related("clause", "term").order_by("id")
    )
    agreement = visible_to(user, PerformanceAgreement.objects.filter(project=project)).first()
    return {
        "project": project_row(followed_projects(user).get(pk=project.pk))
        if project.stage in FOLLOWED_STAGES
        else None,
        "facts": project_facts(project, marked),
        "minutes": [minute_row(m) for m in minutes(user, tier=None).filter(project=project)],
        "terms": term_rows(terms, marked),
        "items": [
            {
                "title": row["item"].title,
                "basis": str(row["item"].clause or row["item"].term or ""),
                "cap": row["item"].cap,
                "condition": row["item"].get_condition_display(),
                "earliest": row["item"].earliest,
                "paid": row["paid"],
                "approved": row["approved"],
                "remaining": row["remaining"],
            }
            for row in items
        ],
        "refusals": [
            {
                "at": r.at,
                "rule": r.get_rule_display(),
                "step": r.get_step_display(),
                "amount": r.amount,
                "reason": r.reason,
            }
            for r in visible_to(user, Refusal.objects.filter(project=project)).order_by("-at")
        ],
        "clawbacks": [
            {
                "opened_at": c.opened_at,
                "amount": c.amount,
                "outstanding": c.outstanding,
                "status": c.get_status_display(),
                "reason": c.reason,
            }
            for c in clawbacks(user=user, project=project)
        ],
        "agreement": facts(agreement, AGREEMENT_FIELDS, marked) if agreement else None,
        "grades": [
            dict(zip(GRADE_FIELDS, (getattr(g, f) for f in GRADE_FIELDS), strict=True))
            for g in visible_to(user, AnnualGrade.objects.filter(project=project)).order_by("year")
        ],
        "grade_labels": [_label(AnnualGrade, f) for f in GRADE_FIELDS],
        "findings": [finding_row(f) for f in findings(user).filter(project=project)],
        "exemptions": [
            {
                "status": e.get_status_display(),
                "officials": e.officials,
                "reason": e.reason,
                "decided_at": e.decided_at,
                "note": e.decision_note,
            }
            for e in visible_to(user, Exemption.objects.filter(project=project)).order_by("requested_at")
        ],
    }


# Findings -------------------------------------------------------------------------------------------------


def findings(user, *, status="", kind="", severity="", q=""):
    rows = visible_to(user, Finding.objects.select_related("project", "owner"))
    if status == "active":
        rows = rows.filter(status__in=ACTIVE)
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if severity:
        rows = rows.filter(severity=severity)
    if q:
        rows = rows.filter(Q(project__code__icontains=q) | Q(project__name__icontains=q))
    return rows.order_by("-opened_at", "-id")


def finding_row(finding):
    return {
        "pk": finding.pk,
        "project_pk": finding.project_id,
        "project_code": finding.project.code,
        "project_name": finding.project.name,
        "kind": finding.get_kind_display(),
        "period": finding.period,
        "severity": finding.get_severity_display(),
        "severity_code": finding.severity,
        "status": finding.get_status_display(),
        "owner": finding.owner.name if finding.owner_id else "",
        "opened_at": finding.opened_at,
        "deadline": finding.deadline,
    }


EVIDENCE_LABELS = {
    "year": _("Year"),
    "year_after_production": _("Year after production"),
    "grade": _("Grade"),
    "ratio": _("overall (%)"),
    "investment_per_mu": _("investment per mu (%)"),
    "tax_per_mu": _("tax per mu (%)"),
    "value_added_per_energy": _("value added per tce (%)"),
    "missing": _("Missing indicators"),
    "milestone": _("Milestone"),
    "checkpoint": _("Checkpoint"),
    "date": _("Date"),
    "contract": _("Contract"),
    "share": _("Share transferred (%)"),
    "registered_on": _("Registered on"),
    "change_of_control": _("Change of control"),
    "equity_change": _("Equity change record"),
}


def finding_detail(user, finding):
    """The finding and how it was handled: each step (its unit, never the official's name) and any waiver's
    容错 exemption."""
    actions = (
        FindingAction.objects.filter(finding=finding).select_related("actor__unit", "exemption").order_by("at", "id")
    )
    return {
        "finding": finding_row(finding),
        "evidence": [
            (EVIDENCE_LABELS.get(key, key), ", ".join(map(str, value)) if isinstance(value, list) else value)
            for key, value in (finding.evidence or {}).items()
        ],
        "actions": [
            {
                "at": a.at,
                "from": a.get_from_status_display(),
                "to": a.get_to_status_display(),
                "by": (a.actor.unit.name if a.actor and a.actor.unit else _("The compliance engine")),
                "note": a.note,
                "exemption": (
                    {"officials": a.exemption.officials, "reason": a.exemption.reason} if a.exemption_id else None
                ),
            }
            for a in actions
        ],
    }
