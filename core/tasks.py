"""Helpers for tasks: every task run is recorded with its outcome and counts; a scheduled task runs once per
period of its schedule; the outbox is drained by the beat."""

import datetime
import functools
import inspect
import logging

from celery import current_task, shared_task
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage, ScheduledRun, TaskRun
from core.schedules import PERIOD_HEADER

logger = logging.getLogger(__name__)

# Stored like the other errors (a technical record, in English).
LOST = "WorkerLost: the worker died during this run; the task was delivered again."


def _period(request):
    """The period a beat sent this task for (see core.schedules), or None when it was not sent by the beat."""
    headers = getattr(request, "headers", None) or {}
    value = headers.get(PERIOD_HEADER) or getattr(request, PERIOD_HEADER, None)
    return datetime.datetime.fromisoformat(value) if value else None


def _claim(task, period, celery_id):
    """Whether this message may run ``task`` for ``period``: the first message to claim the period, and its own
    retries and redeliveries (same Celery id), may; another send of the same period (a second beat) may not."""
    ScheduledRun.objects.bulk_create(
        [ScheduledRun(task=task, period=period, celery_id=celery_id)], ignore_conflicts=True
    )  # INSERT ... ON CONFLICT DO NOTHING: concurrent claims leave one row
    owner = ScheduledRun.objects.filter(task=task, period=period).values_list("celery_id", flat=True).first()
    return owner == celery_id


def tracked(func):
    """Record a TaskRun around a task body; the body returns a dict of counts. A body with a ``run``
    parameter receives its TaskRun (to tag what it creates). A task sent by the beat for a period that
    another send has already claimed is recorded as skipped and does not run."""
    wants_run = "run" in inspect.signature(func).parameters

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        name = f"{func.__module__}.{func.__name__}"
        request = getattr(current_task, "request", None)
        celery_id = getattr(request, "id", None) or ""
        attempt = (getattr(request, "retries", 0) or 0) + 1
        period = _period(request) if celery_id else None
        if period is not None and not _claim(name, period, celery_id):
            logger.warning("%s for %s was sent again (two beats?); skipped", name, period)
            TaskRun.objects.create(
                task=name,
                celery_id=celery_id,
                attempt=attempt,
                outcome=TaskRun.Outcome.SKIPPED,
                finished_at=timezone.now(),
                counts={"period": timezone.localtime(period).strftime("%Y-%m-%d %H:%M:%S")},
            )
            return {"skipped": True}
        if celery_id:
            # The same message again while an earlier run of it is still "running": that worker died mid-run.
            TaskRun.objects.filter(celery_id=celery_id, outcome=TaskRun.Outcome.RUNNING).update(
                outcome=TaskRun.Outcome.FAILURE, finished_at=timezone.now(), error=LOST
            )
        run = TaskRun.objects.create(task=name, celery_id=celery_id, attempt=attempt)
        if wants_run:
            kwargs["run"] = run
        try:
            counts = func(*args, **kwargs) or {}
        except Exception as exc:
            TaskRun.objects.filter(pk=run.pk).update(
                outcome=TaskRun.Outcome.FAILURE, finished_at=timezone.now(), error=repr(exc)[:2000]
            )
            raise
        TaskRun.objects.filter(pk=run.pk).update(
            outcome=TaskRun.Outcome.SUCCESS, finished_at=timezone.now(), counts=counts
        )
        return counts

    return wrapper


@shared_task
def drain_outbox():
    """Send the outbox messages left unsent while the broker was down (every 30 s, from the beat); forget the
    messages sent more than a week ago (their runs are in TaskRun, under the same Celery id)."""
    counts = outbox.drain()
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - outbox.KEEP_SENT).delete()
    if counts["sent"]:
        logger.info("Outbox: sent %(sent)d message(s), %(unsent)d still unsent", counts)
    return counts
