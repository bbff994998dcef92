"""The audit tables are append-only in PostgreSQL itself: UPDATE and DELETE are refused.

The one UPDATE allowed is the sealing of a new entry into the hash chain: setting ``seq``,
``prev_hash`` and ``hash`` of an entry that has no ``seq`` yet, every other column unchanged.
(TRUNCATE is left to the database owner: the test runner empties tables with it.)
"""

from django.db import migrations

ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL
           AND to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash'] = to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash']
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only (% on %): entries are never changed or deleted.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
STRICT_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only (% on %): rows are never changed or deleted.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGERS = {
    "audit_auditentry": "audit_entry_append_only",
    "audit_chainverification": "audit_refuse_change",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (the embedded demo): the models and their querysets refuse instead.
    schema_editor.execute(ENTRY_FUNCTION, params=None)  # the % in RAISE are not placeholders
    schema_editor.execute(STRICT_FUNCTION, params=None)
    for table, function in TRIGGERS.items():
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_entry_append_only();")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_existing_entries")]
    operations = [migrations.RunPython(forwards, backwards)]
