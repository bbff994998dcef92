from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.scoping import get_visible_or_404, require
from audit import exports
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entry_list, audit_model_choices, chain_last_verification
from audit.services import audit_export_record
from core.errors import ApplicationError


def _filtered(request):
    """The list's filters, as the page applies them: those of a valid form, else none."""
    form = AuditFilterForm(request.GET or None, model_labels=audit_model_choices(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_entry_list(user=request.user, filters=filters)


@login_required
def entry_list(request):
    require(request.user, "audit.view")
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "verification": chain_last_verification(user=request.user),
        "retention_note": _(
            "Entries are never changed or deleted, and are kept at least %(days)d days. "
            "The hash chain is verified every night."
        )
        % {"days": settings.AUDIT_RETENTION_DAYS},
    }
    return render(request, "audit/entry_list.html", context)


@login_required
def entry_detail(request, pk):
    require(request.user, "audit.view")
    entry = get_visible_or_404(request.user, AuditEntry.objects.all(), pk=pk)
    return render(request, "audit/entry_detail.html", {"entry": entry})


@never_cache
@login_required
@require_GET
def entry_export(request, fmt):
    """The list's entries under its current filters, as CSV (streamed) or .xlsx."""
    require(request.user, "audit.view")
    _form, entries = _filtered(request)
    filename = f"审计日志-{timezone.localdate():%Y%m%d}.{fmt}"
    audit_export_record(user=request.user, request=request, fmt=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(entries), content_type="text/csv; charset=utf-8")
    else:
        try:
            content = exports.xlsx_bytes(entries)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('audit:entry_list')}?{request.GET.urlencode()}")
        response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
