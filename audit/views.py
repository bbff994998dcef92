from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.scoping import get_visible_or_404, require
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entry_list, audit_model_choices


@login_required
def entry_list(request):
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None, model_labels=audit_model_choices(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entry_list(user=request.user, filters=filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def entry_detail(request, pk):
    require(request.user, "audit.view")
    entry = get_visible_or_404(request.user, AuditEntry.objects.all(), pk=pk)
    return render(request, "audit/entry_detail.html", {"entry": entry})
