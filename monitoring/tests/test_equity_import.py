"""Equity changes entered by market regulation on the page, or imported (all or nothing, never twice)."""

import datetime
from decimal import Decimal

import pytest

from core.tests.sheets import xlsx
from monitoring import excel
from monitoring.models import EquityChange
from projects.excel import ImportRefused
from projects.tests.factories import make_company


def _sheet(rows):
    return xlsx(excel.EQUITY_SHEET, excel.EQUITY_HEADERS, rows)


def test_the_same_file_twice_records_each_registration_once(city):
    company = make_company(city["centre"])
    rows = [
        [company.uscc, company.name, datetime.date(2026, 3, 1), "原股东", "宁波某置业有限公司", 30, "否", None],
        [company.uscc, company.name, "2026-05-01", "原股东", "宁波某置业有限公司", 25, "是", "慈资规〔2026〕3号"],
    ]
    first = excel.import_equity_changes(actor=city["shichang"], fileobj=_sheet(rows))
    assert (first.created, first.unchanged) == (2, 0)
    again = excel.import_equity_changes(actor=city["shichang"], fileobj=_sheet(rows))
    assert (again.created, again.unchanged) == (0, 2)
    approved = EquityChange.objects.get(share=Decimal(25))
    assert approved.approved and approved.change_of_control and approved.recorded_by == city["shichang"]


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        (["913302820000000001", "", "2026-03-01", "a", "b", 10, "否", None], "统一社会信用代码"),
        ([None, "", "三月一日", "a", "b", 10, "否", None], "登记日期"),
        ([None, "", "2026-03-01", "a", "b", 150, "否", None], "转让比例（%）"),
        ([None, "", "2026-03-01", "a", "b", 10, "也许", None], "控制权变更"),
        ([None, "", "2026-03-01", "", "b", 10, "否", None], "转让方"),
    ],
)
def test_a_bad_row_rejects_the_file(city, bad, column):
    company = make_company(city["centre"])
    bad = [company.uscc if i == 0 and cell is None else cell for i, cell in enumerate(bad)]
    good = [company.uscc, company.name, "2026-01-01", "甲", "乙", 5, "否", None]
    with pytest.raises(ImportRefused) as refused:
        excel.import_equity_changes(actor=city["shichang"], fileobj=_sheet([good, bad]))
    assert [(e.row, e.column) for e in refused.value.row_errors] == [(3, column)]
    assert not EquityChange.objects.exists()


def test_only_market_regulation_imports(city):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        excel.import_equity_changes(actor=city["zigui"], fileobj=_sheet([]))


def test_the_page_records_one_and_shows_the_list(city, client_for):
    company = make_company(city["centre"])
    client = client_for("shichang")
    form = {
        "uscc": company.uscc,
        "registered_on": "2026-04-01",
        "transferor": "原股东",
        "transferee": "某基金",
        "share": "51",
        "change_of_control": "on",
    }
    assert client.post("/monitoring/equity-changes/", form).status_code == 302
    assert client.post("/monitoring/equity-changes/", form).status_code == 302  # the same again: kept once
    change = EquityChange.objects.get()
    assert change.change_of_control and not change.approved
    bad = client.post("/monitoring/equity-changes/", form | {"uscc": "X", "share": "0"})
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    listed = client_for("centre").get(f"/monitoring/equity-changes/?q={company.uscc}")
    assert [e.pk for e in listed.context["page"]] == [change.pk]
    assert 'data-testid="equity-form"' not in listed.content.decode()  # the centre reads, 市场监管 records
    assert client_for("centre").post("/monitoring/equity-changes/", form).status_code == 403
