"""Issued minutes as a PDF that reads like an official Chinese document (WeasyPrint, Noto CJK fonts)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from decisions.models import Step

# Which body issues the minutes of each meeting.
ISSUERS = {
    Step.CONSULTATION: "慈溪市投资促进委员会办公室",
    Step.REVIEW: "慈溪市投资促进委员会办公室",
    Step.OFFICE: "慈溪市投资促进委员会办公室",
    Step.MAYOR: "慈溪市人民政府",
    Step.SECRETARY: "中共慈溪市委员会",
    Step.EXECUTIVE: "慈溪市人民政府",
}


def minute_pdf(minute):
    from weasyprint import HTML

    issuer = ISSUERS.get(minute.meeting) or minute.project.landing_unit.name
    # Minutes are a Chinese document whatever language the reader's interface is in.
    with translation.override("zh-hans"):
        html = render_to_string(
            "decisions/minute_pdf.html",
            {
                "minute": minute,
                "project": minute.project,
                "issuer": issuer,
                "meeting": str(Step(minute.meeting).label),
                "terms": list(minute.terms.all()),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
