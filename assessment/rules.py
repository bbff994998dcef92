from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule
from projects.rules import BUSINESS_ROLES


@rule("assessment.view", writes=False)
def view_assessment(user, obj):
    if has_role(user, *BUSINESS_ROLES):
        return allow()
    return deny(_("Your role does not work with the assessment."))


@rule("assessment.detail", writes=False)
def see_unit_detail(user, unit):
    """Every unit's per-metric detail: the centre, the leaders, the deputies and the bureaus; a landing unit
    sees its own, and everyone's rank and total."""
    if has_role(user, Role.CENTRE, Role.LEADER, Role.NPC_DEPUTY, Role.BUREAU):
        return allow()
    if unit is not None and user.unit_id == getattr(unit, "pk", unit):
        return allow()
    return deny(_("Another unit's figures are that unit's."))


@rule("targets.manage", writes=True)
def manage_targets(user, obj):
    return allow() if has_role(user, Role.CENTRE) else deny(_("Targets are set by the centre."))


@rule("report.publish", writes=True)
def publish_report(user, obj):
    return allow() if has_role(user, Role.CENTRE) else deny(_("Reports are published by the centre."))
