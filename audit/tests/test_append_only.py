"""The audit tables refuse UPDATE and DELETE: in PostgreSQL by trigger, everywhere by the models."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AppendOnlyError, AuditEntry, ChainVerification
from audit.services import audit_seal, audit_verify
from audit.tests.helpers import add_entries, postgresql_only, raw


@postgresql_only
def test_raw_sql_update_of_a_sealed_entry_fails(db):
    entry = add_entries(1)[0]
    audit_seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET actor_username = 'someone-else' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.actor_username == "reader"


@postgresql_only
def test_raw_sql_update_of_an_unsealed_entry_fails_too(db):
    """The one update allowed is sealing; even before it, the stored values cannot change."""
    entry = add_entries(1)[0]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET path = '/elsewhere', seq = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET path = '/elsewhere' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.path == "/p/0" and entry.seq is None


@postgresql_only
def test_raw_sql_cannot_reseal_a_sealed_entry(db):
    entry = add_entries(1)[0]
    audit_seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["f" * 64, entry.pk])


@postgresql_only
def test_raw_sql_delete_fails(db):
    entries = add_entries(2)
    audit_seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).count() == 2


@postgresql_only
def test_verification_records_are_append_only_in_the_database(db):
    add_entries(1)
    result = audit_verify()
    for sql in ("UPDATE audit_chainverification SET ok = false WHERE id = %s", "DELETE FROM audit_chainverification"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            raw(sql, [result.pk] if "%s" in sql else [])
    assert ChainVerification.objects.get(pk=result.pk).ok


def test_the_models_refuse_on_every_database(db):
    """SQLite (the embedded demo) has no trigger: the model, its queryset and its manager refuse."""
    entry = add_entries(1)[0]
    entry.object_repr = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update's own atomic block fails
        AuditEntry.objects.bulk_update([entry], ["object_repr"])
    verification = audit_verify()
    with pytest.raises(AppendOnlyError):
        verification.save()
    with pytest.raises(AppendOnlyError):
        ChainVerification.objects.all().delete()
    entry.refresh_from_db()
    assert entry.object_repr == "" and AuditEntry.objects.filter(pk=entry.pk).exists()
