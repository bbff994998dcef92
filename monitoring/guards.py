"""The dual contract is the guard for the "signed" and "land supplied" stages."""

from django.utils.translation import gettext_lazy as _

from projects.models import LandMode
from projects.stages import Stage, guard


def _needs_land_contract(project):
    return project.land_mode == LandMode.NEW_LAND


@guard(Stage.SIGNED)
def both_contracts(project):
    missing = []
    if _needs_land_contract(project) and not project.land_contracts.exists():
        missing.append(str(_("no land-transfer contract (资规局)")))
    if not hasattr(project, "performance_agreement"):
        missing.append(str(_("no performance agreement")))
    if missing:
        return _("The dual contract is not signed: %(missing)s.") % {"missing": "、".join(missing)}
    return None


@guard(Stage.LAND_SUPPLIED)
def land_contract_for_supply(project):
    if _needs_land_contract(project) and not project.land_contracts.exists():
        return _("Land is supplied under a land-transfer contract; none is recorded (资规局).")
    return None
