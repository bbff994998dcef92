"""Helpers for tasks: every task run is recorded with its outcome and counts."""

import functools
import inspect

from celery import current_task
from django.utils import timezone

from core.models import TaskRun


def tracked(func):
    """Record a TaskRun around a task body; the body returns a dict of counts. A body with a ``run``
    parameter receives its TaskRun (to tag what it creates)."""
    wants_run = "run" in inspect.signature(func).parameters

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        name = f"{func.__module__}.{func.__name__}"
        request = getattr(current_task, "request", None)
        run = TaskRun.objects.create(
            task=name,
            celery_id=getattr(request, "id", None) or "",
            attempt=(getattr(request, "retries", 0) or 0) + 1,
        )
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
