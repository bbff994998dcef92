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


@shared_task(**CHECK_TASK)
@tracked
def publish_due_reports():
    """On the 1st: last month's bulletin, and the quarter's ranking and the year's evaluation when they are
    due; each once (a report already published for its period is not published again by the beat)."""
    from django.contrib.auth import get_user_model

    from assessment.models import Report

    published = 0
    system = get_user_model().objects.filter(groups__name="centre_staff", is_active=True).order_by("pk").first()
    for kind, year, period in services.due_reports(timezone.localdate()):
        if not Report.objects.filter(kind=kind, year=year, period=period).exists():
            services.report_publish(actor=system, kind=kind, year=year, period=period)
            published += 1
    return {"published": published}


@shared_task(**CHECK_TASK)
@tracked
def refresh_tallies():
    """The nightly safety net under the doors that keep the dashboards' tallies current: count them all
    again, and record how many cells were off (anything but 0 names a door that forgot its recount)."""
    from core import tallies

    drift = tallies.drift()
    return {"drift": drift, "rows": tallies.refresh_all()}
