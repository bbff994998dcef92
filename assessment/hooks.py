"""Keep the summary current: a project signed (or leaving "signed" by a correction) refreshes its year."""

from django.db import transaction
from django.utils import timezone

from projects.stages import Stage, on_enter


@on_enter(Stage.SIGNED)
def refresh_on_signing(project, actor):
    from assessment.services import refresh_summary

    year = timezone.localdate().year
    transaction.on_commit(lambda: refresh_summary(year))
