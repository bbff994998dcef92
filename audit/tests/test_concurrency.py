"""Many writers at once, each on its own PostgreSQL connection, leave one unbroken chain."""

import threading

import pytest
from django.db import connections, transaction

from audit.models import AuditEntry
from audit.services import CHAIN_LOCK_KEY, audit_record, audit_seal, audit_verify
from audit.tests.helpers import add_entries, postgresql_only, raw
from core.tests.concurrency import at_once

WRITERS = 60


def _write(n):
    """One writer: five entries in one transaction (a service's), then one on its own (a login's)."""
    with transaction.atomic():
        for i in range(5):
            audit_record(kind=AuditEntry.Kind.DATA, action=AuditEntry.Action.UPDATE, username=f"w{n}", object_id=str(i))
    audit_record(kind=AuditEntry.Kind.ACCESS, action=AuditEntry.Action.LOGIN, username=f"w{n}")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_leave_one_unbroken_chain(caplog):
    outcomes = at_once(*(lambda n=n: _write(n) for n in range(WRITERS)))
    failures = [repr(o) for o in outcomes if isinstance(o, Exception)]

    assert failures == []
    # No seal collided with another (the unique seq would refuse a fork; the lock means none is tried).
    assert not [r for r in caplog.records if r.name == "audit.services"]
    assert AuditEntry.objects.filter(actor_username__startswith="w").count() == WRITERS * 6
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()  # every writer's commit sealed
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    result = audit_verify()
    assert result.ok and result.entries == len(seqs)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_seal_waits_while_another_holds_the_chain():
    add_entries(3)  # autocommit: each is sealed at once
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                raw("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    def sealer():
        try:
            held.wait(10)
            audit_seal()
            done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder), threading.Thread(target=sealer)]
    for thread in threads:
        thread.start()
    assert held.wait(10)
    assert not done.wait(0.5)  # blocked on the lock
    release.set()
    for thread in threads:
        thread.join()
    assert done.is_set()
