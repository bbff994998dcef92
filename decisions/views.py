from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import can, get_visible_or_404, require, visible_to
from core.errors import ApplicationError
from core.forms import apply_errors
from decisions import forms, selectors, services
from decisions.models import Dimension, Exemption, Minute, Rating, Step, Submission
from projects import selectors as project_selectors


def _project(request, pk):
    return project_selectors.project_detail(user=request.user, pk=pk)


def _decision_url(project):
    return reverse("decisions:project", args=[project.pk])


@login_required
def queue(request):
    require(request.user, "projects.view")
    return render(request, "decisions/queue.html", {"queue": selectors.decision_queue(user=request.user)})


@login_required
def project_decision(request, pk):
    project = _project(request, pk)
    step, verdict = services.step_check(user=request.user, project=project)
    may_manage_group = can(request.user, "evaluation.manage", project)
    submissions = (
        visible_to(request.user, Submission.objects.filter(project=project))
        .select_related("rule_set", "submitted_by")
        .prefetch_related("steps__minutes__terms", "steps__minutes__superseded_by", "steps__recorded_by")
    )
    rules = services.rules_in_force(timezone.localdate())
    preview_tier, preview_reasons = services.classify(project, rules)
    return render(
        request,
        "decisions/project.html",
        {
            "project": project,
            "submissions": submissions,
            "next_step": step and Step(step),
            "verdict": verdict,
            "step_form": forms.StepForm(),
            "term_formset": forms.TermFormSet(prefix="terms"),
            "members": project.evaluation_members.select_related("user__unit"),
            "opinions": project.evaluation_opinions.select_related("author__unit"),
            "member_form": forms.MemberForm(candidates=selectors.member_candidates(user=request.user, project=project))
            if may_manage_group
            else None,
            "may_manage_group": may_manage_group,
            "may_write_opinion": can(request.user, "evaluation.write", project),
            "dimensions": Dimension,
            "exemptions": project.exemptions.select_related("requested_by", "decided_by"),
            "exemption_form": forms.ExemptionForm(),
            "may_request_exemption": can(request.user, "exemption.request", project),
            "may_decide_exemption": can(request.user, "exemption.decide"),
            "rating_labels": dict(Rating.choices),
            "preview_tier": preview_tier,
            "preview_reasons": preview_reasons,
            "rules": rules,
        },
    )


@login_required
@require_POST
def record_step(request, pk):
    project = _project(request, pk)
    form = forms.StepForm(request.POST)
    formset = forms.TermFormSet(request.POST, prefix="terms")
    step = request.POST.get("step", "")
    if form.is_valid() and formset.is_valid():
        minute = {
            k: form.cleaned_data[k]
            for k in ("number", "meeting_date", "chair", "attendees", "conclusion", "conditions")
        }
        try:
            services.decision_record(
                actor=request.user,
                project=project,
                step=step,
                outcome=form.cleaned_data["outcome"],
                minute=minute,
                terms=forms.terms_from(formset),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message + " " + "；".join(m for ms in exc.errors.values() for m in ms))
        else:
            messages.success(request, _("Recorded, with minutes %(n)s.") % {"n": minute["number"]})
            return redirect(_decision_url(project))
    else:
        errors = [
            f"{form.fields[f].label if f in form.fields else ''} {e}" for f, es in form.errors.items() for e in es
        ]
        errors += [e for f in formset for es in f.errors.values() for e in es]
        messages.error(request, "；".join(errors))
    return redirect(_decision_url(project))


@login_required
@require_POST
def add_member(request, pk):
    project = _project(request, pk)
    form = forms.MemberForm(request.POST, candidates=selectors.member_candidates(user=request.user, project=project))
    if form.is_valid():
        try:
            services.evaluation_member_add(
                actor=request.user,
                project=project,
                user=form.cleaned_data["user"],
                is_lead=form.cleaned_data["is_lead"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Member added."))
    else:
        messages.error(request, _("Choose a member."))
    return redirect(_decision_url(project))


@login_required
def write_opinion(request, pk):
    project = _project(request, pk)
    require(request.user, "evaluation.write", project)
    form = forms.OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_opinion_write(
                actor=request.user,
                project=project,
                ratings=form.ratings(),
                conclusion=form.cleaned_data["conclusion"],
                recommend=form.cleaned_data["recommend"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Opinion saved."))
            return redirect(_decision_url(project))
    return render(request, "decisions/opinion_form.html", {"form": form, "project": project})


@login_required
def minute_list(request):
    require(request.user, "projects.view")
    q = request.GET.get("q", "")
    page = Paginator(selectors.minute_list(user=request.user, q=q), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "decisions/minute_list.html", {"page": page, "q": q, "query": query.urlencode()})


@login_required
def minute_detail(request, pk):
    minute = get_visible_or_404(
        request.user, Minute.objects.select_related("project", "step_record", "issued_by"), pk=pk
    )
    may_supersede = minute.is_current and can(request.user, "decision.record", (minute.project, minute.meeting))
    form = forms.MinuteForm(request.POST or None) if may_supersede else None
    formset = forms.TermFormSet(request.POST or None, prefix="terms") if may_supersede else None
    if request.method == "POST":
        if not may_supersede:
            raise PermissionDenied(_("You cannot supersede this minute."))
        if form.is_valid() and formset.is_valid():
            try:
                new = services.minute_supersede(
                    actor=request.user, minute=minute, new_minute=form.cleaned_data, terms=forms.terms_from(formset)
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Minute %(n)s issued; it supersedes %(old)s.") % {"n": new.number, "old": minute.number}
                )
                return redirect("decisions:minute_detail", pk=new.pk)
    return render(request, "decisions/minute_detail.html", {"minute": minute, "form": form, "formset": formset})


@login_required
def tier_rules(request):
    require(request.user, "projects.view")
    may_manage = can(request.user, "tier_rules.manage")
    form = forms.TierRuleSetForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        require(request.user, "tier_rules.manage")
        if form.is_valid():
            try:
                services.tier_rule_set_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Tier rules saved."))
                return redirect("decisions:tier_rules")
    return render(
        request, "decisions/tier_rules.html", {"rule_sets": selectors.tier_rule_sets(user=request.user), "form": form}
    )


@login_required
@require_POST
def request_exemption(request, pk):
    project = _project(request, pk)
    form = forms.ExemptionForm(request.POST)
    if form.is_valid():
        try:
            services.exemption_request(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Exemption requested."))
    else:
        messages.error(request, _("Name the officials and explain why the rules were followed."))
    return redirect(_decision_url(project))


@login_required
@require_POST
def decide_exemption(request, pk):
    exemption = get_visible_or_404(request.user, Exemption.objects.select_related("project"), pk=pk)
    try:
        services.exemption_decide(
            actor=request.user,
            exemption=exemption,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Exemption decided."))
    return redirect(_decision_url(exemption.project))
