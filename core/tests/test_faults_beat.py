"""Two beat processes started by mistake: each sends every scheduled check, but a check runs once per period
of its schedule (the period travels in the message; the first message claims it in core.ScheduledRun)."""

import datetime
import re
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.utils import timezone

from accounts.tasks import purge_expired_lockouts
from conftest import start_celery, stop_celery
from core.models import ScheduledRun, TaskRun
from core.schedules import PERIOD_HEADER, every, occurrence
from core.tests.faults import start_beat, wait_for
from monitoring.tasks import check_milestones

SHANGHAI = ZoneInfo("Asia/Shanghai")
TASK = "monitoring.tasks.check_milestones"


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("schedule", "now", "period"),
    [
        # The nightly checks: that night's 02:00, however late the beat sends it; before 02:00, the night before.
        (crontab(minute=0, hour=2), at(2026, 5, 7, 2, 0, 0, 300), at(2026, 5, 7, 2, 0)),
        (crontab(minute=0, hour=2), at(2026, 5, 7, 9, 41), at(2026, 5, 7, 2, 0)),
        (crontab(minute=0, hour=2), at(2026, 5, 7, 1, 59), at(2026, 5, 6, 2, 0)),
        # The monthly reports: the first of the month at 06:00.
        (crontab(minute=0, hour=6, day_of_month=1), at(2026, 5, 20, 8, 0), at(2026, 5, 1, 6, 0)),
        (crontab(minute=0, hour=6, day_of_month=1), at(2026, 3, 1, 5, 0), at(2026, 2, 1, 6, 0)),
        # Every ten minutes; and a weekly schedule (Monday).
        (crontab(minute="*/10"), at(2026, 5, 7, 14, 37, 12), at(2026, 5, 7, 14, 30)),
        (crontab(minute=0, hour=3, day_of_week=1), at(2026, 5, 7, 12, 0), at(2026, 5, 4, 3, 0)),
        # Every N seconds on the clock's multiples (tests and demos).
        (every(5), at(2026, 5, 7, 14, 37, 12, 900), at(2026, 5, 7, 14, 37, 10)),
    ],
)
def test_the_period_is_the_schedules_latest_time(schedule, now, period):
    assert occurrence(schedule, now) == period


def _send(task, period, celery_id=None):
    return task.apply(task_id=celery_id or str(uuid.uuid4()), headers={PERIOD_HEADER: period.isoformat()})


def test_a_second_send_for_the_same_period_is_skipped_and_recorded(db, city):
    night = at(2026, 5, 7, 2, 0)
    first = _send(check_milestones, night)
    _send(check_milestones, night)
    _send(check_milestones, night + datetime.timedelta(days=1))
    runs = list(TaskRun.objects.filter(task=TASK).order_by("id"))
    assert [run.outcome for run in runs] == ["success", "skipped", "success"]
    assert runs[1].counts == {"period": "2026-05-07 02:00:00"}
    assert ScheduledRun.objects.get(task=TASK, period=night).celery_id == first.id
    # Sent by hand ("run check now"): no period, no guard.
    check_milestones.apply()
    assert TaskRun.objects.filter(task=TASK, outcome="success").count() == 3


def test_a_retry_or_redelivery_of_the_claiming_message_still_runs(db, city):
    night = at(2026, 5, 7, 2, 0)
    _send(check_milestones, night, celery_id="the-message")
    _send(check_milestones, night, celery_id="the-message")
    assert list(TaskRun.objects.filter(task=TASK).values_list("outcome", flat=True)) == ["success", "success"]


def test_a_run_left_running_by_a_lost_worker_is_closed_when_its_task_comes_again(db):
    TaskRun.objects.create(task="accounts.tasks.purge_expired_lockouts", celery_id="lost-one")
    purge_expired_lockouts.apply(task_id="lost-one")
    lost, again = TaskRun.objects.filter(celery_id="lost-one").order_by("id")
    assert lost.outcome == TaskRun.Outcome.FAILURE and "WorkerLost" in lost.error and lost.finished_at
    assert again.outcome == TaskRun.Outcome.SUCCESS


@pytest.mark.worker
def test_two_beat_processes_run_each_scheduled_check_once_per_period(transactional_db, city, tmp_path):
    env = {"CIZHOU_BEAT_EVERY_SECONDS": "2", "CIZHOU_BEAT_ONLY": "check-milestones"}
    worker, _log = start_celery(log_name="two-beats-worker")
    logs = [tmp_path / "beat-1.log", tmp_path / "beat-2.log"]
    beats = [start_beat(tmp_path / f"schedule-{i}", env, log) for i, log in enumerate(logs)]

    def sends():
        return sum(len(re.findall(r"Sending due task check-milestones", log.read_text())) for log in logs)

    try:
        # Both beats are sending: some periods have been sent twice.
        wait_for(
            lambda: TaskRun.objects.filter(task=TASK, outcome="skipped").count() >= 2,
            timeout=90,
            what="two beats to send the same periods",
        )
    finally:
        for beat in beats:
            beat.terminate()
        for beat in beats:
            beat.wait(timeout=30)
    try:
        sent = sends()
        wait_for(
            lambda: TaskRun.objects.filter(task=TASK).exclude(outcome="running").count() == sent,
            what="the worker to take every message sent",
        )
        time.sleep(0.5)
    finally:
        stop_celery(worker)

    assert all("Sending due task check-milestones" in log.read_text() for log in logs)  # both beats sent
    claims = ScheduledRun.objects.filter(task=TASK)
    successes = TaskRun.objects.filter(task=TASK, outcome="success")
    skipped = TaskRun.objects.filter(task=TASK, outcome="skipped")
    assert successes.count() == claims.count() >= 2  # one run per period
    assert sorted(successes.values_list("celery_id", flat=True)) == sorted(claims.values_list("celery_id", flat=True))
    assert successes.count() + skipped.count() == sent  # every send is accounted for
    claimed = {timezone.localtime(claim.period).strftime("%Y-%m-%d %H:%M:%S") for claim in claims}
    assert {run.counts["period"] for run in skipped} <= claimed
