from celery import shared_task
from django.utils import timezone

from assessment import services
from core.tasks import tracked
from monitoring.tasks import CHECK_TASK


@shared_task(**CHECK_TASK)
@tracked
def refresh_summary(year=None):
    """The nightly safety net under the services' own refreshes: this year's summary from the stage changes."""
    return {"rows": services.refresh_summary(year or timezone.localdate().year)}
