"""The conditions this app knows for entering a stage. Later apps add theirs the same way."""

from django.utils.translation import gettext_lazy as _

from projects.models import LandMode
from projects.stages import Stage, guard


@guard(Stage.LAND_SUPPLIED)
def parcel_allocated(project):
    if (
        project.land_mode == LandMode.NEW_LAND
        and not project.allocations.filter(parcel__isnull=False, released_at__isnull=True).exists()
    ):
        return _("No land parcel is allocated to the project yet (resource library, 资规局).")
    return None


@guard(Stage.CONSTRUCTION)
def filed(project):
    if not project.filings.exists():
        return _("The project has no national project code yet (filing by 发改局).")
    return None


@guard(Stage.IN_PRODUCTION)
def production_date(project):
    if project.production_start_date is None:
        return _("The production start date is missing.")
    return None
