"""The beat's scheduler: each scheduled task is sent with the period it is for, so a second beat started by
mistake sends the same period again and ``core.tasks.tracked`` runs it once.

The period is the schedule's occurrence the send belongs to: for a nightly crontab at 02:00, that night's
02:00, however late in the night the beat sends it (a beat restarted after a stop sends a missed run late).
"""

import copy
import datetime

from celery.beat import PersistentScheduler
from celery.schedules import crontab, schedstate, schedule

PERIOD_HEADER = "cizhou_period"
MAX_DAYS_BACK = 5 * 366


class every(schedule):  # noqa: N801 - named like Celery's own ``crontab`` and ``schedule``
    """Every ``n`` seconds on the clock's multiples of ``n`` (as a crontab fires on its minutes), so that two
    beats send the same slots. For tests and demos (``CIZHOU_BEAT_EVERY_SECONDS``)."""

    def is_due(self, last_run_at):
        n = self.seconds
        now = self.now().timestamp()
        until_next = n - now % n
        return schedstate(now // n > last_run_at.timestamp() // n, until_next)

    def remaining_estimate(self, last_run_at):
        return datetime.timedelta(seconds=self.seconds - self.now().timestamp() % self.seconds)


def occurrence(sched, now):
    """The latest time at or before ``now`` when ``sched`` fires, or None for a schedule without fixed times."""
    if isinstance(sched, crontab):
        return _last_crontab_time(sched, now)
    if isinstance(sched, schedule) and not sched.relative:
        n = sched.seconds
        return datetime.datetime.fromtimestamp(now.timestamp() // n * n, tz=now.tzinfo)
    return None


def _last_crontab_time(cron, now):
    now = now.astimezone(cron.tz).replace(second=0, microsecond=0)
    hours, minutes = sorted(cron.hour, reverse=True), sorted(cron.minute, reverse=True)
    for back in range(MAX_DAYS_BACK):
        day = now.date() - datetime.timedelta(days=back)
        # Celery counts the days of the week from Sunday = 0.
        if day.month not in cron.month_of_year or day.day not in cron.day_of_month:
            continue
        if day.isoweekday() % 7 not in cron.day_of_week:
            continue
        for hour in hours:
            for minute in minutes:
                when = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=now.tzinfo)
                if when <= now:
                    return when
    return None


class Scheduler(PersistentScheduler):
    """The persistent scheduler, sending each task with its period in a message header."""

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        when = occurrence(entry.schedule, self.app.now())
        if when is not None:
            entry = copy.copy(entry)
            headers = {**(entry.options.get("headers") or {}), PERIOD_HEADER: when.isoformat()}
            entry.options = {**entry.options, "headers": headers}
        return super().apply_async(entry, producer, advance, **kwargs)
