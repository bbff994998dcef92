"""The projects' tally (per landing unit, stage and tier), counted again wherever a project's unit, stage or
tier changes, whichever door saved it (``core.tallies``)."""

from django.db.models.signals import post_delete, post_init, post_save

from core import tallies
from projects.models import Project, StageTally

tallies.register(
    "stages", model=StageTally, source=lambda: Project.objects.all(), unit_path="landing_unit", keys=("stage", "tier")
)


def _key(project):
    fields = project.__dict__  # never a query: a deferred field is simply not there
    return fields.get("landing_unit_id"), fields.get("stage"), fields.get("tier")


def _loaded(sender, instance, **kwargs):
    instance._tally_key = _key(instance)


def _saved(sender, instance, created=False, **kwargs):
    before = None if created else getattr(instance, "_tally_key", None)
    now = _key(instance)
    if before == now:
        return
    if before is not None and before[0] != now[0]:
        # Moved to another unit: its findings and grades move with it.
        tallies.recount(tallies.names(), {before[0], now[0]})
    else:
        tallies.recount(["stages"], {now[0]})
    instance._tally_key = now


def _deleted(sender, instance, **kwargs):
    tallies.recount(tallies.names(), {instance.landing_unit_id})


post_init.connect(_loaded, sender=Project, dispatch_uid="projects_tally_loaded")
post_save.connect(_saved, sender=Project, dispatch_uid="projects_tally_saved")
post_delete.connect(_deleted, sender=Project, dispatch_uid="projects_tally_deleted")
