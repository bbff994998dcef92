from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import identity, selectors, services, totp
from accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordPolicyForm,
    SecondFactorForm,
    UnitForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from accounts.models import PasswordPolicy, SecondFactor, Unit, User
from accounts.roles import HOME_PRIORITY, Role
from accounts.scoping import get_visible_or_404, require, roles
from core.errors import ApplicationError
from core.forms import apply_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    """What a locked account is told (django-axes calls this)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "This account is locked after %(n)d failed logins. Try again in %(m)d minutes or ask the security "
        "administrator to unlock it."
    ) % {"n": settings.AXES_FAILURE_LIMIT, "m": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=403)
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)


HOME_TEMPLATES = {
    Role.CENTRE: "home/centre.html",
    Role.BUREAU: "home/bureau.html",
    Role.LANDING: "home/landing.html",
    Role.EVALUATOR: "home/evaluator.html",
    Role.LEADER: "home/leader.html",
}
HOME_REDIRECTS = {
    Role.NPC_DEPUTY: "oversight:portal",
    Role.SYSTEM_ADMIN: "accounts:user_list",
    Role.SECURITY_ADMIN: "accounts:security",
    Role.AUDIT_ADMIN: "audit:entry_list",
}


def primary_role(user):
    held = roles(user)
    return next((role for role in HOME_PRIORITY if role in held), None)


@login_required
def home(request):
    role = primary_role(request.user)
    if role in HOME_REDIRECTS:
        return redirect(HOME_REDIRECTS[role])
    template = HOME_TEMPLATES.get(role, "home/no_role.html")
    return render(request, template, {"role": role and Role(role), **home_context(request.user, role)})


def home_context(user, role):
    from projects import selectors as projects

    if role in (Role.CENTRE, Role.LEADER, Role.LANDING, Role.EVALUATOR):
        context = {"stage_counts": projects.stage_counts(user=user)}
        if role == Role.CENTRE:
            context["queue"] = projects.work_queue(user=user)
        elif role in (Role.LANDING, Role.EVALUATOR):
            context["queue"] = projects.project_list(user=user).filter(stage__in=projects.LIVE)[:20]
        return context
    if role == Role.BUREAU:
        return {"queue": projects.bureau_tasks(user=user)}
    return {}


@login_required
def user_list(request):
    require(request.user, "users.manage")
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.user_list(user=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def user_create(request):
    require(request.user, "users.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                unit=data["unit"],
                roles=data["roles"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@login_required
def user_edit(request, pk):
    require(request.user, "users.manage")
    target = get_visible_or_404(request.user, User.objects.all(), pk=pk)
    initial = {
        "full_name": target.full_name,
        "email": target.email,
        "phone": target.phone,
        "unit": target.unit,
        "roles": sorted(target.role_names),
        "is_active": target.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {
            k: v
            for k, v in form.cleaned_data.items()
            if v != initial[k] and not (k == "roles" and set(v) == set(initial[k]))
        }
        try:
            services.user_update(actor=request.user, user=target, **changes)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s saved.") % {"name": target.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": target.username, "target": target})


@login_required
def unit_list(request):
    require(request.user, "units.manage")
    units = selectors.unit_list(user=request.user)
    return render(request, "accounts/unit_list.html", {"units": units})


@login_required
def unit_edit(request, pk=None):
    require(request.user, "units.manage")
    unit = get_visible_or_404(request.user, Unit.objects.all(), pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit is None:
                unit = services.unit_create(
                    actor=request.user, code=data["code"], name=data["name"], kind=data["kind"], bureau=data["bureau"]
                )
            else:
                services.unit_update(actor=request.user, unit=unit, **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Unit %(name)s saved.") % {"name": unit.name})
            return redirect("accounts:unit_list")
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit})


@login_required
def security(request):
    require(request.user, "security.view")
    policy = PasswordPolicy.current()
    form = PasswordPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_policy_update(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Password policy saved."))
            return redirect("accounts:security")
    locked = selectors.locked_account_list(user=request.user)
    administrators = selectors.administrator_list(user=request.user)
    return render(request, "accounts/security.html", {"form": form, "locked": locked, "administrators": administrators})


@login_required
@require_POST
def unlock(request):
    username = request.POST.get("username", "")
    try:
        services.lockout_clear(actor=request.user, username=username)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Account %(name)s unlocked.") % {"name": username})
    return redirect("accounts:security")


@login_required
@require_POST
def second_factor_reset(request):
    require(request.user, "second_factor.reset")
    username = request.POST.get("username", "")
    target = get_visible_or_404(request.user, User.objects.all(), username=username)
    try:
        services.second_factor_reset(actor=request.user, user=target)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The second factor of %(name)s is reset: their next login enrols a new one.") % {"name": username},
        )
    return redirect("accounts:security")


def _next_url(request):
    """Where to go once the step is done: the page first asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """The administrators' second factor: the first time, enrolment (the secret as text and as an otpauth:// URI,
    confirmed by a first code); then, at every login, the code."""
    user = request.user
    if not identity.needs_second_factor(user):
        raise PermissionDenied(_("Only the system, security and audit administrators use a second factor."))
    next_url = _next_url(request)
    if identity.second_factor_verified(request.session, user):
        return redirect(next_url)
    device = services.second_factor_enrolment(user=user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
        except ApplicationError as exc:
            if SecondFactor.objects.get(pk=device.pk).is_locked():
                logout(request)
                messages.error(request, exc.message)
                return redirect("login")
            apply_errors(form, exc)
        else:
            identity.mark_second_factor_verified(request, user)
            return redirect(next_url)
    context = {"form": form, "next": next_url, "enrolling": not device.is_confirmed}
    if not device.is_confirmed:
        context["secret"] = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
        context["uri"] = totp.provisioning_uri(device.secret, account=user.username, issuer=identity.TOTP_ISSUER)
    return render(request, "accounts/second_factor.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every user changes their own password here; one whose password has expired is sent here first."""
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in; others end
            messages.success(request, _("Password changed."))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "expired": user.password_expired(),
        "max_age": settings.PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "accounts/password_change.html", context)
