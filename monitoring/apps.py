from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Performance monitoring")

    def ready(self):
        from monitoring import guards  # noqa: F401 - registers the dual-contract stage guards
