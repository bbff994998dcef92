from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.roles import Role
from accounts.scoping import can, has_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Signing out and switching language change no data; everyone may.
EXEMPT_URL_NAMES = frozenset({"logout", "set_language", "login"})


def _token_user(request):
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


# What an NPC deputy reads: the oversight portal (pages and API) and what every signed-in user needs.
DEPUTY_PREFIXES = ("/oversight/", "/api/v1/oversight/", "/api/v1/auth/", "/api/v1/me/", "/api/schema/", "/api/docs/")
DEPUTY_PATHS = frozenset({"/", "/healthz"})


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
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        user = request.user if request.user.is_authenticated else _token_user(request)
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
