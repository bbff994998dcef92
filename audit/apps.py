from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from guardian.models import GroupObjectPermission, UserObjectPermission
        from simple_history import register

        from audit import checks, receivers  # noqa: F401 - registers the checks, connects the receivers

        # Object grants are access data: their changes are audited like any model's.
        for model in (UserObjectPermission, GroupObjectPermission):
            if not hasattr(model, "history"):
                register(model, app="audit")
