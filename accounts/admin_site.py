from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.scoping import can


class ScopedAdminSite(admin.AdminSite):
    """The admin asks the scoping module like every other door."""

    site_header = _("Cizhou Invest administration")
    site_title = _("Cizhou Invest")

    def has_permission(self, request):
        return request.user.is_active and bool(can(request.user, "admin.access"))
