"""Projects in Excel: the import (upload, preview, confirm), its template, and the list's export."""

import contextlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scoping import require
from projects import excel, selectors
from projects.forms import ProjectFilterForm
from projects.models import LandMode

PREVIEW_ROWS = 50
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A previewed file nobody confirmed is deleted after a day.
PENDING_SECONDS = 24 * 60 * 60


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return uploaded


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$")


class ExportFilterForm(ProjectFilterForm):
    """The list's filters, and the land mode."""

    land_mode = forms.ChoiceField(required=False, choices=[("", "")] + LandMode.choices)


def _pending_path(user, token):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{user.pk}-{token}.xlsx"


def _keep_for_confirmation(user, uploaded):
    token = secrets.token_hex(16)
    path = _pending_path(user, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_SECONDS
    for stale in path.parent.glob("*.xlsx"):
        with contextlib.suppress(FileNotFoundError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return token


def _refused(refused):
    return {"errors": refused.row_errors, "summary": refused.message, "form": UploadForm()}


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request):
    require(request.user, "project.create")
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            outcome = excel.import_projects(actor=request.user, fileobj=uploaded, dry_run=True)
        except excel.ImportRefused as refused:
            context.update(_refused(refused))
        else:
            context.update(
                headers=excel.HEADERS,
                preview=[(row.number, excel.preview_cells(row)) for row in outcome.rows[:PREVIEW_ROWS]],
                total=outcome.projects_created,
                companies=outcome.companies_created,
                token=_keep_for_confirmation(request.user, uploaded),
            )
    return render(request, "projects/import.html", context)


def _confirm(request):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    path = _pending_path(request.user, form.cleaned_data["token"])
    # Claimed by renaming, so a double click imports the file once: the second click finds nothing.
    claimed = path.with_suffix(".importing")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        raise Http404 from None
    try:
        with claimed.open("rb") as fileobj:
            outcome = excel.import_projects(actor=request.user, fileobj=fileobj)
    except excel.ImportRefused as refused:
        return render(request, "projects/import.html", _refused(refused))
    finally:
        claimed.unlink(missing_ok=True)
    messages.success(
        request,
        " ".join(
            [
                ngettext("%(count)d project imported.", "%(count)d projects imported.", outcome.projects_created)
                % {"count": outcome.projects_created},
                ngettext(
                    "%(count)d new investor registered.",
                    "%(count)d new investors registered.",
                    outcome.companies_created,
                )
                % {"count": outcome.companies_created},
            ]
        ),
    )
    return redirect("projects:list")


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def import_template(request):
    require(request.user, "projects.view")
    return _xlsx(excel.build_template(), "项目导入模板.xlsx")


@never_cache
@login_required
@require_GET
def project_export(request):
    require(request.user, "projects.view")
    # As the list does: the filters of a valid form, else none.
    form = ExportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(user=request.user, filters=filters)
    return _xlsx(excel.export_projects(projects), f"项目清单-{timezone.localdate():%Y%m%d}.xlsx")
