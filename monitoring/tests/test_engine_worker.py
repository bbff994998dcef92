"""The compliance engine on real processes: the beat schedules a check, a worker runs it, the run is
recorded; a failing check is retried by the worker until it succeeds."""

import time

import pytest

from accounts.models import Unit
from conftest import start_celery, stop_celery
from core.models import TaskRun
from monitoring.tasks import check_missing_data

pytestmark = pytest.mark.worker


def _wait_for(condition, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"Waited {timeout} s for {what}")


def test_the_beat_schedules_the_checks_and_a_worker_runs_and_records_them(transactional_db, city, tmp_path):
    from django.conf import settings

    assert settings.CELERY_BROKER_URL.startswith("redis://")  # the test Redis, as in production
    proc, log = start_celery(
        "-B",
        "-s",
        str(tmp_path / "beat-schedule"),
        env_extra={"CIZHOU_BEAT_EVERY_SECONDS": "2"},
        log_name="beat",
    )
    try:
        names = {
            "monitoring.tasks.check_missing_data",
            "monitoring.tasks.check_grading",
            "monitoring.tasks.check_milestones",
            "monitoring.tasks.check_disguised_resale",
        }
        _wait_for(
            lambda: (
                names <= set(TaskRun.objects.filter(outcome=TaskRun.Outcome.SUCCESS).values_list("task", flat=True))
            ),
            what="every scheduled check to run",
        )
    finally:
        stop_celery(proc)
    run = TaskRun.objects.filter(task="monitoring.tasks.check_grading").first()
    assert run.finished_at and run.celery_id and set(run.counts) >= {"examined", "graded", "opened"}
    assert "Scheduler: Sending due task grade-supervised-projects" in log.read_text()


def test_a_failing_check_is_retried_by_the_worker_until_it_succeeds(transactional_db, celery_worker_process):
    # No centre unit yet: the check cannot name the owner of its findings and fails.
    assert not Unit.objects.filter(kind=Unit.Kind.CENTRE).exists()
    check_missing_data.delay(2025)
    failed = _wait_for(
        lambda: TaskRun.objects.filter(task="monitoring.tasks.check_missing_data", outcome="failure").first(),
        what="the first attempt to fail",
    )
    assert "DoesNotExist" in failed.error and failed.attempt == 1
    Unit.objects.create(code="centre", name="投资促进中心", kind=Unit.Kind.CENTRE)
    succeeded = _wait_for(
        lambda: TaskRun.objects.filter(task="monitoring.tasks.check_missing_data", outcome="success").first(),
        what="a retry to succeed",
    )
    assert succeeded.celery_id == failed.celery_id  # the same task, retried
    assert succeeded.attempt > 1
