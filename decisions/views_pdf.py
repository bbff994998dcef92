from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from accounts.scoping import get_visible_or_404
from decisions.models import Minute
from decisions.pdf import minute_pdf


@login_required
def minute_pdf_view(request, pk):
    """The minutes as a PDF, shown inline; a minute outside the user's scope is not found."""
    minute = get_visible_or_404(
        request.user,
        Minute.objects.select_related(
            "project__investor", "project__landing_unit", "step_record", "supersedes", "superseded_by"
        ),
        pk=pk,
    )
    response = HttpResponse(minute_pdf(minute), content_type="application/pdf")
    # Non-ASCII names are sent as RFC 5987 filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(False, f"会议纪要-{minute.number}.pdf")
    return response
