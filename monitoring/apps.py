from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Performance monitoring")

    def ready(self):
        from monitoring import excel, guards, tallies  # noqa: F401 - the dual-contract stage guards, the tallies
        from projects import imports
        from projects.models import ImportJob

        imports.register(
            ImportJob.Kind.INDICATORS,
            imports.ImportKind(
                permission="indicator.import",
                importer=excel.import_indicators,
                record=excel.record,
                preview=excel.preview_cells,
                headers=excel.HEADERS,
                upload_url="monitoring:data",
                done_url="monitoring:data",
            ),
        )
        imports.register(
            ImportJob.Kind.EQUITY_CHANGES,
            imports.ImportKind(
                permission="equity_change.record",
                importer=excel.import_equity_changes,
                record=excel.equity_record,
                preview=excel.equity_preview_cells,
                headers=excel.EQUITY_HEADERS,
                upload_url="monitoring:equity_import",
                done_url="monitoring:equity_list",
            ),
        )
