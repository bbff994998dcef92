"""Incentive pages: the overview with the funds and my queue, a fund, a project's commitments against its
payments, a request with its steps and notices, claw-backs, policies. Every write goes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import can, get_visible_or_404, require, visible_to
from core.errors import ApplicationError
from core.forms import apply_errors
from core.units import wan_to_yuan, yuan_to_wan
from incentives import pdf, selectors, services
from incentives.forms import FundForm, ItemForm, ReasonForm, RepayForm, RequestForm
from incentives.models import ClawBack, CommitmentItem, Fund, Policy, Request
from projects import selectors as project_selectors


def _chart(funds):
    return {
        "years": [str(f.year) for f, _t in funds],
        "series": [
            {"key": "committed", "name": _("Committed"), "data": [float(yuan_to_wan(t.committed)) for _f, t in funds]},
            {"key": "paid", "name": _("Paid"), "data": [float(yuan_to_wan(t.paid)) for _f, t in funds]},
            {"key": "budget", "name": _("Budget"), "data": [float(yuan_to_wan(t.budget)) for _f, t in funds]},
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    require(request.user, "incentives.view")
    form = FundForm(request.POST or None) if can(request.user, "fund.manage") else None
    if request.method == "POST":
        require(request.user, "fund.manage")
        if form.is_valid():
            try:
                fund = services.fund_create(actor=request.user, **form.service_fields())
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The %(year)s fund is budgeted.") % {"year": fund.year})
                return redirect("incentives:fund", year=fund.year)
    funds = selectors.funds_with_totals()
    return render(
        request,
        "incentives/overview.html",
        {
            "funds": funds,
            "chart": _chart(funds),
            "queue": selectors.queue(user=request.user),
            "refusals": selectors.refusals(user=request.user)[:10],
            "clawbacks": selectors.clawbacks(user=request.user).filter(status=ClawBack.Status.OPEN)[:10],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request, year):
    require(request.user, "incentives.view")
    fund = get_object_or_404(Fund, year=year)
    if request.method == "POST":
        require(request.user, "fund.manage")
        try:
            budget = wan_to_yuan(request.POST.get("budget_wan") or "0")
            services.fund_set_budget(actor=request.user, fund=fund, budget=budget)
        except (ApplicationError, ArithmeticError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Enter the budget in 10k yuan.")))
        else:
            messages.success(request, _("The budget was changed."))
        return redirect("incentives:fund", year=fund.year)
    items = visible_to(request.user, CommitmentItem.objects.filter(fund=fund)).select_related(
        "project", "clause__policy"
    )
    return render(
        request,
        "incentives/fund.html",
        {
            "fund": fund,
            "totals": services.fund_totals(fund),
            "rows": selectors.item_rows(items),
            "may_manage": can(request.user, "fund.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_incentives(request, pk):
    """A project's commitment against its payments; the centre adds items, the landing unit files requests."""
    project = project_selectors.project_detail(user=request.user, pk=pk)
    require(request.user, "incentives.view")
    items = selectors.project_items(user=request.user, project=project)
    item_form = ItemForm(project=project, prefix="item") if can(request.user, "commitment.manage", project) else None
    may_file = bool(items) and can(request.user, "request.file", items.first())
    request_form = RequestForm(items=items, prefix="req") if may_file else None
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "item":
            require(request.user, "commitment.manage", project)
            item_form = ItemForm(request.POST, project=project, prefix="item")
            if item_form.is_valid():
                try:
                    services.item_create(actor=request.user, project=project, **item_form.service_fields())
                except ApplicationError as exc:
                    apply_errors(item_form, exc)
                else:
                    messages.success(request, _("The item was added to the commitment."))
                    return redirect("incentives:project", pk=project.pk)
        else:
            request_form = RequestForm(request.POST, items=items, prefix="req")
            if request_form.is_valid():
                data = request_form.cleaned_data
                try:
                    filed = services.request_file(
                        actor=request.user,
                        item=data["item"],
                        amount=wan_to_yuan(data["amount_wan"]),
                        evidence=data["evidence"],
                        project=project,
                    )
                except services.Refused as refused:
                    messages.error(request, _("Refused: %(reason)s") % {"reason": refused.message})
                    return redirect("incentives:project", pk=project.pk)
                except (ApplicationError, PermissionDenied) as exc:
                    if isinstance(exc, PermissionDenied):
                        raise
                    apply_errors(request_form, exc)
                else:
                    messages.success(request, _("The request was filed; the centre reviews it."))
                    return redirect("incentives:request", pk=filed.pk)
        status = 400
    return render(
        request,
        "incentives/project.html",
        {
            "project": project,
            "rows": selectors.item_rows(items),
            "requests": visible_to(request.user, Request.objects.filter(item__project=project)).select_related(
                "item", "filed_by"
            ),
            "refusals": selectors.refusals(user=request.user, project=project),
            "clawbacks": selectors.clawbacks(user=request.user, project=project),
            "item_form": item_form,
            "request_form": request_form,
        },
        status=status,
    )


@login_required
@require_GET
def request_detail(request, pk):
    req = get_visible_or_404(
        request.user,
        Request.objects.select_related("item__project", "item__fund", "item__clause__policy", "filed_by"),
        pk=pk,
    )
    return render(request, "incentives/request.html", _request_context(request, req))


def _request_context(request, req, reason_form=None):
    return {
        "req": req,
        "may_review": req.status == Request.Status.FILED and can(request.user, "request.review", req),
        "may_pay": req.status == Request.Status.APPROVED and can(request.user, "request.pay", req),
        "may_reverse": req.status == Request.Status.PAID and can(request.user, "request.pay", req),
        "reason_form": reason_form or ReasonForm(),
        "payment": req.ledger.filter(kind="payment").first(),
        "entries": req.ledger.all(),
        "refusals": req.refusals.all(),
        "history": req.history.select_related("history_user")[:30],
    }


@login_required
@require_POST
def request_act(request, pk, action):
    req = get_visible_or_404(request.user, Request.objects.select_related("item__project"), pk=pk)
    try:
        if action == "approve":
            services.request_approve(actor=request.user, request=req)
            messages.success(request, _("Approved; finance pays it."))
        elif action == "refuse":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return render(request, "incentives/request.html", _request_context(request, req, form), status=400)
            services.request_refuse(actor=request.user, request=req, reason=form.cleaned_data["reason"])
            messages.success(request, _("The request was refused."))
        elif action == "reverse":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return render(request, "incentives/request.html", _request_context(request, req, form), status=400)
            services.payment_reverse(actor=request.user, request=req, reason=form.cleaned_data["reason"])
            messages.success(request, _("The payment was reversed; the ledger keeps both entries."))
        elif action == "pay":
            services.request_pay(actor=request.user, request=req, idempotency_key=request.POST.get("idempotency_key"))
            messages.success(request, _("Paid and entered in the ledger."))
        else:
            raise PermissionDenied(_("Unknown action."))
    except services.Refused as refused:
        messages.error(request, _("Refused: %(reason)s") % {"reason": refused.message})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("incentives:request", pk=req.pk)


@login_required
@require_GET
def request_notice(request, pk, kind):
    """The request notice (申请表) or, once paid, the payment notice (拨付通知) as PDF."""
    req = get_visible_or_404(
        request.user,
        Request.objects.select_related("item__project__landing_unit", "item__project__investor", "item__fund"),
        pk=pk,
    )
    if kind not in pdf.TITLES:
        raise Http404
    if kind == "payment" and req.status != Request.Status.PAID:
        raise PermissionDenied(_("There is a payment notice only once the request is paid."))
    content, title = pdf.notice_pdf(req, kind)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{title}-{req.pk}.pdf")
    return response


@login_required
@require_GET
def clawback_list(request):
    require(request.user, "incentives.view")
    rows = [(c, c.outstanding) for c in selectors.clawbacks(user=request.user)[:200]]
    return render(
        request,
        "incentives/clawbacks.html",
        {"rows": rows, "may_repay": can(request.user, "clawback.repay"), "form": RepayForm()},
    )


@login_required
@require_POST
def clawback_repay(request, pk):
    clawback = get_visible_or_404(request.user, ClawBack.objects.all(), pk=pk)
    form = RepayForm(request.POST)
    if form.is_valid():
        try:
            services.clawback_repay(
                actor=request.user,
                clawback=clawback,
                amount=wan_to_yuan(form.cleaned_data["amount_wan"]),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The repayment was entered in the ledger."))
    else:
        messages.error(request, _("Enter the amount repaid in 10k yuan."))
    return redirect("incentives:clawbacks")


@login_required
@require_GET
def policy_list(request):
    require(request.user, "incentives.view")
    policies = Policy.objects.prefetch_related("clauses").select_related("supersedes")
    return render(request, "incentives/policies.html", {"policies": policies})
