"""The Celery app. The beat schedule is declared here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cizhou_invest.settings.dev")

app = Celery("cizhou_invest")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "check-milestones": {
        "task": "monitoring.tasks.check_milestones",
        "schedule": crontab(minute=0, hour=2),
    },
    "grade-supervised-projects": {
        "task": "monitoring.tasks.check_grading",
        "schedule": crontab(minute=20, hour=2),
    },
    "open-incentive-clawbacks": {
        "task": "incentives.tasks.open_clawbacks",
        "schedule": crontab(minute=25, hour=2),
    },
    "check-disguised-land-resale": {
        "task": "monitoring.tasks.check_disguised_resale",
        "schedule": crontab(minute=30, hour=2),
    },
    "check-missing-indicator-data": {
        "task": "monitoring.tasks.check_missing_data",
        "schedule": crontab(minute=15, hour=2),
    },
    "refresh-assessment-summary": {
        "task": "assessment.tasks.refresh_summary",
        "schedule": crontab(minute=45, hour=2),
    },
    "refresh-dashboard-tallies": {
        "task": "assessment.tasks.refresh_tallies",
        "schedule": crontab(minute=50, hour=2),
    },
    "publish-assessment-reports": {
        "task": "assessment.tasks.publish_due_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    "verify-audit-chain": {
        "task": "audit.tasks.verify_chain",
        "schedule": crontab(minute=10, hour=3),
    },
    "purge-expired-lockouts": {
        "task": "accounts.tasks.purge_expired_lockouts",
        "schedule": crontab(minute="*/10"),
    },
    # Tasks whose user action committed while the broker was down, sent once it is back.
    "drain-outbox": {
        "task": "core.tasks.drain_outbox",
        "schedule": 30.0,
    },
}

# For tests and demos only: run every scheduled entry each N seconds, on the clock's multiples of N (the same
# entries, the same tasks); and keep only the entries named in CIZHOU_BEAT_ONLY (comma-separated).
if os.environ.get("CIZHOU_BEAT_EVERY_SECONDS"):
    from core.schedules import every

    for entry in app.conf.beat_schedule.values():
        entry["schedule"] = every(float(os.environ["CIZHOU_BEAT_EVERY_SECONDS"]))
if os.environ.get("CIZHOU_BEAT_ONLY"):
    _only = set(os.environ["CIZHOU_BEAT_ONLY"].split(","))
    app.conf.beat_schedule = {name: e for name, e in app.conf.beat_schedule.items() if name in _only}
