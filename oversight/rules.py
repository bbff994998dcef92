from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from oversight.models import Evidence, Measure, MeasureUpdate, Proposal


@rule("oversight.view", writes=False)
def view_portal(user, obj):
    if has_role(user, Role.NPC_DEPUTY, Role.LEADER, Role.CENTRE):
        return allow()
    return deny(_("The oversight portal is for NPC deputies."))


# Proposal follow-up: deputies, leaders and the centre read it; the centre keeps it current.
@rule("proposal.view", writes=False)
def view_proposals(user, obj):
    if has_role(user, Role.NPC_DEPUTY, Role.LEADER, Role.CENTRE):
        return allow()
    return deny(_("The proposal follow-up is for NPC deputies, the leadership and the centre."))


@rule("proposal.manage", writes=True)
def manage_proposals(user, obj):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the investment promotion centre keeps the proposal follow-up."))


def _proposal_readers(user, queryset):
    return queryset if view_proposals(user, None) else queryset.none()


for _model in (Proposal, Measure, MeasureUpdate, Evidence):
    scope(_model)(_proposal_readers)


@rule("confidential.mark", writes=True)
def mark_confidential(user, obj):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the centre marks fields confidential."))
