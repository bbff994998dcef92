import datetime
from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("monitoring", "GradeBands").objects.get_or_create(
        effective_from=datetime.date(2020, 1, 1),
        defaults={"a_from": Decimal(100), "b_from": Decimal(80), "c_from": Decimal(60)},
    )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_grade_bands")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
