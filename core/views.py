from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.scoping import require, visible_to
from cizhou_invest.celery import app as celery_app
from core.models import TaskRun


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


@login_required
def task_run_list(request):
    require(request.user, "taskruns.view")
    runs = visible_to(request.user, TaskRun.objects.all())
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "core/task_run_list.html", {"page": page})


def _wants_json(request):
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else _("You do not have permission to do this.")
    if _wants_json(request):
        return JsonResponse({"detail": reason, "errors": {}}, status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error. The administrators have been told."), "errors": {}}, status=500)
    return render(request, "500.html", status=500)
