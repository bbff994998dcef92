"""Indicator data in and out of Excel: the bureau's template (pre-filled with what it owes) and the import.

The import is all or nothing: every row goes through ``services.indicator_submit`` (the same rule as the
form and the API: only the owning bureau supplies an indicator), and any bad row refuses the whole file,
named by row and column. A value already recorded is left as it is, so the same file twice changes nothing.
Amounts are typed in 万元, energy in tonnes of standard coal equivalent (吨标准煤).
"""

import datetime
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

import openpyxl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.scoping import require, visible_to
from core.errors import ApplicationError
from core.units import YUAN_PER_WAN, wan_to_yuan, yuan_to_wan
from monitoring import services
from monitoring.models import Indicator, IndicatorValue
from projects.excel import (
    ZIP_SIGNATURE,
    ImportRefused,
    RowError,
    _decimal,
    _DryRun,
    _is_blank,
    _norm,
    _not_xlsx,
    _save,
    _style_header,
)
from projects.models import Project

SHEET = "指标数据"
MAX_ROWS = 20000
CODE = "项目编号"
NAME = "项目名称"
INDICATOR = "指标"
YEAR = "年度"
VALUE = "数值"
HEADERS = [CODE, NAME, INDICATOR, YEAR, VALUE]
READ = [CODE, INDICATOR, YEAR, VALUE]  # the name is there for the reader; the code decides
# The sheet's names for the indicators, with the unit they are typed in.
SHEET_NAMES = {
    Indicator.INVESTMENT: "固定资产投资（万元）",
    Indicator.TAX: "纳税额（万元）",
    Indicator.ENERGY: "综合能耗（吨标准煤）",
    Indicator.VALUE_ADDED: "工业增加值（万元）",
    Indicator.OUTPUT: "产值（万元）",
    Indicator.RD: "研发投入（万元）",
}
IN_TCE = {Indicator.ENERGY}


def to_sheet(indicator, value):
    return value if indicator in IN_TCE else yuan_to_wan(value)


def from_sheet(indicator, value):
    return value if indicator in IN_TCE else wan_to_yuan(value)


@dataclass
class ParsedValue:
    number: int
    project: Project
    indicator: str
    year: int
    value: Decimal  # stored unit: yuan, or tce


@dataclass
class ImportOutcome:
    rows: list = field(default_factory=list)
    created: int = 0
    unchanged: int = 0


# The template ------------------------------------------------------------------------------------------


def build_template(rows=()):
    """The sheet to fill in; ``rows`` (project, indicator, year) pre-fill what a bureau still owes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    _style_header(sheet, HEADERS)
    for project, indicator, year in rows:
        sheet.append([project.code, project.name, SHEET_NAMES[indicator], year, None])
    names = DataValidation(
        type="list", formula1='"' + ",".join(SHEET_NAMES.values()) + '"', allow_blank=True, showErrorMessage=False
    )
    names.add(f"C2:C{MAX_ROWS + 1}")
    sheet.add_data_validation(names)
    notes = workbook.create_sheet("说明")
    for line in (
        ["每行填写一个项目一个年度的一项指标；项目名称仅供核对，以项目编号为准。"],
        ["金额以万元填写，综合能耗以吨标准煤填写；不得为负数。"],
        ["整个文件全部校验通过才会导入；任何一行有误，整个文件不导入，并列明行号和原因。"],
        ["已录入且数值相同的指标不会重复记录；数值不同的视为更正，保留历史版本。"],
        ["只能导入本单位负责报送的指标。"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 90
    return _save(workbook)


# Reading -----------------------------------------------------------------------------------------------


def _read(fileobj, sheet_name, parse):
    """Open an uploaded workbook and ``parse`` its sheet (by name, else the first); anything that is not a
    readable .xlsx is one error for the whole file. Returns (rows, errors)."""
    head = fileobj.read(len(ZIP_SIGNATURE))
    fileobj.seek(0)
    if head != ZIP_SIGNATURE:
        return [], _not_xlsx().errors
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ParseError):
        return [], _not_xlsx().errors
    try:
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
        return parse(sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError):
        return [], _not_xlsx().errors
    finally:
        workbook.close()


def parse_indicators(fileobj, *, actor):
    """The rows of the sheet, checked cell by cell; returns (rows, errors)."""
    return _read(fileobj, SHEET, lambda sheet: _parse_sheet(sheet, actor))


def _parse_sheet(sheet, actor):
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    positions = {}
    wanted = {_norm(h): h for h in HEADERS}
    for index, value in enumerate(header):
        if not _is_blank(value) and _norm(value) in wanted:
            positions.setdefault(wanted[_norm(value)], index)
    missing = [h for h in READ if h not in positions]
    if missing:
        return [], [RowError(1, h, _("This column is missing from the header row.")) for h in missing]

    raw = []
    for number, values in enumerate(lines, start=2):
        if all(_is_blank(v) for v in values):
            continue
        if len(raw) >= MAX_ROWS:
            return [], [RowError(number, "", _("The file has more than %(max)d rows.") % {"max": MAX_ROWS})]
        raw.append((number, {h: values[i] if i < len(values) else None for h, i in positions.items()}))
    if not raw:
        return [], [RowError(None, "", _("The sheet has no data rows."))]

    codes = {str(cells[CODE]).strip() for _n, cells in raw if not _is_blank(cells[CODE])}
    projects = {p.code: p for p in visible_to(actor, Project.objects.filter(code__in=codes))}
    by_name = {_norm(name): indicator for indicator, name in SHEET_NAMES.items()}
    by_name |= {_norm(i.value): i.value for i in Indicator}
    this_year = timezone.localdate().year
    rows, errors, seen = [], [], {}
    for number, cells in raw:
        row_errors = []

        def error(column, message, row_errors=row_errors, number=number):
            row_errors.append(RowError(number, column, message))

        code = "" if _is_blank(cells[CODE]) else str(cells[CODE]).strip()
        project = projects.get(code)
        if not code:
            error(CODE, _("Required."))
        elif project is None:
            error(CODE, _("No project has the number %(code)s.") % {"code": code})
        indicator = None if _is_blank(cells[INDICATOR]) else by_name.get(_norm(cells[INDICATOR]))
        if indicator is None:
            error(INDICATOR, _("Choose one of: %(names)s.") % {"names": "、".join(SHEET_NAMES.values())})
        year = cells[YEAR]
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year.strip())
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= this_year:
            error(YEAR, _("A year from 2000 to %(year)d.") % {"year": this_year})
            year = None
        amount = _decimal(cells[VALUE])
        value = None
        if amount is None:
            error(VALUE, _("A number is required."))
        elif amount < 0:
            error(VALUE, _("Must not be negative."))
        elif indicator is not None:
            exact = amount if indicator in IN_TCE else amount * YUAN_PER_WAN
            try:
                value = from_sheet(indicator, amount)
            except InvalidOperation:
                error(VALUE, _("This number is too large."))
            else:
                if value != exact:  # more decimals than a fen (or 0.01 tce) would be rounded away
                    error(VALUE, _("Too many decimal places."))
        if not row_errors:
            key = (project.pk, indicator, year)
            if key in seen:
                error(INDICATOR, _("Row %(row)d already gives this indicator for this year.") % {"row": seen[key]})
            seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(ParsedValue(number, project, indicator, year, value))
    return rows, errors


def import_indicators(*, actor, fileobj, dry_run=False, progress=None):
    """Record the file's values, all or nothing. ``dry_run`` does it and rolls it back (the check)."""
    require(actor, "indicator.import")
    rows, errors = parse_indicators(fileobj, actor=actor)
    if errors:
        raise ImportRefused(errors)
    try:
        with transaction.atomic():
            outcome = _submit_all(actor, rows, progress)
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as done:
        return done.outcome
    return outcome


def _submit_all(actor, rows, progress):
    """Every row through ``services.indicator_submit_many``: indicator_submit's rule, rows, history and audit
    entries for each, in a few queries for the whole file."""
    outcome = ImportOutcome(rows=rows)
    if progress:
        progress(0, len(rows))
    results = services.indicator_submit_many(
        actor=actor,
        items=[(row.project, row.indicator, row.year, row.value) for row in rows],
        source=IndicatorValue.Source.IMPORT,
    )
    errors = []
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, PermissionDenied):
            errors.append(RowError(row.number, INDICATOR, str(result)))
        elif isinstance(result, ApplicationError):
            errors.append(RowError(row.number, VALUE, result.message))
        elif result is None:  # would have been written, had no other row failed
            continue
        elif result[1]:
            outcome.created += 1
        else:
            outcome.unchanged += 1
    if errors:
        raise ImportRefused(errors)
    if progress:
        progress(len(rows), len(rows))
    return outcome


def preview_cells(row):
    return [
        row.project.code,
        row.project.name,
        SHEET_NAMES[row.indicator],
        row.year,
        to_sheet(row.indicator, row.value),
    ]


def record(job, outcome):
    job.rows = len(outcome.rows)
    job.counts = {"created": outcome.created, "unchanged": outcome.unchanged}


# Equity changes (市场监管 records) ---------------------------------------------------------------------------

EQUITY_SHEET = "股权变更"
USCC = "统一社会信用代码"
COMPANY_NAME = "企业名称"
REGISTERED_ON = "登记日期"
TRANSFEROR = "转让方"
TRANSFEREE = "受让方"
SHARE = "转让比例（%）"
CONTROL = "控制权变更"
APPROVAL = "事先批准文号"
EQUITY_HEADERS = [USCC, COMPANY_NAME, REGISTERED_ON, TRANSFEROR, TRANSFEREE, SHARE, CONTROL, APPROVAL]
EQUITY_READ = [USCC, REGISTERED_ON, TRANSFEROR, TRANSFEREE, SHARE]
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", ""})


@dataclass
class ParsedChange:
    number: int
    company: object
    fields: dict


@dataclass
class EquityOutcome:
    rows: list = field(default_factory=list)
    created: int = 0
    unchanged: int = 0


def build_equity_template():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = EQUITY_SHEET
    sheet.append(EQUITY_HEADERS)
    _style_header(sheet, EQUITY_HEADERS)
    notes = workbook.create_sheet("说明")
    for line in (
        ["每行一条股权变更登记；以统一社会信用代码识别企业，企业名称仅供核对。"],
        ["登记日期填写日期；转让比例填写百分数（如 30 表示 30%）；控制权变更填“是”或“否”。"],
        ["经事先批准的转让须填写批准文号；未填写的视为未经批准。"],
        ["整个文件全部校验通过才会导入；同一条登记重复导入不会重复记录。"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 90
    return _save(workbook)


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def parse_equity_changes(fileobj):
    return _read(fileobj, EQUITY_SHEET, _parse_equity_sheet)


def _parse_equity_sheet(sheet):
    from projects.models import Company

    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    wanted = {_norm(h): h for h in EQUITY_HEADERS}
    positions = {}
    for index, value in enumerate(header):
        if not _is_blank(value) and _norm(value) in wanted:
            positions.setdefault(wanted[_norm(value)], index)
    missing = [h for h in EQUITY_READ if h not in positions]
    if missing:
        return [], [RowError(1, h, _("This column is missing from the header row.")) for h in missing]
    raw = []
    for number, values in enumerate(lines, start=2):
        if all(_is_blank(v) for v in values):
            continue
        if len(raw) >= MAX_ROWS:
            return [], [RowError(number, "", _("The file has more than %(max)d rows.") % {"max": MAX_ROWS})]
        raw.append((number, {h: values[i] if i < len(values) else None for h, i in positions.items()}))
    if not raw:
        return [], [RowError(None, "", _("The sheet has no data rows."))]
    codes = {str(c[USCC]).strip().upper() for _n, c in raw if not _is_blank(c[USCC])}
    companies = {c.uscc: c for c in Company.objects.filter(uscc__in=codes)}
    rows, errors = [], []
    for number, cells in raw:
        row_errors = []

        def error(column, message, row_errors=row_errors, number=number):
            row_errors.append(RowError(number, column, message))

        code = "" if _is_blank(cells[USCC]) else str(cells[USCC]).strip().upper()
        company = companies.get(code)
        if not code:
            error(USCC, _("Required."))
        elif company is None:
            error(USCC, _("No registered investor has this credit code: %(code)s.") % {"code": code})
        registered_on = _date(cells[REGISTERED_ON])
        if registered_on is None:
            error(REGISTERED_ON, _("A date is required, such as 2026-03-01."))
        names = {}
        for column in (TRANSFEROR, TRANSFEREE):
            names[column] = "" if _is_blank(cells[column]) else str(cells[column]).strip()
            if not names[column]:
                error(column, _("Required."))
        share = _decimal(cells[SHARE])
        if share is None or not Decimal("0.01") <= share <= Decimal(100):
            error(SHARE, _("A percentage from 0.01 to 100."))
        control_text = "" if _is_blank(cells.get(CONTROL)) else _norm(cells[CONTROL])
        if control_text not in YES_WORDS | NO_WORDS:
            error(CONTROL, _("Write 是 or 否."))
        approval = "" if _is_blank(cells.get(APPROVAL)) else str(cells[APPROVAL]).strip()
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            ParsedChange(
                number,
                company,
                {
                    "registered_on": registered_on,
                    "transferor": names[TRANSFEROR],
                    "transferee": names[TRANSFEREE],
                    "share": share.quantize(Decimal("0.01")),
                    "change_of_control": control_text in YES_WORDS,
                    "approved": bool(approval),
                    "approval_reference": approval,
                },
            )
        )
    return rows, errors


def import_equity_changes(*, actor, fileobj, dry_run=False, progress=None):
    """Record the file's equity changes, all or nothing; a registration already recorded is left as it is."""
    require(actor, "equity_change.record")
    rows, errors = parse_equity_changes(fileobj)
    if errors:
        raise ImportRefused(errors)
    try:
        with transaction.atomic():
            outcome = EquityOutcome(rows=rows)
            refused = []
            for done, row in enumerate(rows):
                if progress and done % 100 == 0:
                    progress(done, len(rows))
                try:
                    _change, created = services.equity_change_record(actor=actor, company=row.company, **row.fields)
                except ApplicationError as exc:
                    refused.append(RowError(row.number, SHARE, exc.message))
                    continue
                if created:
                    outcome.created += 1
                else:
                    outcome.unchanged += 1
            if refused:
                raise ImportRefused(refused)
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as done:
        return done.outcome
    return outcome


def equity_preview_cells(row):
    f = row.fields
    return [
        row.company.uscc,
        row.company.name,
        f["registered_on"],
        f["transferor"],
        f["transferee"],
        f["share"],
        "是" if f["change_of_control"] else "否",
        f["approval_reference"],
    ]


def equity_record(job, outcome):
    job.rows = len(outcome.rows)
    job.counts = {"created": outcome.created, "unchanged": outcome.unchanged}
