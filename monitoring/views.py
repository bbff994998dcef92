from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import can, get_visible_or_404, require, visible_to
from core import outbox
from core.errors import ApplicationError
from core.forms import apply_errors
from monitoring import excel, selectors, services
from monitoring.checks import ACTIVE, REQUIRED, last_complete_year
from monitoring.excel import from_sheet
from monitoring.forms import AgreementForm, EquityChangeForm, FindingActionForm, IndicatorEntryForm, LandContractForm
from monitoring.grading import project_grades
from monitoring.models import EquityChange, Finding, Indicator
from monitoring.rules import supplied_by
from monitoring.selectors import indicator_table
from projects import imports
from projects import selectors as project_selectors
from projects.excel import XLSX_CONTENT_TYPE
from projects.models import ImportJob
from projects.views_excel import UploadForm

CONTRACT_RECORDED = gettext_lazy("Land-transfer contract %(number)s recorded.")
AGREEMENT_SIGNED = gettext_lazy("Performance agreement %(number)s signed.")


def _created(request, form, create, project, message):
    """A bound form of the project's page through its service: True, with a message naming the new record's number,
    or False with the service's refusal on the form's fields."""
    if not form.is_valid():
        return False
    try:
        record = create(actor=request.user, project=project, **form.service_fields())
    except ApplicationError as exc:
        form.apply_service_errors(exc)
        return False
    messages.success(request, message % {"number": record.number})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def project_monitoring(request, pk):
    """A project's dual contract, grades, milestones and findings; 资规局 records a land-transfer contract here
    and the centre or the landing unit signs the performance agreement."""
    project = project_selectors.project_detail(user=request.user, pk=pk)
    agreement = getattr(project, "performance_agreement", None)
    contract_form = (
        LandContractForm(project=project, prefix="contract")
        if can(request.user, "land_contract.manage", project)
        else None
    )
    agreement_form = (
        AgreementForm(prefix="agreement")
        if agreement is None and can(request.user, "agreement.manage", project)
        else None
    )
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "contract":
            require(request.user, "land_contract.manage", project)
            contract_form = LandContractForm(request.POST, project=project, prefix="contract")
            if _created(request, contract_form, services.land_contract_create, project, CONTRACT_RECORDED):
                return redirect("monitoring:project", pk=project.pk)
        elif request.POST.get("form") == "agreement":
            require(request.user, "agreement.manage", project)
            agreement_form = AgreementForm(request.POST, prefix="agreement")
            if _created(request, agreement_form, services.agreement_create, project, AGREEMENT_SIGNED):
                return redirect("monitoring:project", pk=project.pk)
        status = 400
    grades = project_grades(project)
    milestones, checkpoints = selectors.project_milestones(project)
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
            "indicators": list(Indicator),
            "table": indicator_table(user=request.user, project=project),
            "grades": grades,
            "chart": chart,
            "findings": visible_to(request.user, project.findings.select_related("project", "owner", "co_owner")),
            "milestones": milestones,
            "checkpoints": checkpoints,
            "equity_changes": visible_to(request.user, EquityChange.objects.filter(company=project.investor_id)),
            "contract_form": contract_form,
            "agreement_form": agreement_form,
        },
        status=status,
    )


ACTIVE_FILTER = "active"


@login_required
@require_GET
def finding_list(request):
    """The findings board: active findings by unit and severity (a table and a chart), the work queue of
    the user's unit, and the filtered list."""
    require(request.user, "projects.view")
    findings = visible_to(request.user, Finding.objects.select_related("project", "owner", "co_owner"))
    status = request.GET.get("status", "")
    if status == ACTIVE_FILTER:
        findings = findings.filter(status__in=ACTIVE)
    elif status in Finding.Status.values:
        findings = findings.filter(status=status)
    for key in ("severity", "kind"):
        if request.GET.get(key) in dict(getattr(Finding, key.capitalize()).choices):
            findings = findings.filter(**{key: request.GET[key]})
    if request.GET.get("owner", "").isdigit():
        owner = int(request.GET["owner"])
        # "as=owner": the unit as the owner only (the board's counts); otherwise as owner or co-owner.
        if request.GET.get("as") == "owner":
            findings = findings.filter(owner_id=owner)
        else:
            findings = findings.filter(Q(owner_id=owner) | Q(co_owner_id=owner))
    if request.GET.get("landing_unit", "").isdigit():
        findings = findings.filter(project__landing_unit_id=int(request.GET["landing_unit"]))
    queue = request.GET.get("queue") == "mine" and request.user.unit_id is not None
    if queue:
        findings = findings.filter(
            Q(owner_id=request.user.unit_id) | Q(co_owner_id=request.user.unit_id), status__in=ACTIVE
        ).order_by(F("deadline").asc(nulls_last=True), "id")
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    board = selectors.finding_board(user=request.user)
    severities = list(reversed(Finding.Severity.choices))  # high first
    return render(
        request,
        "monitoring/finding_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "statuses": [(ACTIVE_FILTER, _("Active (open, rectifying, escalated)")), *Finding.Status.choices],
            "severities": severities,
            "kinds": Finding.Kind.choices,
            "board": board,
            "board_totals": {s: sum(u["counts"].get(s, 0) for u in board) for s, _l in severities},
            "board_chart": {
                "units": [u["name"] for u in board],
                "series": [
                    {"name": str(label), "key": s, "data": [u["counts"].get(s, 0) for u in board]}
                    for s, label in severities
                ],
            },
            "queue": queue,
            "may_run": can(request.user, "checks.run"),
            "checks": CHECKS,
        },
    )


@login_required
@require_GET
def finding_detail(request, pk):
    finding = get_visible_or_404(
        request.user,
        Finding.objects.select_related("project", "owner", "co_owner", "exemption", "opened_by_run"),
        pk=pk,
    )
    return render(request, "monitoring/finding_detail.html", _finding_context(request, finding))


def _finding_context(request, finding, form=None):
    from decisions.models import Exemption

    actions = services.finding_actions_for(request.user, finding)
    return {
        "finding": finding,
        "steps": finding.actions.select_related("actor", "exemption", "run"),
        "history": finding.history.select_related("history_user")[:50],
        "actions": actions,
        "labels": ACTION_LABELS,
        "exemptions": Exemption.objects.filter(project=finding.project, status=Exemption.Status.APPROVED)
        if "waive" in actions
        else [],
        "form": form or FindingActionForm(),
    }


ACTION_LABELS = {
    "rectify": gettext_lazy("Start rectification"),
    "resolve": gettext_lazy("Resolve"),
    "escalate": gettext_lazy("Escalate"),
    "waive": gettext_lazy("Waive under a fault-tolerance exemption"),
}


@login_required
@require_POST
def finding_act(request, pk):
    from decisions.models import Exemption

    finding = get_visible_or_404(request.user, Finding.objects.select_related("project"), pk=pk)
    form = FindingActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        exemption = None
        if data.get("exemption"):
            exemption = Exemption.objects.filter(pk=data["exemption"]).first()
        try:
            services.finding_act(
                actor=request.user, finding=finding, action=data["action"], note=data["note"], exemption=exemption
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The finding is now: %(status)s.") % {"status": _status_label(finding)})
            return redirect("monitoring:finding_detail", pk=finding.pk)
    return render(request, "monitoring/finding_detail.html", _finding_context(request, finding, form), status=400)


def _status_label(finding):
    finding.refresh_from_db(fields=["status"])
    return finding.get_status_display()


CHECKS = {
    "missing_data": gettext_lazy("Missing indicator data"),
    "grading": gettext_lazy("Yearly grading"),
    "milestones": gettext_lazy("Milestones"),
    "disguised_resale": gettext_lazy("Equity-change screening"),
}


@login_required
@require_POST
def run_checks(request):
    """Run one check now, in the worker (the same task the beat runs at night)."""
    from monitoring import tasks

    require(request.user, "checks.run")
    name = request.POST.get("check") or "missing_data"
    if name not in CHECKS:
        messages.error(request, _("Unknown check."))
        return redirect("monitoring:finding_list")
    task = getattr(tasks, f"check_{name}")
    outbox.enqueue(task)
    messages.success(
        request,
        _("The check “%(name)s” was sent to the worker; its run appears below when done.") % {"name": CHECKS[name]},
    )
    return redirect("task_run_list")


# Bureau data submission ----------------------------------------------------------------------------------


def _data_year(request):
    last = last_complete_year()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or last)
    except ValueError:
        year = last
    return min(max(year, last - 9), last + 1), last


@login_required
@require_GET
def data_submission(request):
    """What a bureau still owes for the year: supervised projects lacking the indicators it supplies, with a
    form per project, the pre-filled template and the import. Others see what is missing, read-only."""
    require(request.user, "indicator_data.view")
    year, last = _data_year(request)
    supplies = supplied_by(request.user)
    indicators = supplies or REQUIRED
    projects, supervised = selectors.missing_data(user=request.user, year=year, indicators=indicators)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    rows = []
    for project in page:
        missing = [i for i in indicators if not getattr(project, f"has_{i}")]
        form = None
        if supplies:
            form = IndicatorEntryForm(
                initial={"project": project.pk, "year": year},
                indicators=[i for i in missing if i in supplies],
                prefix=f"p{project.pk}",
            )
        rows.append({"project": project, "missing": missing, "form": form})
    return render(
        request,
        "monitoring/data_submission.html",
        {
            "year": year,
            "years": list(range(last + 1, last - 9, -1)),
            "supplies": supplies,
            "indicators": [(i, Indicator(i).label) for i in indicators],
            "page": page,
            "rows": rows,
            "supervised": supervised,
            "missing_count": page.paginator.count,
            "query": f"year={year}",
            "may_import": can(request.user, "indicator.import"),
        },
    )


@login_required
@require_POST
def data_submit(request):
    """A bureau's values for one project and year, typed on the submission page: all of them, or none."""
    require(request.user, "indicator.import")
    year, _last = _data_year(request)
    supplies = supplied_by(request.user)
    project_id = request.POST.get("project", "")
    prefix = f"p{project_id}" if project_id.isdigit() else None
    form = IndicatorEntryForm(request.POST, indicators=supplies, prefix=prefix)
    back = f"{reverse('monitoring:data')}?year={year}"
    if not form.is_valid():
        errors = "；".join(
            f"{form.fields[name].label}：{message}" if name in form.fields else str(message)
            for name, field_errors in form.errors.items()
            for message in field_errors
        )
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": errors})
        return redirect(back)
    project = project_selectors.project_detail(user=request.user, pk=form.cleaned_data["project"])
    saved = 0
    try:
        with transaction.atomic():
            for indicator in form.indicator_names:
                amount = form.cleaned_data.get(indicator)
                if amount is None:
                    continue
                _value, created = services.indicator_submit(
                    actor=request.user,
                    project=project,
                    indicator=indicator,
                    year=form.cleaned_data["year"],
                    value=from_sheet(indicator, amount),
                )
                saved += created
    except (ApplicationError, PermissionDenied) as exc:
        messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": getattr(exc, "message", str(exc))})
    else:
        messages.success(
            request,
            _("%(code)s: %(n)d values recorded for %(year)d.") % {"code": project.code, "n": saved, "year": year},
        )
    return redirect(back)


@login_required
@require_GET
def data_template(request):
    """The import template, pre-filled with every value the user's bureau still owes for the year."""
    require(request.user, "indicator_data.view")
    year, _last = _data_year(request)
    supplies = supplied_by(request.user)
    rows = []
    if supplies:
        projects, _n = selectors.missing_data(user=request.user, year=year, indicators=supplies)
        for project in projects[: excel.MAX_ROWS]:
            rows.extend((project, i, year) for i in supplies if not getattr(project, f"has_{i}"))
    response = HttpResponse(excel.build_template(rows[: excel.MAX_ROWS]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"指标数据-{year}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_import(request):
    """Upload a filled-in template; the worker checks it, the bureau confirms, the worker imports it."""
    require(request.user, "indicator.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        job = imports.import_job_start(
            actor=request.user, uploaded=form.cleaned_data["file"], kind=ImportJob.Kind.INDICATORS
        )
        return redirect("projects:import_job", pk=job.pk)
    recent = visible_to(request.user, ImportJob.objects.filter(kind=ImportJob.Kind.INDICATORS))[:10]
    return render(request, "monitoring/data_import.html", {"form": form, "recent": recent})


# Equity changes (市场监管) ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def equity_list(request):
    """Recorded shareholder changes of land-holding companies; the market-regulation bureau enters one here
    or imports a file."""
    require(request.user, "projects.view")
    may_record = bool(can(request.user, "equity_change.record"))
    form = EquityChangeForm(request.POST or None) if may_record else None
    if request.method == "POST":
        require(request.user, "equity_change.record")
        if form.is_valid():
            data = dict(form.cleaned_data)
            company = data.pop("company")
            try:
                change, created = services.equity_change_record(actor=request.user, company=company, **data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("The equity change was recorded."))
                else:
                    messages.info(request, _("This registration was already recorded; nothing changed."))
                return redirect("monitoring:equity_list")
    changes = visible_to(request.user, EquityChange.objects.select_related("company", "recorded_by"))
    q = request.GET.get("q", "").strip()
    if q:
        changes = changes.filter(Q(company__name__icontains=q) | Q(company__uscc__iexact=q))
    page = Paginator(changes.order_by("-registered_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/equity_list.html",
        {
            "page": page,
            "form": form,
            "q": q,
            "query": f"q={q}" if q else "",
            "may_record": may_record,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def equity_template(request):
    require(request.user, "projects.view")
    response = HttpResponse(excel.build_equity_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "股权变更导入模板.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def equity_import(request):
    require(request.user, "equity_change.record")
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        job = imports.import_job_start(
            actor=request.user, uploaded=form.cleaned_data["file"], kind=ImportJob.Kind.EQUITY_CHANGES
        )
        return redirect("projects:import_job", pk=job.pk)
    recent = visible_to(request.user, ImportJob.objects.filter(kind=ImportJob.Kind.EQUITY_CHANGES))[:10]
    return render(request, "monitoring/equity_import.html", {"form": form, "recent": recent})
