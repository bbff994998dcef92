from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from decisions.models import (
    EvaluationMember,
    EvaluationOpinion,
    Exemption,
    Minute,
    PreferentialTerm,
    Step,
    StepRecord,
    Submission,
    TierRuleSet,
)
from projects.rules import BUSINESS_ROLES, project_parts_visible


def _landing_staff_of(user, project):
    return has_role(user, Role.LANDING) and project is not None and project.landing_unit_id == user.unit_id


for _model in (Submission, EvaluationMember, EvaluationOpinion, Exemption, Minute):
    scope(_model)(project_parts_visible)


@scope(StepRecord)
def steps_visible(user, queryset):
    return queryset.filter(submission__in=project_parts_visible(user, Submission.objects.all()))


@scope(PreferentialTerm)
def terms_visible(user, queryset):
    return queryset.filter(minute__in=project_parts_visible(user, Minute.objects.all()))


@scope(TierRuleSet)
def rules_visible(user, queryset):
    return queryset if has_role(user, *BUSINESS_ROLES) else queryset.none()


@rule("tier_rules.manage", writes=True)
def manage_tier_rules(user, obj):
    return allow() if has_role(user, Role.CENTRE) else deny(_("Only the centre edits the tier rules."))


@rule("evaluation.manage", writes=True)
def manage_evaluation(user, project):
    if has_role(user, Role.CENTRE) or _landing_staff_of(user, project):
        return allow()
    return deny(_("The evaluation group is formed by the landing unit (or the centre)."))


@rule("evaluation.write", writes=True)
def write_evaluation(user, project):
    if project is not None and user.unit_id == project.attracting_unit_id:
        return deny(_("Attraction and evaluation are kept apart (招评分离): the attracting unit cannot evaluate."))
    if project is not None and EvaluationMember.objects.filter(project=project, user=user).exists():
        return allow()
    return deny(_("Only members of the project's evaluation group write its opinion."))


# Who records each step of the chain.
STEP_ROLES = {
    Step.CONSULTATION: Role.CENTRE,
    Step.REVIEW: Role.CENTRE,
    Step.OFFICE: Role.CENTRE,
    Step.MAYOR: Role.LEADER,
    Step.SECRETARY: Role.LEADER,
    Step.EXECUTIVE: Role.LEADER,
}


@rule("decision.record", writes=True)
def record_step(user, target):
    """``target`` is (project, step)."""
    project, step = target
    if step == Step.LOCAL:
        if _landing_staff_of(user, project):
            return allow()
        return deny(_("The landing-unit decision is recorded by the project's landing unit."))
    if has_role(user, STEP_ROLES[step]):
        return allow()
    if STEP_ROLES[step] == Role.LEADER:
        return deny(_("This meeting's decision is recorded by the city leadership."))
    return deny(_("This step is recorded by the investment promotion centre."))


@rule("exemption.request", writes=True)
def request_exemption(user, project):
    if has_role(user, Role.CENTRE) or _landing_staff_of(user, project):
        return allow()
    return deny(_("Exemptions are requested by the centre or the project's landing unit."))


@rule("exemption.decide", writes=True)
def decide_exemption(user, obj):
    return allow() if has_role(user, Role.LEADER) else deny(_("Exemptions are approved by the city leadership."))
