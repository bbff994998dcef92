"""The audit administrator exports the trail (CSV streamed, .xlsx) under the list's filters; an outside
party can re-verify every exported hash and link from the file alone."""

import csv
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from audit import chain
from audit.models import AuditEntry
from audit.services import audit_seal
from audit.tests.helpers import add_entries


def _csv_rows(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _verified(rows):
    """Re-verify as an outsider would: each row's hash from its cells, each link to the row before."""
    for row in rows:
        assert chain.entry_hash(chain.record_from_export(row)) == row["hash"], row["id"]
    by_seq = {int(r["seq"]): r for r in rows}
    for seq, row in by_seq.items():
        if seq - 1 in by_seq:
            assert row["prev_hash"] == by_seq[seq - 1]["hash"]
    return rows


def _edit_user(client_for, target, name):
    client_for("sysadmin").post(
        f"/accounts/users/{target.pk}/",
        {"full_name": name, "unit": target.unit_id, "roles": [Role.LANDING], "is_active": "on"},
    )


def test_the_csv_export_has_the_filtered_entries_and_verifies(city, client_for):
    target = city["town_a"]
    _edit_user(client_for, target, "甲 =1+1")
    filters = {"user": "sysadmin", "model": "accounts.User", "object_id": target.pk}
    response = client_for("auditor").get("/audit/export.csv", filters)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _verified(_csv_rows(response))
    expected = AuditEntry.objects.filter(actor_username="sysadmin", model_label="accounts.User", object_id=target.pk)
    assert {int(r["id"]) for r in rows} == set(expected.values_list("id", flat=True)) != set()
    assert all(r["actor_username"] == "sysadmin" and r["object_id"] == str(target.pk) for r in rows)
    assert any("甲 =1+1" in r["changes"] for r in rows)
    assert [int(r["seq"]) for r in rows] == sorted(int(r["seq"]) for r in rows)


def test_the_whole_trail_verifies_from_its_first_entry(city, client_for):
    _edit_user(client_for, city["town_b"], "乙")
    rows = _verified(_csv_rows(client_for("auditor").get("/audit/export.csv")))
    assert [int(r["seq"]) for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == chain.GENESIS
    assert rows[-1]["action"] == AuditEntry.Action.EXPORT and rows[-1]["actor_username"] == "auditor"


def test_the_xlsx_export_verifies_and_keeps_text_as_text(city, client_for):
    target = city["town_a"]
    _edit_user(client_for, target, "=HYPERLINK(1)")
    add_entries(3, prefix="=cmd|' /C calc'!A0")
    response = client_for("auditor").get("/audit/export.xlsx", {"action": AuditEntry.Action.READ})
    assert response.status_code == 200
    rows = _verified(_xlsx_rows(response))
    assert len(rows) == 3 and all(r["action"] == "read" and r["path"].startswith("=cmd") for r in rows)
    full = _verified(_xlsx_rows(client_for("auditor").get("/audit/export.xlsx", {"model": "accounts.User"})))
    assert any("=HYPERLINK(1)" in r["changes"] for r in full)


def test_the_export_is_itself_in_the_trail(city, client_for):
    client_for("auditor").get("/audit/export.csv", {"user": "nobody"})
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.actor_username == "auditor" and entry.path == "/audit/export.csv?user=nobody"


def test_the_export_reads_a_constant_number_of_queries(city, client_for):
    auditor = client_for("auditor")

    def count(n):
        add_entries(n)
        audit_seal()
        with CaptureQueriesContext(connection) as ctx:
            response = auditor.get("/audit/export.csv")
            rows = _csv_rows(response)
        return len(ctx.captured_queries), len(rows)

    (small, small_rows), (large, large_rows) = count(10), count(500)
    assert large_rows > small_rows + 400 and small == large


def test_only_the_audit_administrator_exports(city, client_for):
    for username in ("sysadmin", "deputy", "centre"):
        assert client_for(username).get("/audit/export.csv").status_code == 403
        assert client_for(username).get("/audit/export.xlsx").status_code == 403
