"""Excel import and export of projects: all or nothing, every bad cell reported, scoped exports."""

import io
import random
import time
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from projects import excel, services
from projects.models import Channel, Company, ImportJob, LandMode, Partner, Project
from projects.stages import Stage
from projects.validators import USCC_CHARSET, uscc_check_character

H = excel  # the column headers: H.NAME is "项目名称" …
VALID_USCC = [
    "91330100716105852F",
    "9144030071526726XG",
    "914403001922038216",
    "911000001000013428",
    "91110000802100433B",
    "91330200704803055M",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def generated_usccs(count, seed=4754):
    rng = random.Random(seed)
    codes = set()
    while len(codes) < count:
        first17 = "91" + "330282" + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
        codes.add(first17 + uscc_check_character(first17))
    return sorted(codes)


def row(n=1, **changes):
    """One good row of the template, in the template's words."""
    values = {
        H.NAME: f"年产{n}万套汽车零部件项目",
        # One company per credit code, as in a real file.
        H.COMPANY: f"宁波测试汽车部件{(n - 1) % len(VALID_USCC) + 1}号有限公司",
        H.USCC: VALID_USCC[(n - 1) % len(VALID_USCC)],
        H.INDUSTRY: "36",
        H.LANDING_UNIT: "zhouxiang",
        H.ATTRACTING_UNIT: "centre",
        H.CHANNEL: "direct",
        H.PARTNER: None,
        H.INVESTMENT: 50000,
        H.FOREIGN_CAPITAL: None,
        H.LAND_MODE: "new_land",
        H.LAND_AREA: 80,
        H.OUTPUT: 120000,
        H.TAX: 6000,
        H.REINVESTMENT: "否",
        H.KEY_CHAIN: "是",
        H.DESCRIPTION: "汽车零部件生产线",
    }
    return values | changes


def workbook(rows, headers=H.HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def upload(content, name="projects.xlsx"):
    return SimpleUploadedFile(name, content.getvalue(), content_type=XLSX)


def import_rows(user, rows):
    return excel.import_projects(actor=user, fileobj=workbook(rows))


def counts():
    return Project.objects.count(), Company.objects.count()


def read_export(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["项目"]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    return lines[0], lines[1:]


def where(errors):
    return {(e.row, e.column) for e in errors}


# Parsing ------------------------------------------------------------------------------------------


def test_bad_rows_change_nothing_and_every_one_is_named(city):
    rows = [row(n, **{H.USCC: VALID_USCC[0], H.COMPANY: "宁波测试汽车部件有限公司"}) for n in range(1, 6)]
    rows[1][H.USCC] = "91330100716105852G"  # row 3: a wrong check character
    rows[3][H.INVESTMENT] = "五万"  # row 5: not a number
    before = counts()

    with pytest.raises(excel.ImportRefused) as refused:
        import_rows(city["centre"], rows)

    assert counts() == before
    assert where(refused.value.row_errors) == {(3, "统一社会信用代码"), (5, "总投资（万元）")}
    messages = refused.value.errors["file"]
    assert messages[0].startswith("第3行 统一社会信用代码：")
    assert "F" in messages[0]  # the validator's message names the expected check character
    assert messages[1].startswith("第5行 总投资（万元）：")
    assert "五万" in messages[1]


def test_parse_reports_every_bad_cell_not_just_the_first(city):
    rows = [
        row(1, **{H.LANDING_UNIT: "nowhere", H.INDUSTRY: "99", H.CHANNEL: "telepathy"}),
        row(2, **{H.LAND_MODE: "floating", H.TAX: -1, H.REINVESTMENT: "maybe"}),
        row(3, **{H.NAME: None, H.USCC: "  ", H.OUTPUT: None}),
        row(4, **{H.USCC: VALID_USCC[3], H.COMPANY: "甲公司"}),
        row(5, **{H.USCC: VALID_USCC[3], H.COMPANY: "乙公司"}),
        row(6, **{H.USCC: "91330100716105852I"}),
        row(7, **{H.ATTRACTING_UNIT: "慈溪市发展和改革局", H.PARTNER: "无此合作方"}),
    ]

    parsed = excel.parse_projects(workbook(rows))

    assert where(parsed.errors) == {
        (2, "落地单位"),
        (2, "行业代码"),
        (2, "招引渠道"),
        (3, "用地方式"),
        (3, "预计年税收（万元）"),
        (3, "利润再投资"),
        (4, "项目名称"),
        (4, "统一社会信用代码"),
        (4, "预计年产值（万元）"),
        (6, "投资主体名称"),
        (7, "统一社会信用代码"),
        (8, "合作方"),
    }
    clash = next(e.message for e in parsed.errors if (e.row, e.column) == (6, "投资主体名称"))
    assert "5" in clash and "甲公司" in clash  # names the row that gave the code another name
    assert [r.number for r in parsed.rows] == [5]


def test_values_are_converted_to_yuan_and_square_metres(city):
    with translation.override("zh-hans"):
        channel_label = str(Channel.REFERRAL.label)
        land_label = str(LandMode.EXISTING_FACTORY.label)
    good = row(
        1,
        **{
            H.INDUSTRY: 36,  # typed as a number
            H.LANDING_UNIT: "周巷镇",  # a unit's name works as well as its code
            H.CHANNEL: channel_label,
            H.LAND_MODE: land_label,
            H.INVESTMENT: 1234.5,
            H.FOREIGN_CAPITAL: "12.5",
            H.LAND_AREA: 15,
            H.REINVESTMENT: "是",
            H.KEY_CHAIN: None,
        },
    )

    parsed = excel.parse_projects(workbook([good]))

    assert parsed.errors == []
    fields = parsed.rows[0].fields
    assert fields["industry"].code == "36"
    assert fields["landing_unit"].code == "zhouxiang"
    assert fields["channel"] == Channel.REFERRAL
    assert fields["land_mode"] == LandMode.EXISTING_FACTORY
    assert fields["total_investment"] == Decimal("12345000.00")
    assert fields["foreign_capital_usd"] == Decimal("125000.00")
    assert fields["land_area_m2"] == Decimal("10000.00")
    assert fields["is_profit_reinvestment"] is True
    assert fields["is_key_chain"] is False


def test_a_header_row_that_is_not_the_template_is_refused_naming_the_missing_column(city):
    headers = [h for h in H.HEADERS if h != "用地方式"]

    parsed = excel.parse_projects(workbook([row(1)], headers=headers))

    assert [(e.row, e.column) for e in parsed.errors] == [(1, "用地方式")]
    assert parsed.rows == []


def test_a_sheet_without_the_template_headers_gets_one_error(city):
    parsed = excel.parse_projects(workbook([{"名称": "x"}], headers=["名称", "金额"]))

    assert len(parsed.errors) == 1
    assert parsed.errors[0].row == 1


@pytest.mark.parametrize("kind", ["csv", "zip", "xls"])
def test_files_that_are_not_xlsx_are_refused(city, kind):
    if kind == "csv":
        content = "项目名称,投资主体名称\n测试,测试\n".encode()
    elif kind == "xls":
        content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    else:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
        content = out.getvalue()
    before = counts()

    with pytest.raises(excel.ImportRefused) as refused:
        excel.import_projects(actor=city["centre"], fileobj=io.BytesIO(content))

    assert counts() == before
    assert len(refused.value.row_errors) == 1
    assert refused.value.row_errors[0].row is None
    assert ".xlsx" in refused.value.errors["file"][0]


# Importing ------------------------------------------------------------------------------------------


def test_a_thousand_rows_import(city):
    codes = generated_usccs(1000)
    rows = [row(n, **{H.USCC: code, H.COMPANY: f"批量测试企业{n}有限公司"}) for n, code in enumerate(codes, 1)]
    content = workbook(rows)
    before_projects, before_companies = counts()

    started = time.perf_counter()
    outcome = excel.import_projects(actor=city["centre"], fileobj=content)
    seconds = time.perf_counter() - started

    print(f"\n1,000-row import on {connection.vendor}: {seconds:.1f} s")
    assert (outcome.companies_created, outcome.projects_created) == (1000, 1000)
    assert Project.objects.count() == before_projects + 1000
    assert Company.objects.count() == before_companies + 1000
    assert set(Project.objects.values_list("investor__uscc", flat=True)) >= set(codes)
    assert seconds < 60


def test_existing_companies_are_reused_and_shared_within_the_file(city):
    centre = city["centre"]
    existing = services.company_create(actor=centre, name="已登记企业", uscc=VALID_USCC[0])
    rows = [
        row(1, **{H.USCC: VALID_USCC[0], H.COMPANY: "已登记企业"}),
        row(2, **{H.USCC: VALID_USCC[1], H.COMPANY: "新企业"}),
        row(3, **{H.USCC: VALID_USCC[1].lower(), H.COMPANY: "新企业"}),
    ]

    outcome = import_rows(centre, rows)

    assert (outcome.companies_created, outcome.projects_created) == (1, 3)
    assert existing.projects.count() == 1
    assert Company.objects.get(uscc=VALID_USCC[1]).projects.count() == 2


def test_a_town_cannot_import_a_project_for_another_towns_unit(city):
    rows = [row(1), row(2, **{H.LANDING_UNIT: "guanhaiwei"}), row(3)]
    before = counts()

    with pytest.raises(excel.ImportRefused) as refused:
        import_rows(city["town_a"], rows)

    assert counts() == before
    assert where(refused.value.row_errors) == {(3, "落地单位")}
    assert refused.value.errors["file"][0].startswith("第3行 落地单位：")


def test_what_the_services_refuse_is_reported_on_its_row_and_nothing_is_written(city):
    centre = city["centre"]
    agency = services.partner_create(actor=centre, name="某招商代理公司", kind=Partner.Kind.AGENCY)
    rows = [
        row(1, **{H.PARTNER: agency.name, H.CHANNEL: "agency"}),
        row(2, **{H.PARTNER: agency.name, H.CHANNEL: "alumni"}),
        row(3, **{H.LANDING_UNIT: "fagai"}),
        row(4, **{H.NAME: "长" * 201}),
    ]
    before = counts()

    with pytest.raises(excel.ImportRefused) as refused:
        import_rows(centre, rows)

    assert counts() == before
    assert where(refused.value.row_errors) == {(3, "合作方"), (4, "落地单位"), (5, "项目名称")}


def test_the_deputy_and_a_bureau_cannot_import(city, client_for):
    with pytest.raises(PermissionDenied):
        import_rows(city["deputy"], [row(1)])
    deputy = client_for("deputy")
    assert deputy.get("/projects/import/").status_code == 403
    assert deputy.post("/projects/import/", {"file": upload(workbook([row(1)]))}).status_code == 403
    assert client_for("fagai").get("/projects/import/").status_code == 403
    assert Project.objects.count() == 0


def test_the_import_page_asks_for_a_login(client):
    response = client.get("/projects/import/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# The import pages (the worker's tasks run inline here; test_import_worker.py uses a real worker) ----


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def inline_worker(django_capture_on_commit_callbacks):
    from cizhou_invest.celery import app

    app.conf.task_always_eager = True

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    yield run
    app.conf.task_always_eager = False


def upload_and_check(client, run, rows, name="projects.xlsx"):
    response = run(client.post, "/projects/import/", {"file": upload(workbook(rows), name=name)})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    return job, client.get(response["Location"])


def test_upload_of_a_bad_file_shows_every_error_and_no_confirm_button(city, client_for, media, inline_worker):
    client = client_for("centre")
    rows = [row(1), row(2, **{H.USCC: "91330100716105852G"}), row(3), row(4, **{H.INVESTMENT: "abc"})]
    before = counts()

    job, page = upload_and_check(client, inline_worker, rows)

    body = page.content.decode()
    assert job.status == ImportJob.Status.REFUSED
    assert 'data-testid="import-errors"' in body and 'data-testid="confirm-import"' not in body
    assert {(r, c) for r, c, _m in job.errors} == {(3, "统一社会信用代码"), (5, "总投资（万元）")}
    assert "统一社会信用代码" in body and "总投资（万元）" in body
    assert counts() == before
    assert not list(media.glob("imports/*"))


def test_upload_preview_then_confirm_imports_the_file(city, client_for, media, inline_worker):
    client = client_for("town_a")
    assert 'data-testid="template-link"' in client.get("/projects/import/").content.decode()
    rows = [row(1), row(2), row(3, **{H.USCC: VALID_USCC[0], H.COMPANY: row(1)[H.COMPANY]})]
    before = counts()

    job, preview = upload_and_check(client, inline_worker, rows)

    page = preview.content.decode()
    assert job.status == ImportJob.Status.CHECKED
    assert 'data-testid="confirm-import"' in page
    assert [number for number, _cells in job.preview] == [2, 3, 4]
    assert (job.rows, job.companies_new) == (3, 2)
    assert "年产2万套汽车零部件项目" in page
    assert counts() == before  # the check writes nothing
    stored = media / "imports" / f"{city['town_a'].pk}-{job.token}.xlsx"
    assert stored.exists()

    confirmed = inline_worker(client.post, f"/projects/import/{job.pk}/confirm/")

    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert counts() == (before[0] + 3, before[1] + 2)
    assert set(Project.objects.values_list("landing_unit__code", flat=True)) == {"zhouxiang"}
    assert not stored.exists()
    assert "3" in client.get(confirmed["Location"]).content.decode()
    # Confirmed once: a second click imports nothing more.
    inline_worker(client.post, f"/projects/import/{job.pk}/confirm/")
    assert Project.objects.count() == before[0] + 3


def test_a_preview_shows_what_the_services_would_refuse(city, client_for, media, inline_worker):
    job, page = upload_and_check(client_for("town_a"), inline_worker, [row(1, **{H.LANDING_UNIT: "观海卫镇"})])

    assert {(r, c) for r, c, _m in job.errors} == {(2, "落地单位")}
    assert 'data-testid="confirm-import"' not in page.content.decode()
    assert Project.objects.count() == 0


def test_an_import_that_is_not_the_users_is_not_found(city, client_for, media, inline_worker):
    job, _page = upload_and_check(client_for("town_a"), inline_worker, [row(1)])

    assert client_for("centre").get(f"/projects/import/{job.pk}/").status_code == 404
    assert inline_worker(client_for("centre").post, f"/projects/import/{job.pk}/confirm/").status_code == 404
    assert Project.objects.count() == 0
    assert (media / "imports" / f"{city['town_a'].pk}-{job.token}.xlsx").exists()


def test_a_confirmed_file_is_validated_again(city, client_for, media, inline_worker):
    client = client_for("centre")
    agency = services.partner_create(actor=city["centre"], name="代理甲", kind=Partner.Kind.AGENCY)
    job, preview = upload_and_check(client, inline_worker, [row(1, **{H.PARTNER: "代理甲", H.CHANNEL: "agency"})])
    assert 'data-testid="confirm-import"' in preview.content.decode()
    # Between the check and the confirmation the partner is retired.
    services.partner_update(actor=city["centre"], partner=agency, is_active=False)

    inline_worker(client.post, f"/projects/import/{job.pk}/confirm/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert {(r, c) for r, c, _m in job.errors} == {(2, "合作方")}
    assert Project.objects.count() == 0


def test_the_status_fragment_polls_while_the_worker_runs(city, client_for, media):
    job = ImportJob.objects.create(user=city["centre"], token="a" * 32, original_name="x.xlsx")
    fragment = client_for("centre").get(f"/projects/import/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<html" not in body


# Exports and the template ---------------------------------------------------------------------------


def test_a_towns_export_holds_only_its_own_projects(city, client_for):
    import_rows(city["centre"], [row(1), row(2), row(3, **{H.LANDING_UNIT: "guanhaiwei"})])
    own = set(Project.objects.filter(landing_unit__code="zhouxiang").values_list("code", flat=True))

    response = client_for("town_a").get("/projects/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    filename = f"项目清单-{timezone.localdate():%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    headers, lines = read_export(response.content)
    assert headers == ["项目编号", "阶段", *H.HEADERS]
    assert {line[0] for line in lines} == own
    assert len(own) == 2


def test_the_export_applies_the_lists_filters(city, client_for):
    centre = city["centre"]
    import_rows(centre, [row(1), row(2, **{H.LAND_MODE: "no_land", H.LAND_AREA: None}), row(3)])
    moved = Project.objects.get(name=row(3)[H.NAME])
    services.project_transition(actor=centre, project=moved, target=Stage.NEGOTIATING)
    client = client_for("centre")

    def exported(query):
        return {line[0] for line in read_export(client.get(f"/projects/export.xlsx?{query}").content)[1]}

    everything = set(Project.objects.values_list("code", flat=True))
    assert exported("") == everything
    assert exported("stage=lead") == everything - {moved.code}
    assert exported("stage=negotiating") == {moved.code}
    assert exported("land_mode=no_land") == {Project.objects.get(land_mode="no_land").code}
    assert exported(f"q={quote(moved.name)}") == {moved.code}
    assert exported("landing_unit=" + str(moved.landing_unit_id)) == everything
    with translation.override("zh-hans"):
        stage_label = str(Stage.NEGOTIATING.label)
    lines = read_export(client.get("/projects/export.xlsx?stage=negotiating").content)[1]
    assert lines[0][1] == stage_label


def test_the_export_runs_the_same_number_of_queries_for_10_and_100_projects(city, client_for):
    centre = city["centre"]
    agency = services.partner_create(actor=centre, name="代理乙", kind=Partner.Kind.AGENCY)
    codes = iter(generated_usccs(100, seed=1))

    def add(count):
        rows = [
            row(n, **{H.USCC: code, H.COMPANY: f"查询测试企业{code}", H.PARTNER: agency.name, H.CHANNEL: "agency"})
            for n, code in zip(range(count), codes, strict=False)
        ]
        import_rows(centre, rows)

    def queries():
        client = client_for("town_a")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/projects/export.xlsx")
        assert response.status_code == 200
        return len(captured), len(read_export(response.content)[1])

    add(10)
    small, small_rows = queries()
    add(90)
    large, large_rows = queries()

    assert (small_rows, large_rows) == (10, 100)
    assert small == large


def test_the_template_round_trips_through_import_and_export(city, client_for):
    client = client_for("centre")
    response = client.get("/projects/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('项目导入模板.xlsx')}"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["项目", "说明"]
    sheet = book["项目"]
    assert [c.value for c in sheet[1]] == H.HEADERS
    notes = "\n".join(str(c) for line in book["说明"].iter_rows(values_only=True) for c in line if c)
    assert "周巷镇" in notes and "zhouxiang" in notes and "new_land" in notes and "agency" in notes

    with translation.override("zh-hans"):
        referral = str(Channel.REFERRAL.label)
        lease = str(LandMode.LEASE.label)
    filled = [
        row(1, **{H.INVESTMENT: 12345.67, H.FOREIGN_CAPITAL: 100, H.LAND_AREA: 45.5, H.DESCRIPTION: "第一个"}),
        row(2, **{H.LANDING_UNIT: "观海卫镇", H.CHANNEL: referral, H.LAND_MODE: lease, H.REINVESTMENT: "是"}),
    ]
    for values in filled:
        sheet.append([values[h] for h in H.HEADERS])
    content = io.BytesIO()
    book.save(content)
    content.seek(0)

    excel.import_projects(actor=city["centre"], fileobj=content)

    headers, lines = read_export(client.get("/projects/export.xlsx?ordering=code").content)
    assert headers[2:] == H.HEADERS
    with translation.override("zh-hans"):
        assert [line[1] for line in lines] == [str(Stage.LEAD.label)] * 2
    by_name = {line[2]: dict(zip(headers, line, strict=True)) for line in lines}
    first, second = by_name[filled[0][H.NAME]], by_name[filled[1][H.NAME]]
    assert first[H.USCC] == filled[0][H.USCC]
    assert first[H.INDUSTRY] == "36"
    assert first[H.LANDING_UNIT] == "周巷镇"
    assert first[H.ATTRACTING_UNIT] == "慈溪市投资促进中心"
    assert Decimal(str(first[H.INVESTMENT])) == Decimal("12345.67")
    assert Decimal(str(first[H.FOREIGN_CAPITAL])) == Decimal("100")
    assert Decimal(str(first[H.LAND_AREA])) == Decimal("45.5")
    assert (first[H.REINVESTMENT], first[H.KEY_CHAIN], first[H.DESCRIPTION]) == ("否", "是", "第一个")
    assert (second[H.LANDING_UNIT], second[H.CHANNEL], second[H.LAND_MODE]) == ("观海卫镇", referral, lease)
    assert second[H.REINVESTMENT] == "是"
    # What the export writes, the import reads back.
    reread = excel.parse_projects(io.BytesIO(client.get("/projects/export.xlsx").content))
    assert reread.errors == []
    assert sorted(r.fields["name"] for r in reread.rows) == sorted(v[H.NAME] for v in filled)


def test_the_leader_may_export_but_an_administrator_may_not(city, client_for):
    assert client_for("leader").get("/projects/export.xlsx").status_code == 200
    assert client_for("leader").get("/projects/import/template.xlsx").status_code == 200
    assert client_for("deputy").get("/projects/export.xlsx").status_code == 403  # the portal has its own
    assert client_for("sysadmin").get("/projects/export.xlsx").status_code == 403


def test_paths_are_ours(city, client_for, media, inline_worker):
    # The stored name never comes from the upload.
    job, _page = upload_and_check(client_for("centre"), inline_worker, [row(1)], name="../../x.xlsx")
    stored = list(media.glob("imports/*.xlsx"))
    assert [p.name for p in stored] == [f"{city['centre'].pk}-{job.token}.xlsx"]
    assert job.original_name == "x.xlsx"
