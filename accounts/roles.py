"""The roles of the design (section 1). Each is a Django group named by its value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRE = "centre_staff", _("Centre staff")
    BUREAU = "bureau_staff", _("Bureau staff")
    LANDING = "landing_staff", _("Landing-unit staff")
    EVALUATOR = "evaluator", _("Evaluator")
    LEADER = "leader", _("Leader")
    NPC_DEPUTY = "npc_deputy", _("NPC deputy")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that never change data anywhere (pages, API, admin).
READ_ONLY_ROLES = frozenset({Role.NPC_DEPUTY, Role.AUDIT_ADMIN})
# When a user holds several roles, the first of these decides the home page.
HOME_PRIORITY = [
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.NPC_DEPUTY,
    Role.LEADER,
    Role.CENTRE,
    Role.BUREAU,
    Role.LANDING,
    Role.EVALUATOR,
]
