from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import can, require, visible_to
from monitoring.grading import project_grades
from monitoring.models import Finding, Indicator
from monitoring.selectors import indicator_table
from projects import selectors as project_selectors


@login_required
def project_monitoring(request, pk):
    project = project_selectors.project_detail(user=request.user, pk=pk)
    agreement = getattr(project, "performance_agreement", None)
    grades = project_grades(project)
    chart = {
        "years": [f"{g['year']}（{g['n']}）" for g in grades],
        "ratios": [float(g["ratio"]) if g["ratio"] is not None else None for g in grades],
    }
    return render(
        request,
        "monitoring/project.html",
        {
            "project": project,
            "contracts": project.land_contracts.select_related("parcel"),
            "agreement": agreement,
            "checkpoints": agreement.checkpoints.all() if agreement else [],
            "indicators": list(Indicator),
            "table": indicator_table(user=request.user, project=project),
            "grades": grades,
            "chart": chart,
            "findings": visible_to(request.user, project.findings.select_related("owner")),
        },
    )


@login_required
def finding_list(request):
    require(request.user, "projects.view")
    findings = visible_to(request.user, Finding.objects.select_related("project", "owner"))
    for key in ("status", "severity", "kind"):
        if request.GET.get(key):
            findings = findings.filter(**{key: request.GET[key]})
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/finding_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "statuses": Finding.Status.choices,
            "severities": Finding.Severity.choices,
            "kinds": Finding.Kind.choices,
            "may_run": can(request.user, "checks.run"),
        },
    )


@login_required
@require_POST
def run_checks(request):
    from monitoring.tasks import check_missing_data

    require(request.user, "checks.run")
    transaction.on_commit(lambda: check_missing_data.delay())
    messages.success(request, _("The compliance check was sent to the worker; its run appears below when done."))
    return redirect("task_run_list")
