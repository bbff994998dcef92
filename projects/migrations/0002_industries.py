from django.db import migrations

from projects.data.reference import load_industries


def load(apps, schema_editor):
    load_industries(apps.get_model("projects", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
