from axes.models import AccessAttempt
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.tasks import tracked


@shared_task
@tracked
def purge_expired_lockouts():
    """Forget failed-login counters whose cool-off has passed (django-axes keeps them otherwise)."""
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return {"deleted": deleted}
