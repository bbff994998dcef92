"""Seal the entries written before the chain existed into it, in id order (format 1, audit.chain)."""

from django.db import migrations

from audit import chain

BATCH = 500


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias)
    head = entries.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = head or (0, chain.GENESIS)
    # In batches, not one cursor over the table being written (SQLite does not isolate the two).
    while batch := list(entries.filter(seq__isnull=True).order_by("id")[:BATCH]):
        for entry in batch:
            seq += 1
            digest = chain.entry_hash(chain.record_of(entry, seq=seq, prev_hash=prev_hash))
            entries.filter(pk=entry.pk).update(seq=seq, prev_hash=prev_hash, hash=digest)
            prev_hash = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]
    # Backwards there is nothing to undo: reversing 0002 drops the chain's columns.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
