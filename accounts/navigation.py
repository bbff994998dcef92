"""The navigation: each item names the action that decides who sees it."""

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import can, has_role


class NavItem(NamedTuple):
    label: str
    url_name: str
    action: str | None  # None: every signed-in user


_items: list[NavItem] = []


def register(label, url_name, action=None):
    _items.append(NavItem(label, url_name, action))


def items_for(user, current_path=""):
    from accounts.middleware import deputy_may_open

    deputy = has_role(user, Role.NPC_DEPUTY)
    shown = []
    for item in _items:
        if item.action is None or can(user, item.action):
            url = reverse(item.url_name)
            if deputy and not deputy_may_open(url):
                continue  # the working pages: a deputy reads the portal
            active = current_path == url if url == "/" else current_path.startswith(url)
            shown.append({"label": item.label, "url": url, "active": active})
    return shown


register(_("Home"), "home")
register(_("Projects"), "projects:list", "projects.view")
register(_("Investors"), "projects:company_list", "projects.view")
register(_("Resource library"), "projects:resources", "projects.view")
register(_("Investment project library"), "projects:filing_list", "projects.view")
register(_("Channels"), "projects:channels", "projects.view")
register(_("Decisions"), "decisions:queue", "projects.view")
register(_("Minutes"), "decisions:minute_list", "projects.view")
register(_("Findings"), "monitoring:finding_list", "projects.view")
register(_("Indicator data"), "monitoring:data", "indicator_data.view")
register(_("Incentives"), "incentives:overview", "incentives.view")
register(_("Assessment"), "assessment:overview", "assessment.view")
register(_("Users"), "accounts:user_list", "users.manage")
register(_("Units"), "accounts:unit_list", "units.manage")
register(_("Security"), "accounts:security", "security.view")
register(_("Administration"), "admin:index", "admin.access")
register(_("Audit trail"), "audit:entry_list", "audit.view")
register(_("Oversight portal"), "oversight:portal", "oversight.view")
register(_("Task runs"), "task_run_list", "taskruns.view")
