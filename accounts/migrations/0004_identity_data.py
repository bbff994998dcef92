import re

from django.db import migrations
from django.utils import timezone


def start_the_clock(apps, schema_editor):
    """Existing passwords count as set now (their real age is unknown): nobody is locked out by the upgrade,
    and everyone changes within PASSWORD_MAX_AGE_DAYS. Phone numbers take the stored form (as
    accounts.models.normalize_phone) before 0005 makes them unique."""
    User = apps.get_model("accounts", "User")
    HistoricalUser = apps.get_model("accounts", "HistoricalUser")
    now = timezone.now()
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=now)
    HistoricalUser.objects.filter(password_changed_at__isnull=True).update(password_changed_at=now)
    for user in User.objects.exclude(phone="").only("pk", "phone"):
        compact = re.sub(r"[\s\-()]", "", user.phone)
        compact = compact[3:] if compact.startswith("+86") else compact
        if compact != user.phone:
            User.objects.filter(pk=user.pk).update(phone=compact)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_identity")]
    operations = [migrations.RunPython(start_the_clock, migrations.RunPython.noop)]
