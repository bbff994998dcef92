"""The proposal follow-up's pages: the list, a proposal with its measures, its report (PDF, .xlsx), and the
centre's form to move a measure's status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scoping import can, require
from core.errors import ApplicationError
from core.forms import apply_errors
from oversight import proposal_report, proposal_selectors, services
from oversight.forms import MeasureStatusForm

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def proposal_list(request):
    require(request.user, "proposal.view")
    return render(
        request,
        "oversight/proposals/list.html",
        {"proposals": proposal_selectors.proposal_list(user=request.user)},
    )


@login_required
@require_GET
def proposal_detail(request, pk):
    require(request.user, "proposal.view")
    proposal = proposal_selectors.proposal_detail(user=request.user, pk=pk)
    measures = list(proposal.measures.all())
    return render(
        request,
        "oversight/proposals/detail.html",
        {
            "proposal": proposal,
            "measures": measures,
            "summary": proposal_selectors.status_summary(measures),
            "may_manage": bool(can(request.user, "proposal.manage")),
        },
    )


def _site(request):
    return request.build_absolute_uri("/")


@login_required
@require_GET
def proposal_pdf(request, pk):
    require(request.user, "proposal.view")
    proposal = proposal_selectors.proposal_detail(user=request.user, pk=pk)
    response = HttpResponse(proposal_report.proposal_pdf(proposal, site=_site(request)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, proposal_report.file_name(proposal, "pdf"))
    return response


@login_required
@require_GET
def proposal_xlsx(request, pk):
    require(request.user, "proposal.view")
    proposal = proposal_selectors.proposal_detail(user=request.user, pk=pk)
    workbook = proposal_report.proposal_xlsx(proposal, site=_site(request))
    response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, proposal_report.file_name(proposal, "xlsx"))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def measure_status(request, pk):
    """The centre moves a measure to its next status, dated, saying what was done."""
    require(request.user, "proposal.manage")
    measure = proposal_selectors.measure_for_update(user=request.user, pk=pk)
    form = MeasureStatusForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update_status(actor=request.user, measure=measure, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Status updated."))
            return redirect(reverse("oversight:proposal_detail", args=[measure.proposal_id]) + f"#measure-{measure.pk}")
    return render(request, "oversight/proposals/measure_form.html", {"measure": measure, "form": form})
