"""Entries written in bulk (imports: ``audit_history_records``): the same chain, verified like any other."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from audit.models import AuditEntry, ChainVerification
from audit.services import audit_history_records, audit_verify
from audit.tests.helpers import add_entries, postgresql_only, raw, triggers_off
from core.tests.concurrency import at_once
from projects.models import Company


def _companies(n, start=0):
    return Company.objects.bulk_create(
        [Company(name=f"企业{i}", uscc=f"91330000{i:010d}") for i in range(start, start + n)]
    )


def _audit(companies, *, update=False):
    records = Company.history.bulk_history_create(companies, update=update)
    return audit_history_records([(record, company, None) for record, company in zip(records, companies, strict=True)])


@pytest.mark.django_db(transaction=True)
def test_a_bulk_batch_verifies_between_single_entries_and_an_edit_in_it_is_reported():
    with transaction.atomic():
        add_entries(2)  # written one by one: sealed after the commit
        companies = _companies(3)
        created = _audit(companies)
        for company in companies:
            company.name += "（更名）"
        Company.objects.bulk_update(companies, ["name"])
        changed = _audit(companies, update=True)
        add_entries(1)
    call_command("verify_audit")  # raises CommandError when broken
    assert ChainVerification.objects.get().ok
    bulk = created + changed
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in bulk]).order_by("seq"))
    assert [e.pk for e in stored] == [e.pk for e in bulk]  # in the order given, one after the other
    assert [e.seq for e in stored] == list(range(stored[0].seq, stored[0].seq + 6))
    assert [e.action for e in stored] == ["create"] * 3 + ["update"] * 3
    assert stored[3].changes == [{"field": "name", "before": "企业0", "after": "企业0（更名）"}]
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()

    target = stored[4]
    with triggers_off():
        raw("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = %s", [target.pk])
    result = audit_verify()
    assert (result.ok, result.problem, result.entry_id) == (False, ChainVerification.Problem.CONTENT, target.pk)


@pytest.mark.django_db(transaction=True)
def test_an_address_the_database_may_spell_differently_is_sealed_after_the_commit_as_stored():
    HistoricalRecords.context.request = RequestFactory().get("/", REMOTE_ADDR="2001:0db8:0000::0001")
    try:
        with transaction.atomic():
            entries = _audit(_companies(2))
            assert not AuditEntry.objects.filter(pk__in=[e.pk for e in entries], seq__isnull=False).exists()
    finally:
        del HistoricalRecords.context.request
    stored = AuditEntry.objects.filter(pk__in=[e.pk for e in entries])
    assert {e.ip_address for e in stored} == {"2001:db8::1"} and all(e.seq for e in stored)
    assert audit_verify().ok


def test_a_batch_takes_as_many_queries_for_many_entries_as_for_few(db):
    def queries(n, start):
        companies = _companies(n, start)
        with CaptureQueriesContext(connection) as ctx:
            _audit(companies)
            for company in companies:
                company.name += "（更名）"
            _audit(companies, update=True)  # with the look-up of each one's record before
        return len(ctx.captured_queries)

    assert queries(3, 0) == queries(60, 100)
    assert AuditEntry.objects.filter(model_label="projects.Company").count() == 2 * (3 + 60)
    assert audit_verify().ok


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_bulk_and_single_writers_at_once_leave_one_unbroken_chain(caplog):
    """Half the writers write a batch (sealed as written, the lock held to their commit), half write entries
    one by one (sealed after their commit): each on its own connection, all at once."""
    writers = 20

    def writer(n):
        with transaction.atomic():
            if n % 2:
                _audit(_companies(5, start=n * 10))
            else:
                add_entries(5, prefix=f"/w{n}")
        add_entries(1, prefix=f"/login{n}")

    outcomes = at_once(*(lambda n=n: writer(n) for n in range(writers)))
    failures = [repr(o) for o in outcomes if isinstance(o, Exception)]

    assert failures == []
    assert not [r for r in caplog.records if r.name == "audit.services"]
    assert AuditEntry.objects.filter(model_label="projects.Company").count() == writers // 2 * 5
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    result = audit_verify()
    assert result.ok and result.entries == len(seqs)
