from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import Unit, User
from accounts.scoping import can, visible_to
from core.errors import ApplicationError


class ScopedModelAdmin(admin.ModelAdmin):
    """Model admin whose permissions come from the scoping module: admin.access to look,
    the model's ``manage_action`` to change."""

    manage_action = None

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return bool(can(request.user, "admin.access"))

    def has_view_permission(self, request, obj=None):
        return bool(can(request.user, "admin.access"))

    def _may_manage(self, request, obj=None):
        return self.manage_action is not None and bool(can(request.user, self.manage_action, obj))

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # Nothing is deleted from this system; units and users are deactivated.


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    manage_action = "units.manage"
    list_display = ["name", "code", "kind", "bureau", "is_active"]
    list_filter = ["kind", "bureau", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(ScopedModelAdmin, SimpleHistoryAdmin, DjangoUserAdmin):
    manage_action = "users.manage"
    list_display = ["username", "full_name", "unit", "is_active"]
    list_filter = ["unit__kind", "groups", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email", "phone", "unit"]}),
        (_("Roles"), {"fields": ["is_active", "groups"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "unit", "password1", "password2"]})]
    filter_horizontal = ["groups"]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        actor = request.user

        class ServiceCheckedForm(form_class):
            """Role changes made here obey the same rules as the console and the API."""

            def clean(self):
                cleaned = super().clean()
                if "groups" in cleaned and obj is not None:
                    try:
                        services.user_change_check(
                            actor=actor,
                            user=obj,
                            roles=[g.name for g in cleaned["groups"]],
                            is_active=cleaned.get("is_active", obj.is_active),
                        )
                    except ApplicationError as exc:
                        raise forms.ValidationError(exc.message) from exc
                return cleaned

        return ServiceCheckedForm


admin.site.unregister(Group)
