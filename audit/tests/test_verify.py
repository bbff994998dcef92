"""The hash chain: sealing after commit, and ``manage.py verify_audit`` finding the first broken link."""

import datetime
import hashlib
import importlib
import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from audit import chain
from audit.models import AuditEntry, ChainVerification
from audit.services import audit_seal, audit_verify
from audit.tests.helpers import add_entries, raw, triggers_off


def _verify():
    """Run the command; returns (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def test_an_intact_chain_verifies_with_its_count(db):
    add_entries(5)
    status, output = _verify()
    assert status == 0
    result = ChainVerification.objects.get()
    assert result.ok and result.entries == AuditEntry.objects.count() >= 5
    assert f"{result.entries} entries" in output and result.head_hash in output
    assert result.head_hash == AuditEntry.objects.get(seq=result.head_seq).hash


def test_the_hash_covers_exactly_what_is_stored(db):
    """Microseconds in UTC, Chinese text unescaped, JSON with sorted keys; the first entry links to 64 zeros."""
    when = datetime.datetime(2026, 3, 1, 16, 30, 15, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    entry = AuditEntry.objects.create(
        created_at=when,
        kind=AuditEntry.Kind.DATA,
        action=AuditEntry.Action.UPDATE,
        actor_username="centre",
        object_repr="宗汉街道",
        changes=[{"field": "name", "before": "甲", "after": "乙"}],
    )
    audit_seal()
    entry.refresh_from_db()
    assert (entry.seq, entry.prev_hash) == (1, chain.GENESIS)
    text = chain.canonical(chain.record_of(entry)).decode()
    assert '"created_at":"2026-03-01T08:30:15.123456+00:00"' in text
    assert '"changes":[{"after":"乙","before":"甲","field":"name"}]' in text and "宗汉街道" in text
    assert entry.hash == hashlib.sha256(text.encode()).hexdigest()


def test_an_edited_entry_is_reported_exactly(db):
    entries = add_entries(6)
    audit_seal()
    target = entries[3]
    with triggers_off():
        assert raw("UPDATE audit_auditentry SET path = '/nothing-to-see' WHERE id = %s", [target.pk]) == 1
    status, output = _verify()
    assert status == 1
    result = ChainVerification.objects.get()
    assert not result.ok
    assert (result.problem, result.entry_id) == (ChainVerification.Problem.CONTENT, target.pk)
    assert f"#{target.pk}" in output and "do not match its hash" in output
    target.refresh_from_db()
    assert result.entry_seq == target.seq and result.entry_created_at == target.created_at


def test_an_edited_time_is_reported(db):
    entries = add_entries(3)
    audit_seal()
    with triggers_off():
        raw(
            "UPDATE audit_auditentry SET created_at = created_at - interval '1 microsecond' WHERE id = %s"
            if connection.vendor == "postgresql"
            else "UPDATE audit_auditentry SET created_at = '2000-01-01 00:00:00' WHERE id = %s",
            [entries[1].pk],
        )
    result = audit_verify()
    assert (result.ok, result.entry_id) == (False, entries[1].pk)


def test_an_entry_rehashed_after_editing_breaks_the_next_link(db):
    entries = add_entries(4)
    audit_seal()
    target = AuditEntry.objects.get(pk=entries[1].pk)
    forged = chain.entry_hash({**chain.record_of(target), "path": "/forged"})
    with triggers_off():
        raw("UPDATE audit_auditentry SET path = '/forged', hash = %s WHERE id = %s", [forged, target.pk])
    result = audit_verify()
    assert (result.ok, result.problem, result.entry_id) == (False, ChainVerification.Problem.LINK, entries[2].pk)


def test_a_deleted_middle_entry_is_reported(db):
    entries = add_entries(5)
    audit_seal()
    gone = AuditEntry.objects.get(pk=entries[2].pk)
    with triggers_off():
        assert raw("DELETE FROM audit_auditentry WHERE id = %s", [gone.pk]) == 1
    status, output = _verify()
    assert status == 1
    result = ChainVerification.objects.get()
    assert result.problem == ChainVerification.Problem.MISSING
    assert result.entry_id == entries[3].pk and f"Sequence {gone.seq} is missing" in result.detail
    assert f"#{entries[3].pk}" in output


def test_entries_removed_from_the_end_after_a_verification_are_reported(db):
    entries = add_entries(4)
    assert audit_verify().ok
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    result = audit_verify()
    assert (result.ok, result.problem) == (False, ChainVerification.Problem.TRUNCATED)


def test_entries_are_sealed_when_their_transaction_commits(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # One INSERT per entry, and no lock, inside the caller's transaction.
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), django_assert_num_queries(3):
        entries = add_entries(3)
    assert len(callbacks) == 1  # one seal for the transaction
    assert all(AuditEntry.objects.get(pk=e.pk).seq is None for e in entries)
    callbacks[0]()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()


def test_verification_reads_a_constant_number_of_queries(db):
    def count(n):
        add_entries(n - AuditEntry.objects.count())
        audit_seal()
        with CaptureQueriesContext(connection) as ctx:
            assert audit_verify().ok
        return len(ctx.captured_queries)

    assert count(10) == count(300)


def test_the_data_migration_chains_the_entries_already_there(db):
    add_entries(4)
    migration = importlib.import_module("audit.migrations.0003_chain_existing_entries")
    state = MigrationExecutor(connection).loader.project_state(("audit", "0003_chain_existing_entries"))
    migration.forwards(state.apps, SimpleNamespace(connection=connection))
    sealed = list(AuditEntry.objects.order_by("seq").values_list("seq", "id"))
    assert [s for s, _ in sealed] == list(range(1, len(sealed) + 1))
    assert [i for _, i in sealed] == sorted(i for _, i in sealed)  # in id order
    assert audit_verify().ok


def test_the_audit_page_shows_whether_the_chain_verifies(city, client_for):
    auditor = client_for("auditor")
    assert 'data-testid="chain-ok"' not in auditor.get("/audit/").content.decode()
    assert audit_verify().ok
    assert 'data-testid="chain-ok"' in auditor.get("/audit/").content.decode()
    entry = AuditEntry.objects.order_by("seq")[2]
    with triggers_off():
        raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = %s", [entry.pk])
    assert not audit_verify().ok
    body = auditor.get("/audit/").content.decode()
    assert 'data-testid="chain-broken"' in body and f"/audit/{entry.pk}/" in body


@pytest.mark.usefixtures("db")
def test_the_nightly_task_records_its_run():
    from audit.tasks import verify_chain
    from core.models import TaskRun

    add_entries(2)
    counts = verify_chain.apply().get()
    assert counts["ok"] is True and counts["entries"] >= 2
    assert TaskRun.objects.get(task="audit.tasks.verify_chain").outcome == TaskRun.Outcome.SUCCESS
