from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Accounts and units")

    def ready(self):
        # Every app declares its permission rules and scopes in rules.py; load them all here.
        autodiscover_modules("rules")
        from accounts import checks  # noqa: F401  (registers the system checks)


class ScopedAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.ScopedAdminSite"
