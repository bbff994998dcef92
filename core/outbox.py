"""The transactional outbox: every door enqueues its tasks here instead of calling ``.delay()``.

A message is a row written in the transaction of the user action that asks for it, so the action commits
whether the broker is up or not. After the commit the row is sent at once; if the broker is down it stays
unsent (with its error) and the beat's ``core.tasks.drain_outbox`` sends it when the broker is back. A row is
sent under a row lock, once: the on-commit sender and a drain never both send it.
"""

import datetime
import logging
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

SENT, SKIPPED, FAILED = "sent", "skipped", "failed"
# After one message sent on commit, older unsent ones go with it (the broker is evidently back).
CATCH_UP = 20
KEEP_SENT = datetime.timedelta(days=7)


def enqueue(task, *args, **kwargs):
    """Queue ``task`` (a Celery task or its name) with JSON-serialisable arguments, in the current
    transaction; it is sent when that transaction commits."""
    message = OutboxMessage.objects.create(
        task=task if isinstance(task, str) else task.name, args=list(args), kwargs=kwargs
    )
    transaction.on_commit(partial(_send_after_commit, message.pk), robust=True)
    return message


def _send_after_commit(pk):
    with broker_connection() as connection:
        outcome = send(pk, connection=connection)
    if outcome == SENT and OutboxMessage.objects.filter(sent_at__isnull=True, pk__lt=pk).exists():
        drain(limit=CATCH_UP)


def broker_connection():
    """A connection to the broker that fails at once when the broker is down (no reconnection loop: the
    user's request does not wait for it, and the drain tries again later)."""
    from cizhou_invest.celery import app

    return app.connection_for_write(transport_options={"max_retries": 0})


def send(pk, *, connection=None):
    """Publish one message if it is still unsent and no one else is sending it: SENT, SKIPPED or FAILED."""
    from cizhou_invest.celery import app

    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True).first()
        if message is None:
            return SKIPPED
        options = {"task_id": str(message.task_id), "retry": False, "connection": connection}
        task = app.tasks.get(message.task)
        try:
            if task is None:  # not imported in this process: by name (the worker knows it)
                app.send_task(message.task, args=message.args, kwargs=message.kwargs, **options)
            else:  # the task's own options apply (and unit tests' always-eager mode)
                task.apply_async(message.args, message.kwargs, **options)
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row for the drain
            logger.warning("Outbox: could not send %s #%s: %r", message.task, pk, exc)
            OutboxMessage.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=repr(exc)[:2000])
            return FAILED
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
    return SENT


def drain(limit=500):
    """Send the unsent messages, oldest first; stop at the first broker failure. Returns counts."""
    sent = 0
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    with broker_connection() as connection:
        for pk in unsent[:limit]:
            outcome = send(pk, connection=connection)
            if outcome == FAILED:
                break
            sent += outcome == SENT
    return {"sent": sent, "unsent": OutboxMessage.objects.filter(sent_at__isnull=True).count()}
