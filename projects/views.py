import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import can, get_visible_or_404, require, visible_to
from core.errors import ApplicationError
from core.forms import apply_errors
from projects import forms, selectors, services
from projects.models import Attachment, Company, EnergyQuota, FactorySpace, LandParcel, Partner, Project
from projects.stages import LIVE_STAGES, Stage

PAGE_SIZE = 25
TABS = ["overview", "timeline", "resources", "filing", "documents", "history"]


def _tab_url(project, tab):
    return f"{project.get_absolute_url()}?tab={tab}"


def _query_without(request, *keys):
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@login_required
def project_list(request):
    require(request.user, "projects.view")
    form = forms.ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(user=request.user, filters=filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without(request, "page"),
            "sort_query": _query_without(request, "page", "ordering"),
            "ordering": request.GET.get("ordering", ""),
            "may_create": can(request.user, "project.create"),
        },
    )


def _transition_options(user, project):
    options = []
    for target in services.transitions_from(project.stage):
        probe = project
        if target == Stage.IN_PRODUCTION and project.production_start_date is None:
            # The production start date is typed with this transition (the service sets it before the guards
            # run), so its absence must not disable the button that asks for it.
            probe = copy.copy(project)
            probe.production_start_date = timezone.localdate()
        allowed, reasons = services.transition_check(user=user, project=probe, target=target)
        options.append({"target": target, "label": target.label, "allowed": allowed, "reasons": reasons})
    return options


def _history_rows(project):
    """The project's recorded versions with what changed in each, computed pairwise in memory."""
    records = list(project.history.select_related("history_user").order_by("-history_date", "-history_id")[:51])
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            changes = [
                (Project._meta.get_field(c.field).verbose_name, c.old, c.new) for c in newer.diff_against(older).changes
            ]
        rows.append({"record": newer, "changes": changes})
    return rows[:50]


@login_required
def project_detail(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    tab = request.GET.get("tab", "overview")
    if tab not in TABS:
        tab = "overview"
    context = {"project": project, "tab": tab, "tabs": TABS, "may_edit": can(request.user, "project.edit", project)}
    if tab == "overview":
        context["transitions"] = _transition_options(request.user, project)
        context["transition_form"] = forms.TransitionForm()
    elif tab == "timeline":
        context["changes"] = visible_to(request.user, project.stage_changes.select_related("actor"))
    elif tab == "resources":
        context["allocations"] = project.allocations.select_related(
            "parcel", "factory_space", "energy_quota", "allocated_by"
        )
    elif tab == "filing":
        context["filings"] = project.filings.select_related("approving_unit")
        context["may_file"] = can(request.user, "filing.manage")
        context["filing_form"] = forms.FilingForm()
    elif tab == "documents":
        context["attachments"] = project.attachments.select_related("uploaded_by")
        context["attachment_form"] = forms.AttachmentForm()
    elif tab == "history":
        context["history"] = _history_rows(project)
    return render(request, "projects/project_detail.html", context)


@login_required
def project_edit(request, pk=None):
    project = selectors.project_detail(user=request.user, pk=pk) if pk else None
    require(request.user, "project.edit" if project else "project.create", project)
    form = forms.ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = services.project_create(actor=request.user, **form.service_fields())
            else:
                services.project_update(actor=request.user, project=project, **form.service_fields())
        except ApplicationError as exc:
            _apply_project_errors(form, exc)
        else:
            messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


def _apply_project_errors(form, exc):
    renamed = {
        "total_investment": "total_investment_wan",
        "land_area_m2": "land_area_mu",
        "expected_annual_output": "expected_annual_output_wan",
        "expected_annual_tax": "expected_annual_tax_wan",
    }
    exc.errors = {renamed.get(k, k): v for k, v in exc.errors.items()}
    apply_errors(form, exc)


@login_required
@require_POST
def project_transition(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage."))
        return redirect("projects:detail", pk=pk)
    try:
        services.project_transition(
            actor=request.user,
            project=project,
            target=form.cleaned_data["target"],
            note=form.cleaned_data["note"],
            production_start_date=form.cleaned_data["production_start_date"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The project moved to “%(stage)s”.") % {"stage": Stage(form.cleaned_data["target"]).label}
        )
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                project=project,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(_tab_url(project, "documents"))


@login_required
def attachment_download(request, pk):
    attachment = get_visible_or_404(request.user, Attachment.objects.select_related("project"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def filing_add(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    form = forms.FilingForm(request.POST)
    if form.is_valid():
        try:
            services.filing_create(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, "；".join(m for ms in exc.errors.values() for m in ms) or exc.message)
        else:
            messages.success(request, _("Filing recorded."))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(_tab_url(project, "filing"))


# Companies and partners -------------------------------------------------------------------------


@login_required
def company_list(request):
    require(request.user, "projects.view")
    q = request.GET.get("q", "")
    page = Paginator(selectors.company_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/company_list.html",
        {
            "page": page,
            "q": q,
            "query": _query_without(request, "page"),
            "may_manage": can(request.user, "company.manage"),
        },
    )


def _library_edit(request, *, model, pk, action, form_class, create, update, new_title, saved, back):
    """Create or edit a shared-library record (a company, a partner) through its service."""
    record = get_visible_or_404(request.user, model.objects.all(), pk=pk) if pk else None
    require(request.user, action, record)
    form = form_class(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            if record is None:
                record = create(actor=request.user, **form.cleaned_data)
            else:
                update(request.user, record, form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, saved % {"name": record.name})
            return redirect(back)
    title = record.name if record else new_title
    return render(request, "projects/simple_form.html", {"form": form, "title": title, "back": back})


@login_required
def company_edit(request, pk=None):
    return _library_edit(
        request,
        model=Company,
        pk=pk,
        action="company.manage",
        form_class=forms.CompanyForm,
        create=services.company_create,
        new_title=_("New company"),
        saved=_("Company %(name)s saved."),
        update=lambda actor, company, data: services.company_update(actor=actor, company=company, **data),
        back="projects:company_list",
    )


@login_required
def partner_list(request):
    require(request.user, "projects.view")
    return render(
        request,
        "projects/partner_list.html",
        {
            "partners": selectors.partner_list(user=request.user),
            "may_manage": can(request.user, "partner.manage"),
        },
    )


@login_required
def partner_edit(request, pk=None):
    return _library_edit(
        request,
        model=Partner,
        pk=pk,
        action="partner.manage",
        form_class=forms.PartnerForm,
        create=services.partner_create,
        new_title=_("New partner"),
        saved=_("Partner %(name)s saved."),
        update=lambda actor, partner, data: services.partner_update(actor=actor, partner=partner, **data),
        back="projects:partner_list",
    )


@login_required
def channel_comparison(request):
    require(request.user, "projects.view")
    form = forms.ChannelPeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    rows = selectors.channel_comparison(user=request.user, **period)
    labels = dict(forms.Channel.choices)
    for row in rows:
        row["label"] = labels.get(row["channel"], row["channel"])
    chart = {
        "labels": [str(r["label"]) for r in rows],
        "leads": [r["leads"] for r in rows],
        "signed": [r["signed"] for r in rows],
    }
    return render(request, "projects/channels.html", {"form": form, "rows": rows, "chart": chart})


# The resource library ---------------------------------------------------------------------------

RESOURCES = {
    "parcel": (LandParcel, "parcel.manage", ["code", "location", "area_m2", "planned_use"]),
    "factory_space": (FactorySpace, "factory_space.manage", ["code", "location", "area_m2"]),
    "energy_quota": (EnergyQuota, "energy_quota.manage", ["code", "description", "amount_tce"]),
}


def _resource_form_class(kind):
    model, _action, fields = RESOURCES[kind]
    return type(
        f"{model.__name__}Form",
        (forms.StyledModelForm,),
        {"Meta": type("Meta", (), {"model": model, "fields": fields})},
    )


@login_required
def resource_list(request, kind):
    if kind not in RESOURCES:
        raise Http404
    require(request.user, "projects.view")
    model, action, _fields = RESOURCES[kind]
    resources = selectors.resource_list(user=request.user, kind=kind)
    holders = {
        a.resource.pk: a
        for a in selectors.allocation_list(user=request.user, active_only=True)
        if isinstance(a.resource, model)
    }
    may_manage = can(request.user, action)
    form = _resource_form_class(kind)(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(may_manage.reason)
        if form.is_valid():
            try:
                services.resource_create(actor=request.user, kind=kind, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("projects:resource_list", kind=kind)
    live = selectors.project_list(user=request.user, filters={}).filter(stage__in=LIVE_STAGES)
    return render(
        request,
        "projects/resource_list.html",
        {
            "kind": kind,
            "model_name": model._meta.verbose_name_plural,
            "resources": resources,
            "holders": holders,
            "may_manage": may_manage,
            "form": form,
            "allocation_form": forms.AllocationForm(projects=live) if may_manage else None,
            "kinds": [(k, m._meta.verbose_name_plural) for k, (m, _a, _f) in RESOURCES.items()],
        },
    )


@login_required
@require_POST
def resource_allocate(request, kind, pk):
    if kind not in RESOURCES:
        raise Http404
    model, action, _fields = RESOURCES[kind]
    resource = get_visible_or_404(request.user, model.objects.all(), pk=pk)
    require(request.user, action, resource)  # before the form: who may not allocate is told so (403)
    projects = selectors.project_list(user=request.user, filters={})
    form = forms.AllocationForm(request.POST, projects=projects)
    if form.is_valid():
        try:
            services.resource_allocate(
                actor=request.user,
                project=form.cleaned_data["project"],
                resource=resource,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(resource)s allocated.") % {"resource": resource})
    else:
        messages.error(request, _("Choose a project."))
    return redirect("projects:resource_list", kind=kind)


@login_required
@require_POST
def allocation_release(request, pk):
    allocation = get_visible_or_404(request.user, selectors.allocation_list(user=request.user), pk=pk)
    kind = {LandParcel: "parcel", FactorySpace: "factory_space", EnergyQuota: "energy_quota"}[type(allocation.resource)]
    try:
        services.allocation_release(actor=request.user, allocation=allocation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Released."))
    return redirect("projects:resource_list", kind=kind)


@login_required
def filing_list(request):
    require(request.user, "projects.view")
    page = Paginator(selectors.filing_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/filing_list.html", {"page": page, "query": ""})
