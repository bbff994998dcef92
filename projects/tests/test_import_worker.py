"""The import's check and run happen in a real Celery worker, with the outcome on the page."""

import time

import pytest

from audit.models import AuditEntry
from projects.models import ImportJob, Project
from projects.tests.test_excel import row, upload, workbook


def _wait(job, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"The import stayed {job.status} for {timeout} s")


@pytest.mark.worker
def test_a_real_worker_checks_then_imports_the_file(transactional_db, city, client_for, celery_worker_process):
    client = client_for("centre")
    response = client.post("/projects/import/", {"file": upload(workbook([row(1), row(2), row(3)]))})
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])

    _wait(job, {ImportJob.Status.CHECKED, ImportJob.Status.REFUSED, ImportJob.Status.FAILED})
    assert job.status == ImportJob.Status.CHECKED, (job.message, job.errors)
    assert job.rows == 3 and Project.objects.count() == 0
    assert 'data-testid="confirm-import"' in client.get(f"/projects/import/{job.pk}/").content.decode()

    client.post(f"/projects/import/{job.pk}/confirm/")
    _wait(job, {ImportJob.Status.DONE, ImportJob.Status.REFUSED, ImportJob.Status.FAILED})
    assert job.status == ImportJob.Status.DONE
    assert Project.objects.count() == 3
    # Done by the worker, recorded as done by the one who imported, as the page would have.
    project = Project.objects.first()
    assert project.history.earliest().history_user.username == "centre"
    created = AuditEntry.objects.get(model_label="projects.Project", object_id=str(project.pk), action="create")
    assert created.actor_username == "centre"
