"""Indicator data by spreadsheet (all or nothing, idempotent) and on the bureau's submission page."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from audit.models import AuditEntry
from core.tests.sheets import xlsx
from monitoring import excel
from monitoring.models import Indicator, IndicatorValue
from projects.excel import ImportRefused
from projects.models import ImportJob, Project
from projects.stages import Stage
from projects.tests.factories import make_project
from projects.tests.test_import_worker import _wait

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(rows, headers=excel.HEADERS):
    return xlsx(excel.SHEET, headers, rows)


def _supervised(city, n=2, unit_code="zhouxiang"):
    projects = [make_project(city["centre"], unit_code=unit_code) for _ in range(n)]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        stage=Stage.OPERATING, production_start_date=datetime.date(2023, 4, 1)
    )
    return [Project.objects.get(pk=p.pk) for p in projects]


def _import(user, rows, **kwargs):
    return excel.import_indicators(actor=user, fileobj=_sheet(rows), **kwargs)


def test_the_same_file_twice_leaves_one_version_per_value(city):
    a, b = _supervised(city)
    rows = [
        [a.code, a.name, "纳税额（万元）", 2025, 120.5],
        [b.code, b.name, "纳税额（万元）", 2025, "88"],
        [a.code, a.name, "纳税额（万元）", 2024, 100],
    ]
    first = _import(city["shuiwu"], rows)
    assert (first.created, first.unchanged) == (3, 0)
    again = _import(city["shuiwu"], rows)
    assert (again.created, again.unchanged) == (0, 3)
    assert IndicatorValue.objects.count() == 3
    value = IndicatorValue.objects.get(project=a, year=2025)
    assert (value.value, value.version, value.source, value.supplied_by.code) == (
        Decimal("1205000.00"),
        1,
        "import",
        "shuiwu",
    )
    # A corrected figure is a new version; the old one stays in the history.
    _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2025, 130]])
    assert list(IndicatorValue.objects.filter(project=a, year=2025).values_list("version", "value", "is_current")) == [
        (2, Decimal("1300000.00"), True),
        (1, Decimal("1205000.00"), False),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_imported_files_audit_entries_verify_and_an_edit_of_one_is_reported(city):
    from audit.models import AuditEntry, ChainVerification
    from audit.services import audit_verify
    from audit.tests.helpers import raw, triggers_off

    a, b = _supervised(city)
    _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2025, 1], [b.code, b.name, "纳税额（万元）", 2025, 2]])
    _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2025, 3]])  # a correction: 2 entries
    entries = list(AuditEntry.objects.filter(model_label="monitoring.IndicatorValue").order_by("seq"))
    assert [e.action for e in entries] == ["create", "create", "update", "create"]
    assert all(e.seq for e in entries)
    call_command("verify_audit")  # raises CommandError when the chain is broken
    with triggers_off():
        raw("UPDATE audit_auditentry SET changes = '[]' WHERE id = %s", [entries[2].pk])
    result = audit_verify()
    assert (result.ok, result.problem, result.entry_id) == (False, ChainVerification.Problem.CONTENT, entries[2].pk)


@pytest.mark.parametrize(
    ("bad", "column", "fragment"),
    [
        (["NOPE-1", "", "纳税额（万元）", 2025, 1], "项目编号", "NOPE-1"),
        ([None, "", "纳税额（万元）", 2025, -3], "数值", "负"),
        ([None, "", "税收", 2025, 1], "指标", "纳税额"),
        ([None, "", "纳税额（万元）", 1999, 1], "年度", "2000"),
        ([None, "", "纳税额（万元）", 2025, "abc"], "数值", "数字"),
        ([None, "", "纳税额（万元）", 2025, "0.0000001"], "数值", "小数"),
        ([None, "", "综合能耗（吨标准煤）", 2025, 5], "指标", "经济和信息化局"),  # not the tax bureau's
    ],
)
def test_a_bad_row_rejects_the_whole_file_and_names_its_row_and_column(city, bad, column, fragment):
    (a,) = _supervised(city, 1)
    bad = [a.code if cell is None and i == 0 else cell for i, cell in enumerate(bad)]
    with pytest.raises(ImportRefused) as refused:
        _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2024, 10], bad])
    (error,) = refused.value.row_errors
    assert (error.row, error.column) == (3, column)
    assert fragment in error.message, error.message
    assert IndicatorValue.objects.count() == 0  # the good first row was not written either


def test_the_same_value_twice_in_one_file_is_named(city):
    (a,) = _supervised(city, 1)
    with pytest.raises(ImportRefused) as refused:
        _import(city["shuiwu"], [[a.code, "", "纳税额（万元）", 2025, 1], [a.code, "", "tax", 2025, 2]])
    assert [(e.row, e.column) for e in refused.value.row_errors] == [(3, "指标")]


def test_a_dry_run_writes_nothing(city):
    (a,) = _supervised(city, 1)
    outcome = _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2025, 1]], dry_run=True)
    assert outcome.created == 1 and IndicatorValue.objects.count() == 0


def test_the_template_is_prefilled_with_what_the_bureau_owes(city, client_for):
    a, b = _supervised(city)
    _import(city["shuiwu"], [[a.code, a.name, "纳税额（万元）", 2025, 1]])
    response = client_for("shuiwu").get("/monitoring/data/template.xlsx?year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [(b.code, "纳税额（万元）", 2025)]


def test_the_submission_page_lists_what_is_missing_and_saves_a_row(city, client_for):
    a, b = _supervised(city)
    town_b_project = _supervised(city, 1, unit_code="guanhaiwei")[0]
    client = client_for("shuiwu")
    page = client.get("/monitoring/data/?year=2025")
    assert {row["project"].pk for row in page.context["rows"]} == {a.pk, b.pk, town_b_project.pk}
    response = client.post(
        "/monitoring/data/submit/",
        {"project": a.pk, "year": 2025, f"p{a.pk}-project": a.pk, f"p{a.pk}-year": 2025, f"p{a.pk}-tax": "12.34"},
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(project=a).value == Decimal("123400.00")
    assert {row["project"].pk for row in client.get("/monitoring/data/?year=2025").context["rows"]} == {
        b.pk,
        town_b_project.pk,
    }
    # A bad value saves nothing and says why.
    bad = client.post(
        "/monitoring/data/submit/",
        {"project": b.pk, "year": 2025, f"p{b.pk}-project": b.pk, f"p{b.pk}-year": 2025, f"p{b.pk}-tax": "-1"},
        follow=True,
    )
    assert "未保存" in bad.content.decode() and not IndicatorValue.objects.filter(project=b).exists()
    # A town sees only its own projects' gaps, and cannot submit.
    town = client_for("town_a")
    assert {row["project"].pk for row in town.get("/monitoring/data/?year=2025").context["rows"]} == {a.pk, b.pk}
    assert town.post("/monitoring/data/submit/", {"project": b.pk, "year": 2025}).status_code == 403


@pytest.mark.worker
def test_a_real_worker_checks_then_imports_an_indicator_file(transactional_db, city, client_for, celery_worker_process):
    (a,) = _supervised(city, 1)
    client = client_for("tongji")
    content = _sheet([[a.code, a.name, "工业增加值（万元）", 2025, 500]]).getvalue()
    response = client.post("/monitoring/data/import/", {"file": SimpleUploadedFile("data.xlsx", content, XLSX)})
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.kind == ImportJob.Kind.INDICATORS
    _wait(job, {ImportJob.Status.CHECKED, ImportJob.Status.REFUSED, ImportJob.Status.FAILED})
    assert job.status == ImportJob.Status.CHECKED, (job.message, job.errors)
    assert job.counts == {"created": 1, "unchanged": 0} and not IndicatorValue.objects.exists()
    client.post(f"/projects/import/{job.pk}/confirm/")
    _wait(job, {ImportJob.Status.DONE, ImportJob.Status.REFUSED, ImportJob.Status.FAILED})
    assert job.status == ImportJob.Status.DONE
    value = IndicatorValue.objects.get()
    assert value.indicator == Indicator.VALUE_ADDED
    assert value.history.get().history_user.username == "tongji"
    entry = AuditEntry.objects.get(model_label=IndicatorValue._meta.label, object_id=str(value.pk))
    assert entry.actor_username == "tongji"
    assert 'href="/monitoring/data/"' in client.get(f"/projects/import/{job.pk}/").content.decode()
