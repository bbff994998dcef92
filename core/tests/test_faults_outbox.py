"""Redis down: a user action still commits, and the task it asks for is kept in the outbox (written in the
action's own transaction) and sent once the broker is back: the worker then runs it exactly once."""

import ast
import datetime
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conftest import start_celery, stop_celery
from core import outbox
from core.models import OutboxMessage, TaskRun
from core.outbox import KEEP_SENT
from core.tests.faults import Redis, free_port, use_broker, wait_for
from projects.models import ImportJob, Project
from projects.tasks import import_check
from projects.tests.test_excel import row, upload, workbook


@pytest.mark.worker
def test_an_upload_while_redis_is_down_commits_and_its_check_runs_once_when_redis_is_back(
    transactional_db, city, client_for, tmp_path
):
    client = client_for("centre")
    with Redis() as redis, use_broker(redis.url):
        redis.stop()
        started = time.monotonic()
        response = client.post("/projects/import/", {"file": upload(workbook([row(1), row(2), row(3)]))})
        assert response.status_code == 302 and time.monotonic() - started < 5
        job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        assert job.status == ImportJob.Status.CHECKING  # the user's action committed
        message = OutboxMessage.objects.get()
        assert (message.task, message.args) == ("projects.tasks.import_check", [job.pk])
        assert message.sent_at is None and message.attempts == 1 and "Error" in message.last_error

        redis.start()
        # A worker with its beat: the beat's drain sends the message (every second here, every 30 s in production).
        worker, _log = start_celery(
            "-B",
            "-s",
            str(tmp_path / "beat-schedule"),
            env_extra={"REDIS_URL": redis.url, "CIZHOU_BEAT_ONLY": "drain-outbox", "CIZHOU_BEAT_EVERY_SECONDS": "1"},
            log_name="outbox",
        )
        try:
            wait_for(lambda: ImportJob.objects.get(pk=job.pk).status != ImportJob.Status.CHECKING, what="the check")
            job.refresh_from_db()
            assert job.status == ImportJob.Status.CHECKED, (job.message, job.errors)
            # With the broker up, the next action's task is sent when its transaction commits.
            client.post(f"/projects/import/{job.pk}/confirm/")
            wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE, what="the import")
            time.sleep(2)  # two more drains: nothing is sent twice
        finally:
            stop_celery(worker)

    message.refresh_from_db()
    assert message.sent_at is not None
    checks = TaskRun.objects.filter(task="projects.tasks.import_check")
    assert [(run.celery_id, run.outcome) for run in checks] == [(str(message.task_id), TaskRun.Outcome.SUCCESS)]
    assert TaskRun.objects.filter(task="projects.tasks.import_run").count() == 1
    assert Project.objects.count() == 3
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_rolled_back_action_leaves_no_message(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(import_check, 1)
        raise RuntimeError("the action failed")
    assert not OutboxMessage.objects.exists()


def test_the_drain_stops_at_a_broker_that_is_down_and_keeps_the_messages(db):
    first = outbox.enqueue(import_check, 1)
    second = outbox.enqueue("projects.tasks.import_run", 2)
    with use_broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        assert outbox.drain() == {"sent": 0, "unsent": 2}
        assert time.monotonic() - started < 5  # fails fast: no reconnection loop
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)  # stopped at the first failure
    assert first.sent_at is None and "Connection" in first.last_error


def _calls_to(tree, names):
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
    ]


# The demo loader's optional worker sweep is a chain of tasks, run from a management command, not a user action.
NOT_A_DOOR = {"monitoring/demo.py"}
THE_SENDERS = {"core/outbox.py", "core/schedules.py"}


def test_every_door_enqueues_through_the_outbox():
    root = Path(settings.BASE_DIR)
    offenders = []
    apps = [root / "cizhou_invest", *(root / app.split(".")[0] for app in settings.INSTALLED_APPS)]
    for path in {p for app in apps if app.is_dir() for p in app.rglob("*.py")}:
        relative = path.relative_to(root).as_posix()
        if "/tests/" in relative or relative in NOT_A_DOOR or relative in THE_SENDERS:
            continue
        lines = _calls_to(ast.parse(path.read_text()), {"delay", "apply_async", "send_task"})
        offenders += [f"{relative}:{line}" for line in lines]
    assert offenders == [], "enqueue tasks with core.outbox.enqueue, not .delay()/.apply_async()"


def test_the_drain_forgets_messages_sent_more_than_a_week_ago(db):
    from core.tasks import drain_outbox

    week_ago = timezone.now() - KEEP_SENT
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(task="x", sent_at=week_ago - datetime.timedelta(hours=1)),
            OutboxMessage(task="y", sent_at=week_ago + datetime.timedelta(hours=1)),
        ]
    )
    assert drain_outbox.apply().get() == {"sent": 0, "unsent": 0}
    assert list(OutboxMessage.objects.values_list("task", flat=True)) == ["y"]
