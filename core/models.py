from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """One run of a Celery task: when it ran, how it ended and what it counted."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Succeeded")
        FAILURE = "failure", _("Failed")

    task = models.CharField(_("task"), max_length=200, db_index=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The Celery task's id and which retry this is (0: the first attempt); empty when run outside Celery.
    celery_id = models.CharField(_("Celery task id"), max_length=64, blank=True, db_index=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")

    def __str__(self):
        return f"{self.task} @ {self.started_at:%Y-%m-%d %H:%M}"
