"""A worker killed with SIGKILL in the middle of a task: the task is delivered again and runs again (late
acknowledgement; a lost pool process rejects its task back to the queue), and its effect happens once (the
check's writes are idempotent: INSERT ... ON CONFLICT DO NOTHING).

The kill lands in the worst window: the check's findings are committed, its run recorded, but the message is
not yet acknowledged (``core.tests.faults`` holds it there)."""

import os
import signal
from pathlib import Path

import pytest

from conftest import start_celery, stop_celery
from core.models import TaskRun
from core.tests.faults import HOLD_FLAG, Redis, use_broker, wait_for
from monitoring.models import Finding
from monitoring.tasks import check_missing_data
from monitoring.tests.scale import supervised_projects

pytestmark = pytest.mark.worker
TASK = "monitoring.tasks.check_missing_data"


def _missing_data_findings():
    return Finding.objects.filter(kind=Finding.Kind.MISSING_DATA, period="2025").count()


def _runs(celery_id):
    return list(TaskRun.objects.filter(task=TASK, celery_id=celery_id).order_by("id"))


def _send_and_hold(flag):
    """Send the check; wait until the worker holds it with its effect committed; returns (celery id, pid)."""
    flag.touch()
    celery_id = check_missing_data.delay(2025).id
    held = Path(f"{flag}.held")
    wait_for(held.exists, what="the worker to hold the task")
    [run] = _runs(celery_id)
    assert run.outcome == TaskRun.Outcome.SUCCESS and run.counts["opened"] == 2
    assert _missing_data_findings() == 2
    return celery_id, int(held.read_text())


def _assert_ran_again_with_one_effect(celery_id):
    def ran_again():
        runs = _runs(celery_id)
        return len(runs) == 2 and runs[1].outcome != TaskRun.Outcome.RUNNING and runs

    runs = wait_for(ran_again, what="the task to run again")
    assert [run.outcome for run in runs] == [TaskRun.Outcome.SUCCESS] * 2
    assert runs[1].counts["opened"] == 0  # the second run found the findings there
    assert _missing_data_findings() == 2


def test_a_worker_killed_mid_task_has_its_task_run_again_by_another_worker_with_one_effect(
    transactional_db, city, tmp_path
):
    supervised_projects(city, 8)  # two of eight lack their tax data
    flag = tmp_path / "hold"
    with Redis() as redis, use_broker(redis.url):
        # A short visibility timeout: an unacknowledged task whose worker is gone is delivered again in seconds.
        env = {"REDIS_URL": redis.url, "CELERY_VISIBILITY_TIMEOUT": "2", HOLD_FLAG: str(flag)}
        first, _log = start_celery("-I", "core.tests.faults", env_extra=env, log_name="killed-worker")
        try:
            celery_id, pid = _send_and_hold(flag)
            assert pid == first.pid  # the solo worker itself runs the task
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        second, _log = start_celery("-I", "core.tests.faults", env_extra=env, log_name="next-worker")
        try:
            _assert_ran_again_with_one_effect(celery_id)
        finally:
            stop_celery(second)


def test_a_pool_process_killed_mid_task_puts_its_task_back_and_it_runs_again_with_one_effect(
    transactional_db, city, tmp_path
):
    supervised_projects(city, 8)
    flag = tmp_path / "hold"
    with Redis() as redis, use_broker(redis.url):
        env = {"REDIS_URL": redis.url, HOLD_FLAG: str(flag)}  # the default visibility timeout: an hour
        worker, log = start_celery(
            "-I", "core.tests.faults", "-P", "prefork", "-c", "1", env_extra=env, log_name="prefork-worker"
        )
        try:
            celery_id, pid = _send_and_hold(flag)
            assert pid != worker.pid  # a pool process runs it
            os.kill(pid, signal.SIGKILL)
            _assert_ran_again_with_one_effect(celery_id)  # task_reject_on_worker_lost: back on the queue
            assert "WorkerLostError" in log.read_text()
        finally:
            stop_celery(worker)
