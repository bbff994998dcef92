from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import identity
from accounts.authentication import token_user
from accounts.roles import Role
from accounts.scoping import can, has_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Signing in and out, switching language and exchanging a password for an API token change no data; everyone may.
EXEMPT_URL_NAMES = frozenset({"logout", "set_language", "login", "token"})
# Finishing one's own login (the second factor, an expired password) is no change of business data either: the
# audit administrator and the deputies must be able to do it too.
IDENTITY_VIEW_NAMES = frozenset({"accounts:second_factor", "accounts:password_change"})


# What an NPC deputy reads: the oversight portal (pages and API) and what every signed-in user needs.
DEPUTY_PREFIXES = ("/oversight/", "/api/v1/oversight/", "/api/v1/auth/", "/api/v1/me/", "/api/schema/", "/api/docs/")
DEPUTY_PATHS = frozenset({"/", "/healthz", "/accounts/password/"})


def deputy_may_open(path):
    """Whether an NPC deputy may open ``path``: the portal only, whose pages mask confidential fields; the
    working pages (which show them) are for the staff."""
    return path in DEPUTY_PATHS or path.startswith(DEPUTY_PREFIXES)


def deputy_reason():
    return _("NPC deputies read the system through the oversight portal, where confidential fields are masked.")


class ReadOnlyRolesMiddleware:
    """Refuses every non-GET request of a read-only role, pages and API alike, in one place; and keeps NPC
    deputies to the oversight portal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and (match.url_name in EXEMPT_URL_NAMES or match.view_name in IDENTITY_VIEW_NAMES):
            return None
        user = request.user if request.user.is_authenticated else token_user(request)
        if user is None:
            return None  # Unauthenticated: the view itself asks for credentials.
        if request.method not in SAFE_METHODS:
            verdict = can(user, "data.write")
            if not verdict:
                return self._refuse(request, verdict.reason)
        if has_role(user, Role.NPC_DEPUTY) and not deputy_may_open(request.path):
            return self._refuse(request, deputy_reason())
        return None

    @staticmethod
    def _refuse(request, reason):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(reason), "errors": {}}, status=403)
        raise PermissionDenied(reason)


# What opens before authentication is complete: logging in and out, the language, the health check.
IDENTITY_OPEN_VIEWS = frozenset({"login", "logout", "set_language", "healthz"})


class IdentityMiddleware:
    """Nothing opens until authentication is complete (accounts.identity): an administrator whose session has not
    given the second factor, or a user whose password has expired, reaches only the page that completes it (and
    logging out); other pages redirect there, the API answers 403 saying why. API tokens are checked the same
    way: an administrator's token or the token of a user whose password has expired is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in IDENTITY_OPEN_VIEWS:
            return None
        if request.user.is_authenticated:
            step = identity.pending_step(request.user, request.session)
            if step is None:
                return None
            request.identity_pending = step  # the page hides the navigation it could not open
            if view_name == step.view_name:
                return None
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": step.reason, "errors": {}}, status=403)
            target = reverse(step.view_name)
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        user = token_user(request)
        if user is not None and (reason := identity.token_refusal(user)):
            return JsonResponse({"detail": reason, "errors": {}}, status=403)
        return None
