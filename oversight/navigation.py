"""The portal's own navigation: its sections, in the order a deputy reads them."""

from typing import NamedTuple

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class Section(NamedTuple):
    label: str
    url_name: str


_sections: list[Section] = []


def register(label, url_name):
    _sections.append(Section(label, url_name))


def sections(current_path=""):
    shown = []
    for section in _sections:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:  # a section whose pages have not arrived yet
            continue
        active = current_path == url if url.rstrip("/").endswith("oversight") else current_path.startswith(url)
        shown.append({"label": section.label, "url": url, "active": active})
    return shown


def portal_nav(request):
    """Context processor: the portal's sections on every page under /oversight/."""
    if not request.path.startswith("/oversight/"):
        return {}
    return {"portal_nav": sections(request.path)}


register(_("Overview"), "oversight:portal")
register(_("Major decisions"), "oversight:decisions")
register(_("Projects and commitments"), "oversight:projects")
register(_("Incentive policies and fund"), "oversight:incentives")
register(_("Findings"), "oversight:findings")
register(_("Assessment"), "oversight:assessment")
register(_("Proposal follow-up"), "oversight:proposal_list")
register(_("Search"), "oversight:search")
register(_("Confidential fields"), "oversight:confidential")
