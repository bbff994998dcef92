from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule


@rule("oversight.view", writes=False)
def view_portal(user, obj):
    if has_role(user, Role.NPC_DEPUTY, Role.LEADER, Role.CENTRE):
        return allow()
    return deny(_("The oversight portal is for NPC deputies."))
