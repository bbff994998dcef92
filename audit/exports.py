"""The audit trail as CSV (streamed, any size) and .xlsx, with all an outside party needs to
re-verify it: every hashed field exactly as hashed, ``seq``, ``prev_hash`` and ``hash`` (the rules are
in ``audit.chain``; ``local_time`` is for reading and not hashed).

The CSV is the exact record: cells are written as they are, so a value that starts with "=" is not
escaped (escaping would change what is hashed); open it in a spreadsheet only through its import.
The .xlsx stores every text cell as text, never as a formula.
"""

import csv
import io
import json

import openpyxl
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell

from audit import chain
from core.errors import ApplicationError

COLUMNS = (
    "seq",
    "id",
    "created_at",
    "local_time",
    "kind",
    "action",
    "actor_id",
    "actor_username",
    "model_label",
    "object_id",
    "object_repr",
    "changes",
    "ip_address",
    "path",
    "status_code",
    "prev_hash",
    "hash",
)
STORED = tuple(c for c in COLUMNS if c != "local_time")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet size, less the header
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def _rows(entries):
    """Chain order (entries still being sealed last), streamed: constant memory at any size."""
    ordered = entries.order_by(F("seq").asc(nulls_last=True), "id").values(*STORED)
    for entry in ordered.iterator(chunk_size=CHUNK):
        yield {
            **entry,
            "created_at": chain.utc_text(entry["created_at"]),
            "local_time": f"{timezone.localtime(entry['created_at']):%Y-%m-%d %H:%M:%S}",
            "changes": json.dumps(entry["changes"], sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        }


def _cells(row):
    return ["" if row[c] is None else row[c] for c in COLUMNS]


class _Echo:
    """A file whose write returns what it is given, so csv.writer yields lines one by one."""

    def write(self, value):
        return value


def csv_lines(entries):
    """The CSV, line by line, for a StreamingHttpResponse (a BOM first, so spreadsheets read UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in _rows(entries):
        yield writer.writerow(_cells(row))


def xlsx_bytes(entries):
    """The .xlsx file; refuses more rows than a sheet holds (the CSV has no limit)."""
    if entries.count() > XLSX_MAX_ROWS:
        raise ApplicationError(_("Too many entries for one Excel sheet: narrow the filters, or export CSV."))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("audit")
    sheet.freeze_panes = "A2"
    sheet.append(COLUMNS)
    for row in _rows(entries):
        cells = []
        for value in _cells(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
