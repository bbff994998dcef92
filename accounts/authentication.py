"""API tokens, looked up once a request.

Three middlewares (read-only roles, identity, the deputies' read log) need the user behind a token before DRF
resolves it inside the view; each asking the database again cost a token query and a role query apiece, most
of a small API request's queries. The first to ask stores the answer on the request; the others reuse it.
"""

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (``Authorization: Token <key>``), remembered on the request."""

    def authenticate(self, request):
        http = getattr(request, "_request", request)  # DRF's Request wraps the HttpRequest the middlewares see
        try:
            found = http._token_found
        except AttributeError:
            try:
                found = super().authenticate(request)
            except AuthenticationFailed as exc:
                found = exc
            http._token_found = found
        if isinstance(found, AuthenticationFailed):
            raise found
        return found


def token_user(request):
    """The user of the request's API token, or None (no token, or a wrong one: the view then answers 401)."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None
