from django.db import migrations

from projects.data.gbt4754 import SECTIONS, divisions


def load(apps, schema_editor):
    Industry = apps.get_model("projects", "Industry")
    sections = {}
    for code, name, _names in SECTIONS:
        sections[code], _ = Industry.objects.update_or_create(code=code, defaults={"name": name, "section": None})
    for section, code, name in divisions():
        Industry.objects.update_or_create(code=code, defaults={"name": name, "section": sections[section]})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
