"""Helpers for tasks: every task run is recorded with its outcome and counts."""

import functools
import inspect

from django.utils import timezone

from core.models import TaskRun


def tracked(func):
    """Record a TaskRun around a task body; the body returns a dict of counts. A body with a ``run``
    parameter receives its TaskRun (to tag what it creates)."""
    wants_run = "run" in inspect.signature(func).parameters

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        name = f"{func.__module__}.{func.__name__}"
        run = TaskRun.objects.create(task=name)
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
