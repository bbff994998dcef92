"""Excel imports as worker jobs: upload → check (a trial run) → confirm → import, with progress."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import require
from audit.services import acting_as
from core import outbox
from core.errors import ApplicationError
from projects import excel
from projects.models import ImportJob

PREVIEW_ROWS = 50


@dataclass(frozen=True)
class ImportKind:
    """What one kind of import needs: who may start it, the importer the worker runs, how its outcome is
    recorded on the job (rows, counts, preview cells of a row) and the headers of the preview."""

    permission: str
    importer: Callable  # (actor, fileobj, dry_run, progress) -> outcome; raises excel.ImportRefused
    record: Callable  # (job, outcome) -> None: rows, counts
    preview: Callable  # (row) -> cells
    headers: list
    upload_url: str  # where another file is uploaded
    done_url: str  # where the imported data is seen


def _record_projects(job, outcome):
    job.rows, job.companies_new = outcome.projects_created, outcome.companies_created


KINDS = {
    ImportJob.Kind.PROJECTS: ImportKind(
        permission="project.create",
        importer=excel.import_projects,
        record=_record_projects,
        preview=excel.preview_cells,
        headers=excel.HEADERS,
        upload_url="projects:import",
        done_url="projects:list",
    )
}


def register(kind, import_kind):
    """Another app's import (monitoring registers its indicator data in its AppConfig.ready)."""
    KINDS[kind] = import_kind


def job_path(job):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{job.user_id}-{job.token}.xlsx"


def _progress_key(job_id):
    return f"import-progress-{job_id}"


def job_progress(job):
    """{"done": n, "total": m} while the worker runs the job (kept in the cache: the import's own
    transaction is invisible to other connections until it commits)."""
    return cache.get(_progress_key(job.pk)) or {"done": 0, "total": job.rows or 0}


@transaction.atomic
def import_job_start(*, actor, uploaded, kind=ImportJob.Kind.PROJECTS):
    from projects.tasks import import_check

    require(actor, KINDS[kind].permission)
    job = ImportJob.objects.create(
        kind=kind, user=actor, token=secrets.token_hex(16), original_name=Path(uploaded.name).name[:200]
    )
    path = job_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    outbox.enqueue(import_check, job.pk)  # sent when this transaction commits, or later if the broker is down
    return job


@transaction.atomic
def import_job_confirm(*, actor, job):
    from projects.tasks import import_run

    require(actor, KINDS[job.kind].permission)
    # A conditional update: a double click confirms once.
    claimed = ImportJob.objects.filter(pk=job.pk, user=actor, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING, finished_at=None
    )
    if not claimed:
        raise ApplicationError(_("This import is not waiting for confirmation."), status_code=409)
    outbox.enqueue(import_run, job.pk)


def run_job(job_id, *, dry_run):
    """The worker's part: check or import the job's file, recording the outcome on the job."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    # The same message delivered again (its worker died before acknowledging it) finds the job done: no-op.
    if job.status != (ImportJob.Status.CHECKING if dry_run else ImportJob.Status.IMPORTING):
        return {"rows": job.rows, "errors": len(job.errors), "status": job.status, "repeated": True}
    path = job_path(job)
    kind = KINDS[job.kind]

    def progress(done, total):
        cache.set(_progress_key(job.pk), {"done": done, "total": total}, 3600)

    try:
        with path.open("rb") as fileobj, acting_as(job.user):
            outcome = kind.importer(actor=job.user, fileobj=fileobj, dry_run=dry_run, progress=progress)
    except excel.ImportRefused as refused:
        job.status = ImportJob.Status.REFUSED
        job.errors = [list(error) for error in refused.row_errors]
        job.message = refused.message
    except Exception as exc:  # noqa: BLE001 - recorded on the job for the user, then re-raised for the run record
        job.status, job.message = ImportJob.Status.FAILED, str(exc)[:1000]
        job.finished_at = timezone.now()
        job.save()
        raise
    else:
        kind.record(job, outcome)
        if dry_run:
            job.status = ImportJob.Status.CHECKED
            job.preview = [
                [row.number, ["" if cell is None else str(cell) for cell in kind.preview(row)]]
                for row in outcome.rows[:PREVIEW_ROWS]
            ]
        else:
            job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.REFUSED):
        path.unlink(missing_ok=True)
    return {"rows": job.rows, "errors": len(job.errors), "status": job.status}
