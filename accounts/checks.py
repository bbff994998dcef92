from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def password_max_age(app_configs, **kwargs):
    """Passwords change periodically (MLPS level 3): a maximum age that never expires, or over 90 days, is refused."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if isinstance(days, int) and 1 <= days <= 90:
        return []
    return [
        Error(
            f"PASSWORD_MAX_AGE_DAYS is {days!r}; it must be a whole number of days from 1 to 90.",
            hint="Set the PASSWORD_MAX_AGE_DAYS environment variable to at most 90 (the default).",
            id="accounts.E001",
        )
    ]
