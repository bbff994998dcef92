"""The monitoring tallies: active findings per unit, owner and severity, and grades per unit, year and grade
(``core.tallies``). A finding saved through any door recounts its project's unit; the set-based checks
refresh the tallies they changed at their end."""

from django.db.models.signals import post_delete, post_init, post_save

from core import tallies
from monitoring.checks import ACTIVE
from monitoring.models import AnnualGrade, Finding, FindingTally, GradeTally
from projects.models import Project

tallies.register(
    "findings",
    model=FindingTally,
    source=lambda: Finding.objects.filter(status__in=ACTIVE),
    unit_path="project__landing_unit",
    keys=("owner", "severity"),
)
tallies.register(
    "grades",
    model=GradeTally,
    source=lambda: AnnualGrade.objects.all(),
    unit_path="project__landing_unit",
    keys=("year", "grade"),
)


def _key(finding):
    fields = finding.__dict__
    return fields.get("status") in ACTIVE, fields.get("owner_id"), fields.get("severity")


def _loaded(sender, instance, **kwargs):
    instance._tally_key = _key(instance)


def _recount(finding):
    unit = Project.objects.filter(pk=finding.project_id).values_list("landing_unit", flat=True).first()
    tallies.recount(["findings"], {unit})


def _saved(sender, instance, created=False, **kwargs):
    now = _key(instance)
    if created and not now[0]:
        return
    if not created and getattr(instance, "_tally_key", None) == now:
        return
    _recount(instance)
    instance._tally_key = now


def _deleted(sender, instance, **kwargs):
    _recount(instance)


post_init.connect(_loaded, sender=Finding, dispatch_uid="monitoring_tally_loaded")
post_save.connect(_saved, sender=Finding, dispatch_uid="monitoring_tally_saved")
post_delete.connect(_deleted, sender=Finding, dispatch_uid="monitoring_tally_deleted")
