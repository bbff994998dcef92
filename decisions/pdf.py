"""Issued minutes as a PDF that reads like an official Chinese document (WeasyPrint, Noto CJK fonts)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from decisions.models import Step

COMMITTEE_OFFICE = "慈溪市投资促进委员会办公室"
GOVERNMENT = "慈溪市人民政府"

# Which body issues the minutes of each meeting; a landing-unit decision is issued by the landing unit.
ISSUERS = {
    Step.CONSULTATION: COMMITTEE_OFFICE,
    Step.REVIEW: COMMITTEE_OFFICE,
    Step.OFFICE: COMMITTEE_OFFICE,
    Step.MAYOR: GOVERNMENT,
    Step.SECRETARY: "中共慈溪市委员会",
    Step.EXECUTIVE: GOVERNMENT,
}


def css_string(text):
    """``text`` as a quoted CSS string, safe inside a <style> element (for the page-margin boxes)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&\n\r' else ch for ch in str(text))
    return f'"{escaped}"'


def minute_issuer(minute):
    return ISSUERS.get(minute.meeting) or minute.project.landing_unit.name


def minute_pdf(minute, *, terms=None):
    """The PDF (bytes) of issued minutes: red header, number, title, meeting, project, conclusion, terms.
    ``terms``: the terms as another reader may see them (the oversight portal masks the confidential ones);
    by default the minute's own."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    issuer = minute_issuer(minute)
    # Minutes are a Chinese document whatever language the reader's interface is in.
    with translation.override("zh-hans"):
        issued_on = formats.date_format(timezone.localtime(minute.issued_at), "Y年n月j日")
        html = render_to_string(
            "decisions/minute_pdf.html",
            {
                "minute": minute,
                "project": minute.project,
                "issuer": issuer,
                "meeting": str(Step(minute.meeting).label),
                "terms": list(minute.terms.all()) if terms is None else terms,
                "footer_number": css_string(minute.number),
                "footer_issued": css_string(f"{issued_on}印发"),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
