"""The ledger and the refusals are append-only in PostgreSQL itself: UPDATE and DELETE are refused."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION incentives_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The incentives ledger is append-only (% on %); record a reversal instead.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["incentives_ledgerentry", "incentives_refusal"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the % in RAISE are not placeholders
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION incentives_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS incentives_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("incentives", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
