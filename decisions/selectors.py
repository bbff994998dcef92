from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import can, require, visible_to
from decisions.models import Minute, Submission, TierRuleSet


def decision_queue(*, user):
    """Open submissions whose next step the user may record, oldest first."""

    open_ones = (
        visible_to(user, Submission.objects.filter(status=Submission.Status.OPEN))
        .select_related("project__landing_unit", "project__investor")
        .prefetch_related("steps")
        .order_by("submitted_at")
    )
    queue = []
    for submission in open_ones:
        taken = {s.step for s in submission.steps.all()}
        step = next((s for s in submission.chain if s not in taken), None)
        if step is not None and can(user, "decision.record", (submission.project, step)):
            queue.append({"submission": submission, "step": step})
    return queue


def minute_list(*, user, q=""):
    qs = visible_to(user, Minute.objects.select_related("project", "superseded_by", "supersedes"))
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(project__name__icontains=q)
            | Q(project__code__icontains=q)
            | Q(conclusion__icontains=q)
            | Q(terms__clause__icontains=q)
        ).distinct()
    return qs.order_by("-meeting_date", "-id")


def tier_rule_sets(*, user):
    return visible_to(user, TierRuleSet.objects.all())


# Who may sit in an evaluation group: business staff (decisions.services.evaluation_member_add holds every door to it).
MEMBER_ROLES = (Role.EVALUATOR, Role.LANDING, Role.BUREAU, Role.CENTRE)


def member_candidates(*, user, project):
    """Who may be proposed for the project's evaluation group: business staff outside the attracting unit.
    Only those who form the group (evaluation.manage) see this list of people."""
    require(user, "evaluation.manage", project)
    return (
        User.objects.filter(is_active=True, groups__name__in=MEMBER_ROLES)
        .exclude(unit=project.attracting_unit_id)
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "username")
    )
