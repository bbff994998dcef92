from celery import shared_task

from core.tasks import tracked
from monitoring import checks


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked
def check_missing_data(year=None, *, run):
    """Open a finding for every supervised project whose indicator data for the year is incomplete."""
    return checks.check_missing_data(year=year or checks.last_complete_year(), run=run)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked
def check_disguised_resale(*, run):
    """Screen equity changes for land resale disguised as an equity transfer."""
    return checks.check_disguised_resale(run=run)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked
def check_milestones(*, run):
    """Open findings for contract milestones overdue or approaching."""
    return checks.check_milestones(run=run)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
@tracked
def check_grading(year=None, *, run):
    """Grade the supervised projects for the year, open C/D findings, end supervision after year 7."""
    return checks.check_grading(year=year or checks.last_complete_year(), run=run)
