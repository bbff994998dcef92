"""System checks of the audit settings: ``manage.py check`` (and every start) refuses bad ones."""

from django.conf import settings
from django.core.checks import Error, register

# Network logs are kept at least six months (Cybersecurity Law of the PRC, art. 21): 183 days.
MINIMUM_RETENTION_DAYS = 183


@register("audit")
def retention_check(app_configs=None, **kwargs):
    """``AUDIT_RETENTION_DAYS`` may lengthen the retention of audit entries, never shorten it below 183 days."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if isinstance(days, int) and not isinstance(days, bool) and days >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS is {days!r}: audit entries must be kept at least {MINIMUM_RETENTION_DAYS} days.",
            hint=f"Set AUDIT_RETENTION_DAYS to a whole number of days, {MINIMUM_RETENTION_DAYS} or more.",
            id="audit.E001",
        )
    ]
