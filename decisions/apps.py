from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self):
        from decisions import services
        from projects.stages import Stage, guard, on_enter

        guard(Stage.AWAITING_DECISION)(services.major_needs_opinion)
        on_enter(Stage.AWAITING_DECISION)(services.submission_open)
