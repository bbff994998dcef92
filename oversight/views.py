"""The NPC oversight portal: read-only pages for the deputies (and the leaders and the centre, who see what
the deputies see). Every page asks ``oversight.view``; every value comes through ``oversight.selectors``'
allow-lists, masked where confidential. Writes are refused before any view runs
(``accounts.middleware.ReadOnlyRolesMiddleware``), and every read by a deputy is logged (audit)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Unit
from accounts.scoping import can, get_visible_or_404, require, visible_to
from assessment.models import Report
from decisions.models import Minute
from monitoring.checks import ACTIVE
from monitoring.models import Finding
from oversight import selectors
from projects.models import Project, Tier

PAGE_SIZE = 25


def _page(request, rows, present):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.rows = [present(row) for row in page.object_list]
    return page


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def portal(request):
    require(request.user, "oversight.view")
    user = request.user
    findings = visible_to(user, Finding.objects.filter(status__in=ACTIVE))
    by_severity = dict(findings.values_list("severity").annotate(n=Count("id")).order_by())
    return render(
        request,
        "oversight/portal.html",
        {
            "major_minutes": selectors.minutes(user).count(),
            "followed": visible_to(user, Project.objects.filter(stage__in=selectors.FOLLOWED_STAGES)).count(),
            "findings_by_severity": [
                (s, label, by_severity.get(s, 0)) for s, label in reversed(Finding.Severity.choices)
            ],
            "latest_minutes": [selectors.minute_row(m) for m in selectors.minutes(user)[:5]],
            "latest_reports": Report.objects.order_by("-published_at")[:5],
        },
    )


@login_required
@require_GET
def decisions(request):
    require(request.user, "oversight.view")
    tier = request.GET.get("tier", Tier.MAJOR)
    tier = tier if tier in Tier.values or tier == "all" else Tier.MAJOR
    year = request.GET.get("year", "")
    rows = selectors.minutes(
        request.user,
        tier=None if tier == "all" else tier,
        year=int(year) if year.isdigit() else None,
        q=request.GET.get("q", "").strip(),
    )
    return render(
        request,
        "oversight/decisions.html",
        {
            "page": _page(request, rows, selectors.minute_row),
            "query": _query(request),
            "tier": tier,
            "tiers": Tier.choices,
            "year": year,
            "q": request.GET.get("q", ""),
        },
    )


def _minute(request, pk):
    return get_visible_or_404(
        request.user, Minute.objects.select_related("project__investor", "project__landing_unit"), pk=pk
    )


@login_required
@require_GET
def decision_detail(request, pk):
    require(request.user, "oversight.view")
    return render(request, "oversight/decision.html", selectors.minute_detail(_minute(request, pk)))


@login_required
@require_GET
def decision_pdf(request, pk):
    """The minutes as issued, the confidential terms masked."""
    from decisions.pdf import minute_pdf

    require(request.user, "oversight.view")
    minute = _minute(request, pk)
    terms = selectors.term_rows(minute.terms.select_related("minute").order_by("id"), selectors.centre_marked())
    response = HttpResponse(minute_pdf(minute, terms=terms), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"会议纪要-{minute.number}.pdf")
    return response


@login_required
@require_GET
def projects(request):
    require(request.user, "oversight.view")
    unit = request.GET.get("unit", "")
    stage = request.GET.get("stage", "")
    rows = selectors.followed_projects(
        request.user,
        q=request.GET.get("q", "").strip(),
        stage=stage if stage in selectors.FOLLOWED_STAGES else "",
        unit=int(unit) if unit.isdigit() else None,
    )
    return render(
        request,
        "oversight/projects.html",
        {
            "page": _page(request, rows, selectors.project_row),
            "query": _query(request),
            "q": request.GET.get("q", ""),
            "stage": stage,
            "stages": [(s, s.label) for s in selectors.FOLLOWED_STAGES],
            "unit": unit,
            "units": Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True).order_by("code"),
        },
    )


@login_required
@require_GET
def project_detail(request, pk):
    require(request.user, "oversight.view")
    project = get_visible_or_404(
        request.user, Project.objects.select_related("investor", "landing_unit", "industry"), pk=pk
    )
    return render(request, "oversight/project.html", selectors.project_detail(request.user, project))


@login_required
@require_GET
def findings(request):
    require(request.user, "oversight.view")
    filters = {
        "status": request.GET.get("status", "")
        if request.GET.get("status") in {"active", *Finding.Status.values}
        else "",
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in Finding.Kind.values else "",
        "severity": request.GET.get("severity", "") if request.GET.get("severity") in Finding.Severity.values else "",
        "q": request.GET.get("q", "").strip(),
    }
    rows = selectors.findings(request.user, **filters)
    return render(
        request,
        "oversight/findings.html",
        {
            "page": _page(request, rows, selectors.finding_row),
            "query": _query(request),
            "filters": filters,
            "statuses": Finding.Status.choices,
            "kinds": Finding.Kind.choices,
            "severities": list(reversed(Finding.Severity.choices)),
        },
    )


@login_required
@require_GET
def finding_detail(request, pk):
    require(request.user, "oversight.view")
    finding = get_visible_or_404(request.user, Finding.objects.select_related("project", "owner"), pk=pk)
    return render(request, "oversight/finding.html", selectors.finding_detail(request.user, finding))


@login_required
@require_GET
def assessment(request):
    """The published bulletins, rankings and evaluations (each a frozen snapshot)."""
    require(request.user, "oversight.view")
    reports = Report.objects.order_by("-year", "-period", "kind", "-version")
    return render(
        request,
        "oversight/assessment.html",
        {"page": _page(request, reports, lambda r: r), "query": _query(request)},
    )


def _report(request, pk):
    from assessment.views import _report_metrics, _report_rows

    report = get_object_or_404(Report.objects.select_related("supersedes"), pk=pk)
    return report, _report_rows(request, report), _report_metrics(report)


@login_required
@require_GET
def report_detail(request, pk):
    require(request.user, "oversight.view")
    report, rows, metrics = _report(request, pk)
    return render(request, "oversight/report.html", {"report": report, "rows": rows, "metrics": metrics})


@login_required
@require_GET
def report_pdf(request, pk):
    from assessment.pdf import TITLES
    from assessment.pdf import report_pdf as render_pdf

    require(request.user, "oversight.view")
    report, rows, metrics = _report(request, pk)
    response = HttpResponse(render_pdf(report, rows, metrics), content_type="application/pdf")
    name = f"{TITLES[report.kind]}-{report.year}-{report.period}-v{report.version}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


@login_required
@require_GET
def search(request):
    """One box across the portal: projects, decisions, findings and proposals."""
    require(request.user, "oversight.view")
    q = request.GET.get("q", "").strip()
    results = {}
    if len(q) >= 2:
        from oversight.models import Proposal

        results = {
            "projects": [selectors.project_row(p) for p in selectors.followed_projects(request.user, q=q)[:20]],
            "minutes": [
                selectors.minute_row(m)
                for m in selectors.minutes(request.user, tier=None).filter(
                    Q(number__icontains=q)
                    | Q(project__code__icontains=q)
                    | Q(project__name__icontains=q)
                    | Q(conclusion__icontains=q)
                )[:20]
            ],
            "findings": [selectors.finding_row(f) for f in selectors.findings(request.user, q=q)[:20]],
            "proposals": [
                {"pk": p.pk, "title": str(p), "status": p.get_status_display()}
                for p in Proposal.objects.filter(
                    Q(title__icontains=q) | Q(number__icontains=q) | Q(reply_text__icontains=q)
                )[:20]
            ],
        }
    return render(request, "oversight/search.html", {"q": q, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def confidential(request):
    """The fields the portal masks: those always masked, and those the centre marked (the centre adds them)."""
    from django import forms as django_forms
    from django.contrib import messages
    from django.shortcuts import redirect

    from core.errors import ApplicationError
    from core.forms import apply_errors
    from oversight.masking import ALWAYS, confidential_mark
    from oversight.models import ConfidentialField

    require(request.user, "oversight.view")

    class MarkForm(django_forms.Form):
        model_label = django_forms.CharField(label=_("Model"), max_length=100, help_text=_("e.g. projects.project"))
        field_name = django_forms.CharField(label=_("Field"), max_length=100)
        reason = django_forms.CharField(label=_("Why it is confidential"), max_length=200)

    may_mark = bool(can(request.user, "confidential.mark"))
    form = MarkForm(request.POST or None) if may_mark else None
    if request.method == "POST":
        require(request.user, "confidential.mark")
        if form.is_valid():
            try:
                confidential_mark(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The field is masked in the portal from now on."))
                return redirect("oversight:confidential")
    return render(
        request,
        "oversight/confidential.html",
        {
            "always": sorted((label, field) for label, fields in ALWAYS.items() for field in fields),
            "marked": ConfidentialField.objects.order_by("model_label", "field_name"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def incentives(request):
    """The incentive policies and their clauses (public documents) and each year's reward fund: budget,
    committed, paid — the rules the payments are held to, beside what they came to."""
    from incentives.models import Policy
    from incentives.selectors import funds_with_totals

    require(request.user, "oversight.view")
    return render(
        request,
        "oversight/incentives.html",
        {
            "policies": Policy.objects.prefetch_related("clauses").order_by("-valid_from", "name"),
            "funds": funds_with_totals(),
        },
    )
