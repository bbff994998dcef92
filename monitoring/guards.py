"""The dual contract is the guard for the "signed" and "land supplied" stages."""

from django.utils import timezone
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


@guard(Stage.SUPERVISION_ENDED)
def seven_years_over(project):
    """Supervision runs to the end of the 7th year after production starts (year 1 is the start year)."""
    if project.production_start_date is None:
        return _("The project has no production start date.")
    last = project.production_start_date.year + 6
    if timezone.localdate().year <= last:
        return _("Supervision runs until the end of %(year)s, the 7th year after production started.") % {"year": last}
    return None
