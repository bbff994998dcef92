from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.scoping import can

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Signing out and switching language change no data; everyone may.
EXEMPT_URL_NAMES = frozenset({"logout", "set_language", "login"})


def _token_user(request):
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


class ReadOnlyRolesMiddleware:
    """Refuses every non-GET request of a read-only role, pages and API alike, in one place."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        user = request.user if request.user.is_authenticated else _token_user(request)
        if user is None:
            return None  # Unauthenticated: the view itself asks for credentials.
        verdict = can(user, "data.write")
        if verdict:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": verdict.reason, "errors": {}}, status=403)
        raise PermissionDenied(verdict.reason)
