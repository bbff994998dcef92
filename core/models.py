import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """One run of a Celery task: when it ran, how it ended and what it counted."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Succeeded")
        FAILURE = "failure", _("Failed")
        # A scheduled task sent twice for one period (two beats running): the second send does nothing.
        SKIPPED = "skipped", _("Skipped: already run for this period")

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


class ScheduledRun(models.Model):
    """A scheduled task's claim on one period of its schedule (the occurrence it was sent for, e.g. tonight's
    02:00): one row per task and period, so a second beat started by mistake cannot run a check twice. Retries
    and redeliveries of the claiming message (same Celery id) still run."""

    task = models.CharField(_("task"), max_length=200)
    period = models.DateTimeField(_("period"))
    celery_id = models.CharField(_("Celery task id"), max_length=64)
    claimed_at = models.DateTimeField(_("claimed"), auto_now_add=True)

    class Meta:
        ordering = ["-period", "task"]
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="core_scheduledrun_once_per_period")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return f"{self.task} @ {self.period:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """A task to send to the broker, written in the transaction of the user action that asked for it: the
    action commits even when the broker is down, and the message is sent once it is back (on commit, or by the
    beat's drain)."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    # The Celery id the message is sent with, the same on every attempt: its TaskRun carries it.
    task_id = models.UUIDField(_("Celery task id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="core_outbox_unsent"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self):
        return f"{self.task} ({self.sent_at:%Y-%m-%d %H:%M:%S})" if self.sent_at else f"{self.task} (unsent)"
