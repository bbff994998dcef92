"""Helpers for the audit tests: entries to chain, and raw SQL that goes around the model's refusals."""

import contextlib

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.services import audit_record

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")


def add_entries(n, *, prefix="/p"):
    """``n`` read entries (not yet sealed: the test's transaction never commits)."""
    return [
        audit_record(
            kind=AuditEntry.Kind.ACCESS, action=AuditEntry.Action.READ, username="reader", path=f"{prefix}/{i}"
        )
        for i in range(n)
    ]


@contextlib.contextmanager
def triggers_off():
    """Switch the append-only triggers off, as someone with the database owner's rights could."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
