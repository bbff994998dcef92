"""A database that cannot be reached answers 503 with Retry-After (a page, or JSON for the API), never a 500
with a traceback; the next request after it is back succeeds (CONN_HEALTH_CHECKS replaces a dead connection)."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def _note_database_error(sender, request=None, **kwargs):
    """Django turns an exception raised in a middleware into a 500 before an outer middleware sees it; this
    receiver marks the request so the middleware below can answer 503 instead."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.database_unavailable = True


def unavailable(request):
    """The 503 answer. Rendered without the request, so no context processor reads the database again."""
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable. Please try again shortly."), "errors": {}},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_error, dispatch_uid="core.middleware.database_unavailable")

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS:  # only reaches here with DEBUG_PROPAGATE_EXCEPTIONS
            logger.warning("Database unavailable: %s", request.path, exc_info=True)
            return unavailable(request)
        if getattr(request, "database_unavailable", False):
            logger.warning("Database unavailable: %s", request.path)
            return unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable: %s (%s)", request.path, exception.__class__.__name__)
            return unavailable(request)
        return None
