import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.tasks import purge_expired_lockouts
from cizhou_invest.celery import app
from core.models import TaskRun
from core.tasks import tracked


def _wait_for_run(task, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = TaskRun.objects.filter(task=task).exclude(outcome=TaskRun.Outcome.RUNNING).first()
        if run:
            return run
        time.sleep(0.2)
    raise AssertionError(f"No finished run of {task} within {timeout} s")


@pytest.mark.worker
def test_a_real_worker_runs_the_task_and_records_the_run(transactional_db, celery_worker_process):
    stale = AccessAttempt.objects.create(
        username="old",
        failures_since_start=5,
        ip_address="10.0.0.1",
        user_agent="",
        path_info="/login/",
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.filter(pk=stale.pk).update(attempt_time=timezone.now() - timedelta(hours=1))
    AccessAttempt.objects.create(
        username="fresh",
        failures_since_start=5,
        ip_address="10.0.0.2",
        user_agent="",
        path_info="/login/",
        get_data="",
        post_data="",
    )

    purge_expired_lockouts.delay()

    run = _wait_for_run("accounts.tasks.purge_expired_lockouts")
    assert run.outcome == TaskRun.Outcome.SUCCESS
    assert run.counts == {"deleted": 1}
    assert run.finished_at >= run.started_at
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["fresh"]


def test_a_failing_task_records_its_failure(db):
    @tracked
    def explode():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        explode()
    run = TaskRun.objects.get()
    assert run.outcome == TaskRun.Outcome.FAILURE
    assert "boom" in run.error


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


def test_task_runs_are_listed_for_the_centre(city, client_for, db):
    TaskRun.objects.create(task="accounts.tasks.purge_expired_lockouts", outcome="success", counts={"deleted": 2})
    page = client_for("centre").get("/tasks/")
    assert "deleted=2" in page.content.decode()
    assert client_for("town_a").get("/tasks/").status_code == 403
