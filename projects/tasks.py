from celery import shared_task

from core.tasks import tracked
from projects import imports


@shared_task
@tracked
def import_check(job_id):
    """The trial run of an uploaded file: everything the import would do, rolled back."""
    return imports.run_job(job_id, dry_run=True)


@shared_task
@tracked
def import_run(job_id):
    """The confirmed import, all or nothing."""
    return imports.run_job(job_id, dry_run=False)
