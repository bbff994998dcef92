"""Projects in Excel: the import (upload, preview, confirm), its template, and the list's export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import get_visible_or_404, require, visible_to
from core.errors import ApplicationError
from projects import excel, imports, selectors
from projects.forms import ProjectFilterForm
from projects.models import ImportJob, LandMode

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        # By its content, not its name: anything but a zip container (a web page, a program) is refused here,
        # before it is stored or handed to the worker.
        head = uploaded.read(len(excel.ZIP_SIGNATURE))
        uploaded.seek(0)
        if head != excel.ZIP_SIGNATURE:
            raise forms.ValidationError(
                _("This is not an Excel workbook (.xlsx). Save it as “Excel Workbook (*.xlsx)” and upload it again.")
            )
        return uploaded


class ExportFilterForm(ProjectFilterForm):
    """The list's filters, and the land mode."""

    land_mode = forms.ChoiceField(required=False, choices=[("", "")] + LandMode.choices)


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request):
    require(request.user, "project.create")
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        job = imports.import_job_start(actor=request.user, uploaded=form.cleaned_data["file"])
        return redirect("projects:import_job", pk=job.pk)
    recent = visible_to(request.user, ImportJob.objects.all())[:10]
    return render(request, "projects/import.html", {"form": form, "recent": recent})


def _job_context(request, job):
    kind = imports.KINDS[job.kind]
    return {
        "job": job,
        "headers": kind.headers,
        "upload_url": kind.upload_url,
        "done_url": kind.done_url,
        "progress": imports.job_progress(job),
        "shown": len(job.preview),
    }


@login_required
@require_GET
def import_job(request, pk):
    job = get_visible_or_404(request.user, ImportJob.objects.all(), pk=pk)
    template = "projects/_import_status.html" if request.htmx else "projects/import_job.html"
    return render(request, template, _job_context(request, job))


@login_required
@require_POST
def import_job_confirm(request, pk):
    job = get_visible_or_404(request.user, ImportJob.objects.all(), pk=pk)
    try:
        imports.import_job_confirm(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("projects:import_job", pk=job.pk)


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
