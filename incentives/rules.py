from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from incentives.models import ClawBack, CommitmentItem, LedgerEntry, Refusal, Request
from projects.rules import BUSINESS_ROLES, is_bureau, projects_visible


def _visible_projects(user):
    from projects.models import Project

    return projects_visible(user, Project.objects.all())


@scope(CommitmentItem)
def items_visible(user, queryset):
    return queryset.filter(project__in=_visible_projects(user))


@scope(Request)
def requests_visible(user, queryset):
    return queryset.filter(item__project__in=_visible_projects(user))


@scope(Refusal)
def refusals_visible(user, queryset):
    return queryset.filter(project__in=_visible_projects(user))


@scope(ClawBack)
def clawbacks_visible(user, queryset):
    return queryset.filter(project__in=_visible_projects(user))


@scope(LedgerEntry)
def ledger_visible(user, queryset):
    from django.db.models import Q

    projects = _visible_projects(user)
    return queryset.filter(Q(item__project__in=projects) | Q(clawback__project__in=projects))


def is_finance(user):
    return is_bureau(user, Unit.Bureau.FINANCE)


@rule("incentives.view", writes=False)
def view_incentives(user, obj):
    if has_role(user, *BUSINESS_ROLES):
        return allow()
    return deny(_("Your role does not work with incentives."))


@rule("fund.manage", writes=True)
def manage_fund(user, obj):
    if is_finance(user):
        return allow()
    return deny(_("The policy reward fund is budgeted by the Finance Bureau."))


@rule("policy.manage", writes=True)
def manage_policy(user, obj):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Policies and their clauses are kept by the centre."))


@rule("commitment.manage", writes=True)
def manage_commitment(user, project):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Incentive commitments are made by the centre."))


@rule("request.file", writes=True)
def file_request(user, item):
    if (
        has_role(user, Role.LANDING)
        and item is not None
        and user.unit_id is not None
        and item.project.landing_unit_id == user.unit_id
    ):
        return allow()
    return deny(_("A disbursement request is filed by the project's landing unit."))


@rule("request.review", writes=True)
def review_request(user, request):
    if not has_role(user, Role.CENTRE):
        return deny(_("Requests are reviewed by the centre."))
    if request is not None and request.filed_by_id == user.pk:
        return deny(_("Nobody reviews a request they filed."))
    return allow()


@rule("request.pay", writes=True)
def pay_request(user, request):
    if is_finance(user):
        return allow()
    return deny(_("Only the Finance Bureau pays."))


@rule("clawback.repay", writes=True)
def record_repayment(user, clawback):
    if is_finance(user):
        return allow()
    return deny(_("Repayments are recorded by the Finance Bureau."))
