"""Projects (and their investors) in and out of Excel: the import template, the import, the export.

The sheet is Chinese whatever the interface language: its headers are the contract with the people
who fill it in. Amounts are typed in 万元 and land in 亩; the services receive yuan and m².
Every row goes through ``services.company_create`` and ``services.project_create``, so an import
obeys exactly the rules the forms obey, and a file with any bad row changes nothing.
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from xml.etree.ElementTree import ParseError

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Unit
from accounts.scoping import require
from core.errors import ApplicationError
from core.units import m2_to_mu, mu_to_m2, wan_to_yuan, yuan_to_wan
from projects import services
from projects.models import Channel, Company, Industry, LandMode, Partner, Project
from projects.validators import validate_uscc

SHEET = "项目"
NOTES_SHEET = "说明"
SHEET_LANGUAGE = "zh-hans"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_ROWS = 5000
YES, NO = "是", "否"

NAME = "项目名称"
COMPANY = "投资主体名称"
USCC = "统一社会信用代码"
INDUSTRY = "行业代码"
LANDING_UNIT = "落地单位"
ATTRACTING_UNIT = "招引单位"
CHANNEL = "招引渠道"
PARTNER = "合作方"
INVESTMENT = "总投资（万元）"
FOREIGN_CAPITAL = "外资（万美元）"
LAND_MODE = "用地方式"
LAND_AREA = "用地面积（亩）"
OUTPUT = "预计年产值（万元）"
TAX = "预计年税收（万元）"
REINVESTMENT = "利润再投资"
KEY_CHAIN = "重点产业链"
DESCRIPTION = "项目简介"
CODE = "项目编号"
STAGE = "阶段"

HEADERS = [
    NAME,
    COMPANY,
    USCC,
    INDUSTRY,
    LANDING_UNIT,
    ATTRACTING_UNIT,
    CHANNEL,
    PARTNER,
    INVESTMENT,
    FOREIGN_CAPITAL,
    LAND_MODE,
    LAND_AREA,
    OUTPUT,
    TAX,
    REINVESTMENT,
    KEY_CHAIN,
    DESCRIPTION,
]
EXPORT_HEADERS = [CODE, STAGE, *HEADERS]
OPTIONAL = frozenset({PARTNER, FOREIGN_CAPITAL, LAND_AREA, REINVESTMENT, KEY_CHAIN, DESCRIPTION})

# What the 说明 sheet says about each column.
HELP = {
    NAME: "项目的名称，最多 200 字。",
    COMPANY: "投资主体（企业）全称。系统中已有同一统一社会信用代码的企业时沿用已有企业，否则新建。",
    USCC: "18 位统一社会信用代码，系统会核对第 18 位校验码。同一文件中同一代码的企业名称必须一致。",
    INDUSTRY: "国民经济行业分类（GB/T 4754-2017）大类代码，两位数字，如 39。见下方行业代码表。",
    LANDING_UNIT: "落地单位的单位代码或全称（镇街道、平台或市属公司）。镇街道只能导入本单位的项目。",
    ATTRACTING_UNIT: "招引单位的单位代码或全称。",
    CHANNEL: "招引渠道的名称或代码，见下方列表。",
    PARTNER: "可不填。合作方（中介机构、招商大使、商会等）的名称，须已在渠道合作方库中登记，且与招引渠道一致。",
    INVESTMENT: "项目总投资，单位万元，非负数。",
    FOREIGN_CAPITAL: "可不填。外资金额，单位万美元，非负数。",
    LAND_MODE: "用地方式的名称或代码，见下方列表。",
    LAND_AREA: "可不填。用地面积，单位亩，非负数；用地方式为不用地时须为空或 0。",
    OUTPUT: "预计达产后年产值，单位万元，非负数。",
    TAX: "预计达产后年税收，单位万元，非负数。",
    REINVESTMENT: "可不填（视为否）。是否利润再投资项目：是 / 否。",
    KEY_CHAIN: "可不填（视为否）。是否带动重点产业链：是 / 否。",
    DESCRIPTION: "可不填。项目简介。",
}

# Which column a service's field error belongs to.
PROJECT_FIELD_COLUMNS = {
    "name": NAME,
    "investor": COMPANY,
    "industry": INDUSTRY,
    "landing_unit": LANDING_UNIT,
    "attracting_unit": ATTRACTING_UNIT,
    "channel": CHANNEL,
    "partner": PARTNER,
    "total_investment": INVESTMENT,
    "foreign_capital_usd": FOREIGN_CAPITAL,
    "land_mode": LAND_MODE,
    "land_area_m2": LAND_AREA,
    "expected_annual_output": OUTPUT,
    "expected_annual_tax": TAX,
    "is_profit_reinvestment": REINVESTMENT,
    "is_key_chain": KEY_CHAIN,
    "description": DESCRIPTION,
}
COMPANY_FIELD_COLUMNS = {"name": COMPANY, "uscc": USCC}

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×"})


class RowError(NamedTuple):
    """One bad cell: the spreadsheet's row number (the header is row 1), the column, the reason."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else ""
        if self.column:
            where = f"{where} {self.column}".strip()
        return f"{where}：{self.message}" if where else self.message


@dataclass
class ParsedRow:
    number: int
    company_name: str
    uscc: str
    fields: dict  # keyword arguments of services.project_create, in yuan and m², without the investor


@dataclass
class ParseResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@dataclass
class ImportOutcome:
    companies_created: int
    projects_created: int
    rows: list = field(default_factory=list)


class ImportRefused(ApplicationError):
    """The file was not imported; ``row_errors`` says where and why, row by row."""

    def __init__(self, row_errors):
        self.row_errors = sorted(row_errors, key=lambda e: (e.row or 0, _column_order(e.column)))
        count = len(self.row_errors)
        super().__init__(
            ngettext(
                "The file has %(count)d error; nothing was imported.",
                "The file has %(count)d errors; nothing was imported.",
                count,
            )
            % {"count": count},
            errors={"file": [str(e) for e in self.row_errors]},
        )


class _DryRun(Exception):
    """Carries a dry run's outcome out of the transaction it rolls back."""

    def __init__(self, outcome):
        self.outcome = outcome


def _column_order(column):
    return HEADERS.index(column) if column in HEADERS else -1


def _norm(value):
    """What a person may type differently and mean the same: width of brackets, spaces, case."""
    text = str(value).replace("（", "(").replace("）", ")")
    return "".join(text.split()).casefold()


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


# The template --------------------------------------------------------------------------------------


def _choice_labels(choices):
    """(value, label in the sheet's language) for a TextChoices class."""
    with translation.override(SHEET_LANGUAGE):
        return [(value, str(label)) for value, label in choices.choices]


def build_template():
    """The import template: the 项目 sheet to fill in and the 说明 sheet that explains it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    _style_header(sheet, HEADERS)
    sheet.freeze_panes = "A2"
    # Codes typed as numbers lose their leading zeros and digits: the code columns are text.
    for header in (USCC, INDUSTRY):
        sheet.column_dimensions[get_column_letter(HEADERS.index(header) + 1)].number_format = "@"

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 40
    notes.column_dimensions["C"].width = 90
    notes.append(["项目导入模板说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            "在“项目”工作表第 2 行起每行填写一个项目，不要修改第 1 行的列名。金额单位为万元（外资为万美元），"
            "面积单位为亩。文件中任何一处有误时整份文件都不会导入，系统会逐行列出所有错误。"
        ]
    )
    notes.append([])
    notes.append(["列名", "是否必填", "填写说明"])
    _bold_row(notes)
    for header in HEADERS:
        notes.append([header, "选填" if header in OPTIONAL else "必填", HELP[header]])

    lists = {}
    notes.append([])
    notes.append(["单位（落地单位、招引单位填代码或全称）"])
    _bold_row(notes)
    notes.append(["单位代码", "单位全称", "可作落地单位"])
    _bold_row(notes)
    # Landing units first, so the landing unit's drop-down lists only them.
    units = sorted(Unit.objects.filter(is_active=True), key=lambda u: (not u.is_landing_unit, u.kind, u.code))
    first = notes.max_row + 1
    for unit in units:
        notes.append([unit.code, unit.name, YES if unit.is_landing_unit else NO])
    lists["units"] = (first, notes.max_row)
    lists["landing_units"] = (first, first + sum(u.is_landing_unit for u in units) - 1)

    for key, title, choices in (
        ("channels", "招引渠道（填名称或代码）", Channel),
        ("land_modes", "用地方式（填名称或代码）", LandMode),
    ):
        notes.append([])
        notes.append([title])
        _bold_row(notes)
        notes.append(["代码", "名称"])
        _bold_row(notes)
        first = notes.max_row + 1
        for value, label in _choice_labels(choices):
            notes.append([value, label])
        lists[key] = (first, notes.max_row)

    notes.append([])
    notes.append(["行业代码（GB/T 4754-2017 大类）"])
    _bold_row(notes)
    notes.append(["大类代码", "名称", "门类"])
    _bold_row(notes)
    for industry in Industry.objects.filter(section__isnull=False).select_related("section").order_by("code"):
        notes.append([industry.code, industry.name, f"{industry.section.code} {industry.section.name}"])

    for header, key in (
        (CHANNEL, "channels"),
        (LAND_MODE, "land_modes"),
        (LANDING_UNIT, "landing_units"),
        (ATTRACTING_UNIT, "units"),
    ):
        first, last = lists[key]
        _add_list_validation(sheet, header, f"'{NOTES_SHEET}'!$B${first}:$B${last}")
    for header in (REINVESTMENT, KEY_CHAIN):
        _add_list_validation(sheet, header, f'"{YES},{NO}"')
    return _save(workbook)


def _style_header(sheet, headers):
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)


def _bold_row(sheet):
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _add_list_validation(sheet, header, formula):
    # Free text stays allowed (codes are accepted too); the list is a convenience, the import decides.
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    letter = get_column_letter(HEADERS.index(header) + 1)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def _save(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Reading ---------------------------------------------------------------------------------------------


class _Lookups:
    """Everything a row may name, loaded once per file (a constant number of queries)."""

    def __init__(self):
        self.units = {}
        for unit in Unit.objects.filter(is_active=True):
            self.units[_norm(unit.code)] = unit
            self.units[_norm(unit.name)] = unit
        self.industries = {i.code: i for i in Industry.objects.filter(section__isnull=False).select_related("section")}
        self.partners = {}
        for partner in Partner.objects.filter(is_active=True):
            self.partners.setdefault(_norm(partner.name), []).append(partner)
        self.channels = self._choices(Channel)
        self.land_modes = self._choices(LandMode)

    @staticmethod
    def _choices(choices):
        found = {}
        for value, label in choices.choices:
            found[_norm(value)] = value
            for language in (SHEET_LANGUAGE, "en"):
                with translation.override(language):
                    found[_norm(label)] = value
        return found


class _Row:
    """Reads the cells of one row, noting every bad one."""

    def __init__(self, number, values, positions, errors):
        self.number = number
        self.values = values
        self.positions = positions
        self.errors = errors
        self.bad = False

    def error(self, header, message):
        self.bad = True
        self.errors.append(RowError(self.number, header, str(message)))

    def raw(self, header):
        index = self.positions[header]
        return self.values[index] if index < len(self.values) else None

    def present(self, header):
        value = self.raw(header)
        if _is_blank(value):
            if header not in OPTIONAL:
                self.error(header, _("This value is required."))
            return None
        return value

    def text(self, header):
        value = self.present(header)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def amount(self, header):
        value = self.present(header)
        if value is None:
            return None
        amount = _decimal(value)
        if amount is None:
            self.error(header, _("“%(value)s” is not a number.") % {"value": value})
        elif amount < 0:
            self.error(header, _("Cannot be negative."))
        else:
            return amount
        return None

    def flag(self, header):
        value = self.present(header)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        word = _norm(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(header, _("Write 是 or 否, not “%(value)s”.") % {"value": value})
        return False

    def choice(self, header, known, message):
        value = self.present(header)
        if value is None:
            return None
        found = known.get(_norm(value))
        if found is None:
            self.error(header, message % {"value": value})
        return found


def _decimal(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
    else:
        return None
    return amount if amount.is_finite() else None


def _converted(row, header, amount, convert):
    if amount is None:
        return Decimal(0)
    try:
        return convert(amount)
    except InvalidOperation:
        row.error(header, _("This number is too large."))
        return Decimal(0)


def _industry_code(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    return str(value).strip().upper()


def _not_xlsx():
    return ParseResult(
        errors=[
            RowError(
                None,
                "",
                _("This is not an Excel workbook (.xlsx). Save it as “Excel Workbook (*.xlsx)” and upload it again."),
            )
        ]
    )


def parse_projects(fileobj):
    """Read the 项目 sheet: the rows converted for the services, and every bad cell."""
    head = fileobj.read(len(ZIP_SIGNATURE))
    fileobj.seek(0)
    if head != ZIP_SIGNATURE:
        return _not_xlsx()
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ParseError):
        return _not_xlsx()
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        return _parse_sheet(sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError):
        return _not_xlsx()
    finally:
        workbook.close()


def _parse_sheet(sheet):
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    wanted = {_norm(h): h for h in HEADERS}
    positions = {}
    for index, value in enumerate(header):
        if not _is_blank(value) and _norm(value) in wanted:
            positions.setdefault(wanted[_norm(value)], index)
    missing = [h for h in HEADERS if h not in positions]
    if len(missing) == len(HEADERS):
        return ParseResult(
            errors=[
                RowError(
                    1,
                    "",
                    _("The first row is not the template's header row. Download the template and fill it in.")
                    if header
                    else _("The sheet is empty."),
                )
            ]
        )
    if missing:
        return ParseResult(errors=[RowError(1, h, _("This column is missing from the header row.")) for h in missing])

    lookups = _Lookups()
    result = ParseResult()
    companies = {}  # uscc: (first row, company name)
    count = 0
    for number, values in enumerate(lines, start=2):
        if all(_is_blank(v) for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            result.errors.append(
                RowError(number, "", _("A file holds at most %(max)d projects; split it.") % {"max": MAX_ROWS})
            )
            break
        parsed = _parse_row(_Row(number, values, positions, result.errors), lookups, companies)
        if parsed is not None:
            result.rows.append(parsed)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", _("The file has no projects: fill in rows from row 2.")))
    return result


def _parse_row(row, lookups, companies):
    name = row.text(NAME)
    company_name = row.text(COMPANY)
    uscc = row.text(USCC).upper()
    if uscc:
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            row.error(USCC, exc.messages[0])
        else:
            if company_name:
                first = companies.setdefault(uscc, (row.number, company_name))
                if first[1] != company_name:
                    row.error(
                        COMPANY,
                        _("Row %(row)d gives this credit code to “%(name)s”: one code, one company name.")
                        % {"row": first[0], "name": first[1]},
                    )

    industry = None
    raw_industry = row.present(INDUSTRY)
    if raw_industry is not None:
        industry = lookups.industries.get(_industry_code(raw_industry))
        if industry is None:
            row.error(
                INDUSTRY,
                _("Unknown industry code “%(value)s”: use a two-digit GB/T 4754 division code such as 39.")
                % {"value": raw_industry},
            )
    unknown_unit = _("Unknown unit “%(value)s”: use a unit code or full name from the 说明 sheet.")
    landing_unit = row.choice(LANDING_UNIT, lookups.units, unknown_unit)
    attracting_unit = row.choice(ATTRACTING_UNIT, lookups.units, unknown_unit)
    channel = row.choice(CHANNEL, lookups.channels, _("Unknown channel “%(value)s”: use one listed on the 说明 sheet."))
    partner = None
    partner_name = row.text(PARTNER)
    if partner_name:
        found = lookups.partners.get(_norm(partner_name), [])
        if not found:
            row.error(PARTNER, _("No active partner is named “%(value)s”.") % {"value": partner_name})
        elif len(found) > 1:
            row.error(PARTNER, _("Several partners are named “%(value)s”.") % {"value": partner_name})
        else:
            partner = found[0]
    investment = row.amount(INVESTMENT)
    foreign = row.amount(FOREIGN_CAPITAL)
    land_mode = row.choice(
        LAND_MODE, lookups.land_modes, _("Unknown land mode “%(value)s”: use one listed on the 说明 sheet.")
    )
    land_area = row.amount(LAND_AREA)
    output = row.amount(OUTPUT)
    tax = row.amount(TAX)
    fields = {
        "name": name,
        "industry": industry,
        "landing_unit": landing_unit,
        "attracting_unit": attracting_unit,
        "channel": channel,
        "partner": partner,
        "total_investment": _converted(row, INVESTMENT, investment, wan_to_yuan),
        # 万 is 10,000 whatever the currency: 万美元 to US dollars is the 万元-to-yuan factor.
        "foreign_capital_usd": _converted(row, FOREIGN_CAPITAL, foreign, wan_to_yuan),
        "land_mode": land_mode,
        "land_area_m2": _converted(row, LAND_AREA, land_area, mu_to_m2),
        "expected_annual_output": _converted(row, OUTPUT, output, wan_to_yuan),
        "expected_annual_tax": _converted(row, TAX, tax, wan_to_yuan),
        "is_profit_reinvestment": row.flag(REINVESTMENT),
        "is_key_chain": row.flag(KEY_CHAIN),
        "description": row.text(DESCRIPTION),
    }
    if row.bad:
        return None
    return ParsedRow(number=row.number, company_name=company_name, uscc=uscc, fields=fields)


# Importing -------------------------------------------------------------------------------------------


def import_projects(*, actor, fileobj, dry_run=False, progress=None):
    """Create the file's companies and projects, all or nothing.

    ``dry_run`` does every write, then rolls it back: the preview finds what the services would
    refuse (another town's project, a partner of another channel) before anyone confirms.
    """
    require(actor, "project.create")
    parsed = parse_projects(fileobj)
    if parsed.errors:
        raise ImportRefused(parsed.errors)
    try:
        with transaction.atomic():
            outcome = _create_all(actor, parsed.rows, progress)
            if dry_run:
                raise _DryRun(outcome)
    except _DryRun as done:
        return done.outcome
    return outcome


def _create_all(actor, rows, progress=None):
    companies = {c.uscc: c for c in Company.objects.filter(uscc__in={r.uscc for r in rows})}
    refused_companies = {}  # uscc: [(column, message)]
    errors = []
    companies_created = projects_created = 0
    for done, row in enumerate(rows):
        if progress and done % 50 == 0:
            progress(done, len(rows))
        company = companies.get(row.uscc)
        if company is None and row.uscc not in refused_companies:
            try:
                company = services.company_create(actor=actor, name=row.company_name, uscc=row.uscc)
            except (ApplicationError, PermissionDenied) as exc:
                refused_companies[row.uscc] = _refusal(exc, COMPANY_FIELD_COLUMNS, COMPANY)
            else:
                companies[row.uscc] = company
                companies_created += 1
        if company is None:
            errors.extend(RowError(row.number, column, message) for column, message in refused_companies[row.uscc])
            continue
        try:
            services.project_create(actor=actor, investor=company, **row.fields)
        except (ApplicationError, PermissionDenied) as exc:
            # A landing unit may only register its own projects: a refusal names the landing unit.
            errors.extend(
                RowError(row.number, column, message)
                for column, message in _refusal(exc, PROJECT_FIELD_COLUMNS, LANDING_UNIT)
            )
        else:
            projects_created += 1
    if errors:
        raise ImportRefused(errors)
    return ImportOutcome(companies_created=companies_created, projects_created=projects_created, rows=rows)


def _refusal(exc, columns, permission_column):
    if isinstance(exc, PermissionDenied):
        return [(permission_column, str(exc) or _("You may not do this."))]
    found = [
        (columns.get(name, ""), str(message))
        for name, messages in (exc.errors or {}).items()
        for message in (messages if isinstance(messages, list | tuple) else [messages])
    ]
    return found or [("", exc.message)]


# Writing ---------------------------------------------------------------------------------------------


def _yes_no(value):
    return YES if value else NO


def _cells(project):
    """A project as the template's columns, in 万元 and 亩. Call in the sheet's language."""
    return [
        project.name,
        project.investor.name,
        project.investor.uscc,
        project.industry.code,
        project.landing_unit.name,
        project.attracting_unit.name,
        project.get_channel_display(),
        project.partner.name if project.partner_id else "",
        yuan_to_wan(project.total_investment),
        yuan_to_wan(project.foreign_capital_usd),
        project.get_land_mode_display(),
        m2_to_mu(project.land_area_m2),
        yuan_to_wan(project.expected_annual_output),
        yuan_to_wan(project.expected_annual_tax),
        _yes_no(project.is_profit_reinvestment),
        _yes_no(project.is_key_chain),
        project.description,
    ]


def preview_cells(row):
    """A parsed row as it will be stored, shown in the template's columns (for the preview page)."""
    project = Project(investor=Company(name=row.company_name, uscc=row.uscc), **row.fields)
    with translation.override(SHEET_LANGUAGE):
        return _cells(project)


def export_projects(queryset):
    """The projects of ``queryset`` (select_related as project_list does) as an .xlsx file."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, header in enumerate(EXPORT_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    sheet.append(EXPORT_HEADERS)
    with translation.override(SHEET_LANGUAGE):
        for project in queryset.iterator(chunk_size=2000):
            sheet.append([project.code, project.get_stage_display(), *_cells(project)])
    return _save(workbook)
