"""NPC deputies' reads: each one is written to the audit trail, and bulk scraping gets a 429."""

from django.http import JsonResponse
from django.shortcuts import render

from accounts.authentication import token_user
from accounts.roles import Role
from accounts.scoping import has_role
from audit.models import AuditEntry
from audit.services import audit_record, oversight_read_take

READ_METHODS = frozenset({"GET", "HEAD"})


def _reader(request):
    """The user behind a request: the session's, or (for the API) the token's, which DRF only
    resolves inside the view; None when anonymous."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if "HTTP_AUTHORIZATION" not in request.META:
        return None
    return token_user(request)


def _too_many(request, quota):
    message = quota.message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=429)
    else:
        response = render(request, "429.html", {"reason": message}, status=429)
    response["Retry-After"] = str(quota.retry_after)
    return response


class DeputyReadMiddleware:
    """Every page and API read (GET, HEAD) by an NPC deputy is logged: who, which path and query,
    when, and the status answered. Beyond ``OVERSIGHT_READS_PER_MINUTE`` reads in a minute the
    deputy gets a 429 with the reason and a Retry-After; the first refusal of each minute is logged
    too (not every one, so a scraper cannot flood the trail). Other roles pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_METHODS:
            return self.get_response(request)
        user = _reader(request)
        if user is None or not has_role(user, Role.NPC_DEPUTY):
            return self.get_response(request)
        quota = oversight_read_take(user=user)
        if quota.allowed:
            response = self.get_response(request)
        else:
            response = _too_many(request, quota)
        if quota.allowed or quota.first_refusal:
            audit_record(
                kind=AuditEntry.Kind.ACCESS,
                action=AuditEntry.Action.READ,
                actor=user,
                path=request.get_full_path(),
                status_code=response.status_code,
                request=request,
            )
        return response
