from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment of the promotion units")

    def ready(self):
        from assessment import hooks  # noqa: F401 - registers the stage hook that refreshes the summary
