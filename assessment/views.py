"""The assessment pages: targets and the live ranking, published reports (frozen), their .xlsx."""

import io

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import can, require
from assessment import services
from assessment.forms import TargetForm
from assessment.models import Metric, Report
from core.errors import ApplicationError
from core.forms import apply_errors
from projects.excel import XLSX_CONTENT_TYPE, _style_header


def _visible_detail(user, rows):
    """Each row with ``detail``: whether ``user`` may see its per-metric figures (rank and total are public)."""
    for row in rows:
        row["detail"] = bool(can(user, "assessment.detail", row["unit"]))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    require(request.user, "assessment.view")
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    form = TargetForm(request.POST or None) if can(request.user, "targets.manage") else None
    if request.method == "POST":
        require(request.user, "targets.manage")
        if form.is_valid():
            try:
                services.target_set(actor=request.user, year=year, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The target was set."))
                return redirect(f"{request.path}?year={year}")
    rows = _visible_detail(request.user, services.ranking(year))
    return render(
        request,
        "assessment/overview.html",
        {
            "year": year,
            "rows": rows,
            "metrics": services.metrics(),
            "reports": Report.objects.filter(year=year).select_related("published_by"),
            "may_publish": can(request.user, "report.publish"),
            "kinds": Report.Kind.choices,
            "target_form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def publish(request):
    require(request.user, "report.publish")
    try:
        report = services.report_publish(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            year=int(request.POST.get("year") or 0),
            period=int(request.POST.get("period") or 0),
        )
    except (ApplicationError, KeyError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Choose the report, its year and its period.")))
        return redirect("assessment:overview")
    messages.success(request, _("Published: %(report)s.") % {"report": report})
    return redirect("assessment:report", pk=report.pk)


def _report_metrics(report):
    """The report's own columns (older snapshots, made before they were stored, had the built-ins)."""
    return report.data.get("metrics") or [{"value": m.value, "label": str(m.label)} for m in Metric]


def _report_rows(request, report):
    rows = [dict(row) for row in report.data["rows"]]
    for row in rows:
        row["detail"] = bool(can(request.user, "assessment.detail", row["unit"]))
        if not row["detail"]:
            row["cells"] = []
    return rows


@login_required
@require_GET
def report_detail(request, pk):
    require(request.user, "assessment.view")
    report = get_object_or_404(Report.objects.select_related("supersedes", "published_by"), pk=pk)
    return render(
        request,
        "assessment/report.html",
        {"report": report, "rows": _report_rows(request, report), "metrics": _report_metrics(report)},
    )


@login_required
@require_GET
def report_pdf(request, pk):
    """The report as an official bulletin, with the detail the user may see."""
    from assessment.pdf import TITLES
    from assessment.pdf import report_pdf as render_pdf

    require(request.user, "assessment.view")
    report = get_object_or_404(Report, pk=pk)
    rows, columns = _report_rows(request, report), _report_metrics(report)
    response = HttpResponse(render_pdf(report, rows, columns), content_type="application/pdf")
    name = f"{TITLES[report.kind]}-{report.year}-{report.period}-v{report.version}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


@login_required
@require_GET
def report_xlsx(request, pk):
    """The report as the user may see it: every unit's rank and total, the per-metric detail they may see."""
    require(request.user, "assessment.view")
    report = get_object_or_404(Report, pk=pk)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "排名"
    headers = ["名次", "单位", "总分"]
    for metric in _report_metrics(report):
        label = metric["label"]
        headers += [f"{label}·目标", f"{label}·完成", f"{label}·完成率（%）", f"{label}·得分"]
    sheet.append(headers)
    _style_header(sheet, headers)
    for row in _report_rows(request, report):
        line = [row["rank"], row["unit_name"], float(row["total"])]
        for cell in row["cells"]:
            line += [cell["target"], cell["actual"], cell["completion"], cell["score"]]
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = f"{report.get_kind_display()}-{report.year}-{report.period}-v{report.version}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_GET
def dashboard(request):
    """The leaders' page: pipeline, major decisions, grades, findings, the fund and the ranking; each figure
    links to the list behind it, each chart has its table beside it."""
    from accounts.models import Unit
    from assessment.dashboard import PERIOD_CHOICES, summary

    require(request.user, "assessment.view")
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = Unit.objects.filter(pk=request.GET["unit"], kind__in=Unit.LANDING_KINDS).first()
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    data = summary(request.user, year=year, period_code=request.GET.get("period", ""), unit=unit)
    data["units"] = Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True).order_by("code")
    data["period_choices"] = PERIOD_CHOICES
    data["chart"] = {
        "stages": [str(r["label"]) for r in data["pipeline"]],
        "totals": [r["total"] for r in data["pipeline"]],
        "grades": [g["count"] for g in data["grades"]],
    }
    _visible_detail(request.user, data["ranking"])
    return render(request, "assessment/dashboard.html", data)


@login_required
@require_http_methods(["GET", "POST"])
def further_indicators(request):
    """The further indicators the centre adds to the assessment, and their values by unit and month."""
    from assessment.forms import CustomMetricForm, MetricValueForm
    from assessment.models import CustomMetric, MetricValue

    require(request.user, "assessment.view")
    may_manage = bool(can(request.user, "targets.manage"))
    add_form = CustomMetricForm(request.POST if request.POST.get("form") == "add" else None, prefix="add")
    value_form = MetricValueForm(request.POST if request.POST.get("form") == "value" else None, prefix="value")
    if request.method == "POST":
        require(request.user, "targets.manage")
        form, service = (
            (add_form, services.custom_metric_add)
            if request.POST.get("form") == "add"
            else (value_form, services.metric_value_record)
        )
        if form.is_valid():
            try:
                service(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("assessment:further")
    return render(
        request,
        "assessment/further.html",
        {
            "metrics": CustomMetric.objects.all(),
            "values": MetricValue.objects.select_related("metric", "unit").order_by("-year", "-month")[:100],
            "add_form": add_form if may_manage else None,
            "value_form": value_form if may_manage else None,
        },
        status=400 if (add_form.errors or value_form.errors) else 200,
    )
