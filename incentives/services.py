"""The incentive rules, in one place: every door (page, API, demo, task) goes through these functions.

A disbursement is refused, with the rule and the figures, when it is early (超前: the condition is not
verified, or before its date), over (超额: paid + approved-unpaid + this above the item's cap, or above the
year's fund), out of scope (超范围: not this project's item, clause expired, minutes superseded, project
terminated), or while a claw-back is outstanding. The rules run at filing, again at approval and again at
payment, each time under row locks (fund, then item), so concurrent approvals can never overshoot. A refusal
is recorded and kept even though the action fails.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import require
from core.errors import ApplicationError
from core.units import yuan_to_wan
from incentives.models import (
    FUND_FLOOR,
    Clause,
    ClawBack,
    CommitmentItem,
    Fund,
    LedgerEntry,
    Policy,
    Refusal,
    Request,
)
from projects.services import validated
from projects.stages import Stage

ZERO = Decimal(0)
# The order a project passes through; a stage condition is met at that stage or any later one.
STAGE_ORDER = [
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.PRE_EVALUATION,
    Stage.AWAITING_DECISION,
    Stage.APPROVED,
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
    Stage.SUPERVISION_ENDED,
]
ENDED = (Stage.TERMINATED, Stage.REJECTED)


def wan(amount):
    return f"{yuan_to_wan(amount):,.2f} 万元"


class Refused(ApplicationError):
    """A disbursement refused by a rule; ``rule`` names it (Refusal.Rule)."""

    def __init__(self, rule, reason):
        self.rule = rule
        super().__init__(reason, errors={"amount": [reason]}, status_code=409)


# Totals: always derived from the ledger and the requests ------------------------------------------------------


def item_paid(item):
    """Net paid under an item: its payments and reversals."""
    return LedgerEntry.objects.filter(item=item).aggregate(total=Sum("amount"))["total"] or ZERO


def item_approved_unpaid(item, *, exclude=None):
    rows = Request.objects.filter(item=item, status=Request.Status.APPROVED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


@dataclass
class FundTotals:
    budget: Decimal
    committed: Decimal
    paid: Decimal
    approved: Decimal

    @property
    def available(self):
        """What can still be committed."""
        return self.budget - self.committed

    @property
    def unspent(self):
        return self.budget - self.paid - self.approved


def fund_totals(fund, *, exclude=None):
    """Budget, committed (item caps), paid (the ledger, net of reversals and repayments), approved-unpaid."""
    approved = Request.objects.filter(item__fund=fund, status=Request.Status.APPROVED)
    if exclude is not None:
        approved = approved.exclude(pk=exclude.pk)
    return FundTotals(
        budget=fund.budget,
        committed=CommitmentItem.objects.filter(fund=fund).aggregate(t=Sum("cap"))["t"] or ZERO,
        paid=LedgerEntry.objects.filter(fund=fund).aggregate(t=Sum("amount"))["t"] or ZERO,
        approved=approved.aggregate(t=Sum("amount"))["t"] or ZERO,
    )


def clawback_outstanding(clawback):
    repaid = -(LedgerEntry.objects.filter(clawback=clawback).aggregate(t=Sum("amount"))["t"] or ZERO)
    return clawback.amount - repaid


# The fund, policies and commitments -------------------------------------------------------------------------


def _floor_error(budget):
    message = _("The fund's budget must be at least %(floor)s; %(budget)s was given.") % {
        "floor": wan(FUND_FLOOR),
        "budget": wan(budget),
    }
    return ApplicationError(message, errors={"budget": [message]})


@transaction.atomic
def fund_create(*, actor, year, budget):
    require(actor, "fund.manage")
    if budget is None or Decimal(budget) < FUND_FLOOR:
        raise _floor_error(budget or ZERO)
    if Fund.objects.filter(year=year).exists():
        message = _("The fund of %(year)s exists already; change its budget instead.") % {"year": year}
        raise ApplicationError(message, errors={"year": [message]}, status_code=409)
    fund = Fund(year=year, budget=budget)
    validated(fund)
    fund.save()
    return fund


@transaction.atomic
def fund_set_budget(*, actor, fund, budget):
    require(actor, "fund.manage")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if Decimal(budget) < FUND_FLOOR:
        raise _floor_error(budget)
    totals = fund_totals(fund)
    floor = max(totals.committed, totals.paid + totals.approved)
    if Decimal(budget) < floor:
        message = _("The budget cannot go below what is committed or paid: %(floor)s.") % {"floor": wan(floor)}
        raise ApplicationError(message, errors={"budget": [message]}, status_code=409)
    fund.budget = budget
    fund.save()
    return fund


@transaction.atomic
def policy_create(*, actor, clauses=(), **fields):
    """A policy with its clauses [{number, title, reward, rate, cap, eligibility}]."""
    require(actor, "policy.manage")
    allowed = {"name", "kind", "document_number", "issued_by", "valid_from", "valid_to", "version", "supersedes"}
    policy = Policy(**{k: v for k, v in fields.items() if k in allowed})
    validated(policy)
    policy.save()
    for data in clauses:
        clause = Clause(policy=policy, **data)
        validated(clause)
        clause.save()
    return policy


@transaction.atomic
def item_create(*, actor, project, fund, title, cap, condition, earliest, clause=None, term=None, **condition_fields):
    """An item of the project's incentive commitment, bound to a clause or to a term of the project's issued
    minutes; its cap fits the clause or term and what is left of the fund."""
    require(actor, "commitment.manage", project)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    errors = {}
    if project.stage in ENDED:
        errors["project"] = [_("The project is %(stage)s.") % {"stage": project.get_stage_display()}]
    if clause is not None:
        if not clause.policy.in_force_on(earliest):
            errors["clause"] = [_("The clause is not in force on the item's earliest date.")]
        if Decimal(cap) > clause.cap:
            errors["cap"] = [_("Above the clause's cap of %(cap)s.") % {"cap": wan(clause.cap)}]
    if term is not None:
        if term.minute.project_id != project.pk:
            errors["term"] = [_("This term was granted to another project.")]
        elif not term.minute.is_current:
            errors["term"] = [_("These minutes were superseded; bind the item to the current ones.")]
        elif term.amount is not None and Decimal(cap) > term.amount:
            errors["cap"] = [_("Above the amount the minutes granted: %(amount)s.") % {"amount": wan(term.amount)}]
    totals = fund_totals(fund)
    if totals.committed + Decimal(cap) > fund.budget:
        errors.setdefault("cap", []).append(
            _("The %(year)s fund has %(left)s left to commit (budget %(budget)s, committed %(committed)s).")
            % {
                "year": fund.year,
                "left": wan(totals.available),
                "budget": wan(fund.budget),
                "committed": wan(totals.committed),
            }
        )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors)
    allowed = {"stage", "indicator", "indicator_year", "indicator_min"}
    item = CommitmentItem(
        project=project,
        fund=fund,
        clause=clause,
        term=term,
        title=title,
        cap=cap,
        condition=condition,
        earliest=earliest,
        created_by=actor,
        **{k: v for k, v in condition_fields.items() if k in allowed and v not in (None, "")},
    )
    validated(item)
    item.save()
    return item


# The rules -------------------------------------------------------------------------------------------------


def condition_met(item):
    """Whether the item's condition is verified now, and what it asks (for the reason)."""
    project = item.project
    if item.condition == CommitmentItem.Condition.STAGE:
        wanted = Stage(item.stage)
        met = project.stage in STAGE_ORDER and STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(wanted)
        return met, _("the project reaching “%(stage)s” (it is “%(now)s”)") % {
            "stage": wanted.label,
            "now": project.get_stage_display(),
        }
    from monitoring.models import Indicator, IndicatorValue

    value = (
        IndicatorValue.objects.filter(
            project=project, indicator=item.indicator, year=item.indicator_year, is_current=True
        )
        .values_list("value", flat=True)
        .first()
    )
    label = Indicator(item.indicator).label if item.indicator in Indicator.values else item.indicator
    met = value is not None and value >= item.indicator_min
    return met, _("%(indicator)s of %(year)s at least %(min)s (recorded: %(value)s)") % {
        "indicator": label,
        "year": item.indicator_year,
        "min": f"{item.indicator_min:,.2f}",
        "value": "—" if value is None else f"{value:,.2f}",
    }


def verdict(item, amount, *, project=None, exclude=None, today=None):
    """None when ``amount`` may be paid under ``item`` now; else (rule, reason with the figures)."""
    today = today or timezone.localdate()
    project = project or item.project
    amount = Decimal(amount)
    if item.project_id != project.pk:
        return Refusal.Rule.OUT_OF_SCOPE, _("Out of scope: “%(item)s” is not in this project's commitment.") % {
            "item": item.title
        }
    if item.project.stage in ENDED:
        return Refusal.Rule.OUT_OF_SCOPE, _("Out of scope: the project is %(stage)s.") % {
            "stage": item.project.get_stage_display()
        }
    if item.clause_id and not item.clause.policy.in_force_on(today):
        return Refusal.Rule.OUT_OF_SCOPE, _("Out of scope: clause %(clause)s is not in force on %(day)s.") % {
            "clause": item.clause,
            "day": today.isoformat(),
        }
    if item.term_id and not item.term.minute.is_current:
        return Refusal.Rule.OUT_OF_SCOPE, _("Out of scope: the minutes %(number)s granting it were superseded.") % {
            "number": item.term.minute.number
        }
    outstanding = ClawBack.objects.filter(project=item.project, status=ClawBack.Status.OPEN).first()
    if outstanding is not None:
        return Refusal.Rule.CLAWBACK, _("A claw-back of %(amount)s is outstanding on this project.") % {
            "amount": wan(clawback_outstanding(outstanding))
        }
    if today < item.earliest:
        return Refusal.Rule.EARLY, _("Early: the item is not paid before %(day)s (today is %(today)s).") % {
            "day": item.earliest.isoformat(),
            "today": today.isoformat(),
        }
    met, asked = condition_met(item)
    if not met:
        return Refusal.Rule.EARLY, _("Early: the condition is not verified: %(asked)s.") % {"asked": asked}
    paid, approved = item_paid(item), item_approved_unpaid(item, exclude=exclude)
    if paid + approved + amount > item.cap:
        return Refusal.Rule.OVER, _(
            "Over the cap: paid %(paid)s + approved, unpaid %(approved)s + this %(amount)s = %(total)s, "
            "above the cap of %(cap)s."
        ) % {
            "paid": wan(paid),
            "approved": wan(approved),
            "amount": wan(amount),
            "total": wan(paid + approved + amount),
            "cap": wan(item.cap),
        }
    totals = fund_totals(item.fund, exclude=exclude)
    if totals.paid + totals.approved + amount > totals.budget:
        return Refusal.Rule.FUND, _(
            "Beyond the %(year)s fund: paid %(paid)s + approved, unpaid %(approved)s + this %(amount)s, "
            "above the budget of %(budget)s."
        ) % {
            "year": item.fund.year,
            "paid": wan(totals.paid),
            "approved": wan(totals.approved),
            "amount": wan(amount),
            "budget": wan(totals.budget),
        }
    return None


def _locked(item):
    """The item and its fund under row locks, always fund first (one order: no deadlock)."""
    Fund.objects.select_for_update().filter(pk=item.fund_id).first()
    return (
        CommitmentItem.objects.select_for_update(of=("self",))
        .select_related("project", "fund", "clause__policy")
        .get(pk=item.pk)
    )


# Requests ----------------------------------------------------------------------------------------------------


def request_file(*, actor, item, amount, evidence, project=None):
    """The landing unit asks for ``amount`` under ``item``; refused (and recorded) by any rule."""
    require(actor, "request.file", item)
    if not (evidence or "").strip():
        message = _("Attach the evidence that the condition is met.")
        raise ApplicationError(message, errors={"evidence": [message]})
    refused = None
    with transaction.atomic():
        locked = _locked(item)
        found = verdict(locked, amount, project=project)
        if found:
            refused = found
            Refusal.objects.create(
                project=project or locked.project,
                item=locked,
                amount=amount,
                step=Refusal.Step.FILING,
                rule=found[0],
                reason=found[1],
                actor=actor,
            )
        else:
            request = Request(item=locked, amount=amount, evidence=evidence.strip(), filed_by=actor)
            validated(request)
            request.save()
    if refused:
        raise Refused(*refused)
    return request


def _refuse_request(request, *, actor, step, rule, reason):
    request.status = Request.Status.REFUSED
    request.refusal = reason
    request.save()
    Refusal.objects.create(
        project=request.item.project,
        item=request.item,
        request=request,
        amount=request.amount,
        step=step,
        rule=rule,
        reason=reason,
        actor=actor,
    )


def request_approve(*, actor, request):
    """The centre approves: the rules again, with this request's amount, under the locks."""
    require(actor, "request.review", request)
    refused = None
    with transaction.atomic():
        item = _locked(request.item)
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status != Request.Status.FILED:
            raise ApplicationError(_("This request is not waiting for review."), status_code=409)
        found = verdict(item, request.amount, exclude=request)
        if found:
            refused = found
            request.item = item
            _refuse_request(request, actor=actor, step=Refusal.Step.APPROVAL, rule=found[0], reason=found[1])
        else:
            request.status = Request.Status.APPROVED
            request.reviewed_by, request.reviewed_at = actor, timezone.now()
            request.save()
    if refused:
        raise Refused(*refused)
    return request


@transaction.atomic
def request_refuse(*, actor, request, reason):
    """The centre turns a request down on review, saying why."""
    require(actor, "request.review", request)
    if not (reason or "").strip():
        message = _("Say why the request is refused.")
        raise ApplicationError(message, errors={"reason": [message]})
    request = Request.objects.select_for_update().select_related("item__project").get(pk=request.pk)
    if request.status not in (Request.Status.FILED, Request.Status.APPROVED):
        raise ApplicationError(_("This request is already closed."), status_code=409)
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    _refuse_request(request, actor=actor, step=Refusal.Step.APPROVAL, rule=Refusal.Rule.REVIEW, reason=reason.strip())
    return request


def request_pay(*, actor, request, idempotency_key=None):
    """Finance pays an approved request: the rules once more, then one ledger entry. Paying again, or with the
    same idempotency key, returns the entry already recorded."""
    require(actor, "request.pay", request)
    key = idempotency_key or f"request-{request.pk}"
    refused = None
    with transaction.atomic():
        earlier = LedgerEntry.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            if earlier.request_id != request.pk:
                message = _("This idempotency key was used for another payment.")
                raise ApplicationError(message, errors={"idempotency_key": [message]}, status_code=409)
            return earlier
        item = _locked(request.item)
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status == Request.Status.PAID:
            return LedgerEntry.objects.get(request=request, kind=LedgerEntry.Kind.PAYMENT)
        if request.status != Request.Status.APPROVED:
            raise ApplicationError(_("Only an approved request is paid."), status_code=409)
        found = verdict(item, request.amount, exclude=request)
        if found:
            refused = found
            _refuse_request(request, actor=actor, step=Refusal.Step.PAYMENT, rule=found[0], reason=found[1])
        else:
            entry = LedgerEntry.objects.create(
                kind=LedgerEntry.Kind.PAYMENT,
                item=item,
                fund=item.fund,
                request=request,
                amount=request.amount,
                idempotency_key=key,
                actor=actor,
            )
            request.status = Request.Status.PAID
            request.paid_by, request.paid_at = actor, timezone.now()
            request.save()
    if refused:
        raise Refused(*refused)
    return entry


def payment_reverse(*, actor, request, reason):
    """Finance undoes a payment (returned by the bank, paid in error): a reversal entry of the same amount;
    the ledger keeps both. Reversing twice records one reversal."""
    require(actor, "request.pay", request)
    if not (reason or "").strip():
        message = _("Say why the payment is reversed.")
        raise ApplicationError(message, errors={"reason": [message]})
    with transaction.atomic():
        request = Request.objects.select_for_update().select_related("item").get(pk=request.pk)
        key = f"reverse-request-{request.pk}"
        earlier = LedgerEntry.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            return earlier
        if request.status != Request.Status.PAID:
            raise ApplicationError(_("Only a paid request can be reversed."), status_code=409)
        entry = LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.REVERSAL,
            item=request.item,
            fund=request.item.fund,
            request=request,
            amount=-request.amount,
            idempotency_key=key,
            actor=actor,
            note=reason.strip()[:200],
        )
        request.status = Request.Status.REVERSED
        request.save()
    return entry


# Claw-backs --------------------------------------------------------------------------------------------------


def clawbacks_open(*, run=None):
    """A breach finding on a project whose agreement repays incentives on breach opens a claw-back of what was
    paid under its items (one per finding). Returns how many were opened."""
    from monitoring.models import Finding

    breaches = (
        Finding.objects.filter(kind=Finding.Kind.BREACH, clawback__isnull=True)
        .exclude(status=Finding.Status.WAIVED)
        .filter(project__performance_agreement__repay_incentives=True)
    )
    # Only projects that were paid can owe anything: the few, not every breach.
    paid_by_project = dict(
        LedgerEntry.objects.filter(item__project__in=breaches.values("project"), item__isnull=False)
        .values("item__project")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .values_list("item__project", "total")
    )
    owing = set(
        ClawBack.objects.filter(project__in=paid_by_project, status=ClawBack.Status.OPEN).values_list(
            "project", flat=True
        )
    )
    opened = 0
    for finding in breaches.filter(project__in=paid_by_project).select_related("project").order_by("pk"):
        if finding.project_id in owing:
            continue
        paid = paid_by_project[finding.project_id]
        owing.add(finding.project_id)
        with transaction.atomic():
            clawback = ClawBack.objects.create(
                project=finding.project,
                finding=finding,
                amount=paid,
                reason=_("Breach of the performance agreement (%(period)s): incentives paid are repaid.")
                % {"period": finding.period},
            )
            clawback.items.set(CommitmentItem.objects.filter(project=finding.project, ledger__isnull=False).distinct())
        opened += 1
    return {"opened": opened}


def clawback_repay(*, actor, clawback, amount, idempotency_key=None):
    """Finance records a repayment; the claw-back settles when nothing is outstanding."""
    require(actor, "clawback.repay", clawback)
    amount = Decimal(amount)
    key = idempotency_key or f"repay-{clawback.pk}-{timezone.now().isoformat()}"
    with transaction.atomic():
        earlier = LedgerEntry.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            return earlier
        clawback = ClawBack.objects.select_for_update().get(pk=clawback.pk)
        outstanding = clawback_outstanding(clawback)
        if amount <= 0 or amount > outstanding:
            message = _("A repayment is more than zero and at most what is outstanding: %(left)s.") % {
                "left": wan(outstanding)
            }
            raise ApplicationError(message, errors={"amount": [message]})
        fund = clawback.items.order_by("pk").first().fund
        entry = LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.REPAYMENT,
            fund=fund,
            clawback=clawback,
            amount=-amount,
            idempotency_key=key,
            actor=actor,
        )
        if amount == outstanding:
            clawback.status = ClawBack.Status.SETTLED
            clawback.save()
    return entry
