from celery import shared_task

from core.tasks import tracked
from incentives import services
from monitoring.tasks import CHECK_TASK


@shared_task(**CHECK_TASK)
@tracked
def open_clawbacks():
    """A claw-back for every breach of a performance agreement under which incentives were paid."""
    return services.clawbacks_open()
