"""The tiered decision: tiers from versioned rules, the evaluation group, the fixed chain of meetings,
immutable minutes and fault-tolerance exemptions. Every door calls these."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import can, grant, require
from core import units
from core.errors import ApplicationError
from decisions.models import (
    Dimension,
    EvaluationMember,
    EvaluationOpinion,
    Exemption,
    Minute,
    PreferentialTerm,
    Rating,
    Step,
    StepRecord,
    Submission,
    TierRuleSet,
)
from decisions.selectors import MEMBER_ROLES
from projects.models import Project, Tier
from projects.services import project_move, validated
from projects.stages import Stage

TIER_RULE_FIELDS = (
    "effective_from",
    "major_land_mu",
    "major_investment",
    "office_land_mu",
    "office_investment",
    "local_filing_working_days",
    "note",
)


# Tiers ------------------------------------------------------------------------------------------


def _plain(number):
    """200 rather than 200.00 or 2E+2."""
    return format(number.normalize(), "f")


def rules_in_force(on_date):
    rules = TierRuleSet.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if rules is None:
        raise ApplicationError(_("No tier rules are in force on %(date)s.") % {"date": on_date})
    return rules


def classify(project, rules):
    """The project's tier under ``rules`` and the reasons, e.g. "用地 230 亩 ≥ 200 亩". Boundaries are inclusive."""
    land_mu = units.m2_to_mu(project.land_area_m2)
    investment_wan = units.yuan_to_wan(project.total_investment)
    major, office = [], []
    if land_mu >= rules.major_land_mu:
        major.append(_("Land %(land)s mu ≥ %(limit)s mu") % {"land": land_mu, "limit": _plain(rules.major_land_mu)})
    if project.total_investment >= rules.major_investment:
        major.append(
            _("Total investment %(inv)s ×10k yuan ≥ %(limit)s ×10k yuan")
            % {"inv": investment_wan, "limit": _plain(units.yuan_to_wan(rules.major_investment))}
        )
    if project.is_key_chain:
        major.append(_("Major driving effect on a key industrial chain"))
    if major:
        return Tier.MAJOR, major
    if land_mu >= rules.office_land_mu:
        office.append(_("Land %(land)s mu ≥ %(limit)s mu") % {"land": land_mu, "limit": _plain(rules.office_land_mu)})
    if project.total_investment >= rules.office_investment:
        office.append(
            _("Total investment %(inv)s ×10k yuan ≥ %(limit)s ×10k yuan")
            % {"inv": investment_wan, "limit": _plain(units.yuan_to_wan(rules.office_investment))}
        )
    if office:
        return Tier.OFFICE, office
    return Tier.LOCAL, [
        _("Land %(land)s mu < %(limit)s mu and investment %(inv)s ×10k yuan < %(ilimit)s ×10k yuan")
        % {
            "land": land_mu,
            "limit": _plain(rules.office_land_mu),
            "inv": investment_wan,
            "ilimit": _plain(units.yuan_to_wan(rules.office_investment)),
        }
    ]


@transaction.atomic
def tier_rule_set_create(*, actor, **fields):
    require(actor, "tier_rules.manage")
    rules = TierRuleSet(created_by=actor, **{k: v for k, v in fields.items() if k in TIER_RULE_FIELDS})
    validated(rules)
    rules.save()
    return rules


def open_submission(project):
    return project.submissions.filter(status=Submission.Status.OPEN).first()


def submission_open(project, actor):
    """On entering "awaiting decision": a new round, with the tier of the rules in force today."""
    today = timezone.localdate()
    rules = rules_in_force(today)
    tier, reasons = classify(project, rules)
    last = project.submissions.order_by("-round").values_list("round", flat=True).first() or 0
    Submission.objects.create(
        project=project,
        round=last + 1,
        submitted_on=today,
        submitted_by=actor,
        rule_set=rules,
        tier=tier,
        tier_reasons=[str(r) for r in reasons],
    )
    project.tier = tier
    project.save(update_fields=["tier"])


def major_needs_opinion(project):
    """A major project goes to decision only with a pre-evaluation opinion that recommends it."""
    tier, _reasons = classify(project, rules_in_force(timezone.localdate()))
    if tier == Tier.MAJOR and not project.evaluation_opinions.exists():
        return _("A major project needs its evaluation group's pre-evaluation opinion first.")
    return None


# The evaluation group --------------------------------------------------------------------------


@transaction.atomic
def evaluation_member_add(*, actor, project, user, is_lead=False):
    require(actor, "evaluation.manage", project)
    if user.unit_id == project.attracting_unit_id:
        raise ApplicationError(
            _("%(user)s is from the attracting unit (%(unit)s): attraction and evaluation are kept apart (招评分离).")
            % {"user": user, "unit": project.attracting_unit},
            errors={"user": [_("From the attracting unit.")]},
        )
    if not user.is_active:
        raise ApplicationError(_("This account is disabled."), errors={"user": [_("Disabled.")]})
    if not user.groups.filter(name__in=MEMBER_ROLES).exists():
        # The page offers only these people; the API names a user by id, so the rule is here.
        message = _("%(user)s cannot sit in an evaluation group: its members are business staff.") % {"user": user}
        raise ApplicationError(message, errors={"user": [message]})
    if EvaluationMember.objects.filter(project=project, user=user).exists():
        raise ApplicationError(
            _("%(user)s is already in the group.") % {"user": user}, errors={"user": [_("Already a member.")]}
        )
    member = EvaluationMember.objects.create(project=project, user=user, is_lead=is_lead, assigned_by=actor)
    grant(user, "projects.view_project", project)
    return member


@transaction.atomic
def evaluation_opinion_write(*, actor, project, ratings, conclusion, recommend):
    """``ratings``: {dimension: {"rating": good|fair|poor, "text": "..."}} for all seven dimensions."""
    require(actor, "evaluation.write", project)
    errors = {}
    for dimension in Dimension:
        entry = (ratings or {}).get(dimension.value) or {}
        if entry.get("rating") not in Rating.values:
            errors[dimension.value] = [_("Rate “%(d)s”.") % {"d": dimension.label}]
        elif not str(entry.get("text", "")).strip():
            errors[dimension.value] = [_("Explain the rating of “%(d)s”.") % {"d": dimension.label}]
    if not str(conclusion).strip():
        errors["conclusion"] = [_("The opinion needs a conclusion.")]
    if errors:
        raise ApplicationError(_("The opinion covers all seven dimensions, each rated and explained."), errors=errors)
    clean = {
        d.value: {"rating": ratings[d.value]["rating"], "text": str(ratings[d.value]["text"]).strip()}
        for d in Dimension
    }
    return EvaluationOpinion.objects.create(
        project=project, author=actor, ratings=clean, conclusion=conclusion, recommend=recommend
    )


# The chain --------------------------------------------------------------------------------------


def next_step(submission):
    taken = set(submission.steps.values_list("step", flat=True))
    return next((step for step in submission.chain if step not in taken), None)


def step_check(*, user, project):
    """The step that waits on the project, and whether ``user`` may record it: (step, Verdict)."""
    submission = open_submission(project)
    if submission is None:
        return None, None
    step = next_step(submission)
    return step, can(user, "decision.record", (project, step))


def _issue_minute(*, actor, project, step_record, minute, terms, supersedes=None):
    fields = {
        k: minute.get(k, "") for k in ("number", "meeting_date", "chair", "attendees", "conclusion", "conditions")
    }
    record = Minute(
        project=project,
        step_record=step_record,
        meeting=step_record.step,
        issued_by=actor,
        supersedes=supersedes,
        **fields,
    )
    validated(record)
    record.save()
    for index, term in enumerate(terms or []):
        item = PreferentialTerm(
            minute=record, **{k: term.get(k) for k in ("kind", "amount", "rate", "clause", "conditions") if k in term}
        )
        item.conditions = item.conditions or ""
        try:
            validated(item, exclude=["minute"])
        except ApplicationError as exc:
            raise ApplicationError(
                _("Term %(n)d: %(msg)s") % {"n": index + 1, "msg": exc.message},
                errors={f"terms.{index}.{k}": v for k, v in exc.errors.items()},
            ) from exc
        item.save()
    return record


@transaction.atomic
def decision_record(*, actor, project, step, outcome, minute, terms=()):
    """Record the next step of the chain with its minutes. Skipping, repeating or the wrong role is refused."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    submission = open_submission(project)
    if submission is None:
        raise ApplicationError(
            _("The project is not waiting for a decision (stage: %(stage)s).") % {"stage": project.get_stage_display()},
            status_code=409,
        )
    expected = next_step(submission)
    if step != expected:
        taken = step in submission.steps.values_list("step", flat=True)
        message = (
            _("“%(step)s” was already recorded for this submission.")
            if taken
            else _("Steps cannot be skipped or taken out of order: the next step is “%(next)s”.")
        )
        raise ApplicationError(
            message % {"step": Step(step).label if step in Step.values else step, "next": Step(expected).label},
            errors={"step": [message % {"step": step, "next": Step(expected).label}]},
            status_code=409,
        )
    verdict = can(actor, "decision.record", (project, step))
    if not verdict:
        raise PermissionDenied(verdict.reason)
    if outcome not in StepRecord.Outcome.values:
        raise ApplicationError(_("Choose an outcome."), errors={"outcome": [_("Choose an outcome.")]})
    record = StepRecord.objects.create(submission=submission, step=step, outcome=outcome, recorded_by=actor)
    _issue_minute(actor=actor, project=project, step_record=record, minute=minute, terms=terms)
    final = step == submission.chain[-1]
    if outcome == StepRecord.Outcome.PASS and not final:
        return record
    status, target = {
        StepRecord.Outcome.PASS: (Submission.Status.APPROVED, Stage.APPROVED),
        StepRecord.Outcome.RETURN: (Submission.Status.RETURNED, Stage.RETURNED),
        StepRecord.Outcome.REJECT: (Submission.Status.REJECTED, Stage.REJECTED),
    }[outcome]
    submission.status = status
    submission.save(update_fields=["status"])
    project_move(actor=actor, project=project, target=target, note=f"{Step(step).label}: {minute.get('number', '')}")
    return record


@transaction.atomic
def minute_supersede(*, actor, minute, new_minute, terms=()):
    """Correct issued minutes: a new minute that supersedes the old one; both stay visible."""
    old = Minute.objects.select_for_update().get(pk=minute.pk)
    if not old.is_current:
        raise ApplicationError(
            _("Minute %(n)s was already superseded by %(by)s.") % {"n": old.number, "by": old.superseded_by.number},
            status_code=409,
        )
    verdict = can(actor, "decision.record", (old.project, old.meeting))
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return _issue_minute(
        actor=actor, project=old.project, step_record=old.step_record, minute=new_minute, terms=terms, supersedes=old
    )


# Fault tolerance --------------------------------------------------------------------------------


@transaction.atomic
def exemption_request(*, actor, project, officials, reason):
    require(actor, "exemption.request", project)
    exemption = Exemption(project=project, officials=officials, reason=reason, requested_by=actor)
    validated(exemption)
    exemption.save()
    return exemption


@transaction.atomic
def exemption_decide(*, actor, exemption, approve, note=""):
    require(actor, "exemption.decide", exemption)
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.status != Exemption.Status.REQUESTED:
        raise ApplicationError(_("This exemption was already decided."), status_code=409)
    exemption.status = Exemption.Status.APPROVED if approve else Exemption.Status.REFUSED
    exemption.decided_by = actor
    exemption.decided_at = timezone.now()
    exemption.decision_note = note
    exemption.save()
    return exemption
