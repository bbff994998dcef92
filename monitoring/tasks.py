from celery import shared_task

from core.tasks import tracked
from monitoring import checks

# Every compliance check: acknowledged only when done (a worker lost mid-run means it runs again; the checks
# are idempotent), retried on failure after 2, 4, 8, 16 and 32 seconds, then recorded as failed.
CHECK_TASK = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": False,
    "max_retries": 5,
}


@shared_task(**CHECK_TASK)
@tracked
def check_missing_data(year=None, *, run):
    """Open a finding for every supervised project whose indicator data for the year is incomplete."""
    return checks.check_missing_data(year=year or checks.last_complete_year(), run=run)


@shared_task(**CHECK_TASK)
@tracked
def check_disguised_resale(*, run):
    """Screen equity changes for land resale disguised as an equity transfer."""
    return checks.check_disguised_resale(run=run)


@shared_task(**CHECK_TASK)
@tracked
def check_milestones(*, run):
    """Open findings for contract milestones overdue or approaching."""
    return checks.check_milestones(run=run)


@shared_task(**CHECK_TASK)
@tracked
def check_grading(year=None, *, run):
    """Grade the supervised projects for the year, open C/D findings, end supervision after year 7."""
    return checks.check_grading(year=year or checks.last_complete_year(), run=run)
