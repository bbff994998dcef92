"""Issued minutes and their terms refuse UPDATE and DELETE in PostgreSQL itself, and the default tier rules."""

import datetime
from decimal import Decimal

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION decisions_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Issued minutes are immutable (% on %); issue a superseding minute instead.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["decisions_minute", "decisions_preferentialterm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # the % in RAISE are not placeholders
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION decisions_refuse_change();"
            )
    TierRuleSet = apps.get_model("decisions", "TierRuleSet")
    TierRuleSet.objects.get_or_create(
        effective_from=datetime.date(2020, 1, 1),
        defaults={"major_land_mu": Decimal(200), "major_investment": Decimal(1_000_000_000),
                  "office_land_mu": Decimal(50), "office_investment": Decimal(100_000_000),
                  "local_filing_working_days": 10, "note": "第102号提案答复：占地200亩以上或总投资10亿元以上"},
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS decisions_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
