"""Uploads: documents attached to a project and the .xlsx imports. The type is read from the content, not the
name; the size is capped with a clear message; the stored name is the system's own (no path from the uploader);
and nothing uploaded is served as active content: documents are downloaded as attachments with nosniff, and the
media folder is not served at all."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from projects import services
from projects.models import Attachment, ImportJob
from projects.tests.factories import make_project

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def project(city):
    return make_project(city["centre"], unit_code="zhouxiang")


def _files(folder):
    return sorted(p.resolve() for p in Path(folder).rglob("*") if p.is_file())


def _attach(client, project, name, content, content_type="application/octet-stream"):
    """The page's upload, followed to the documents tab: (its HTML, the attachments stored)."""
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {"kind": "general", "file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode(), list(Attachment.objects.filter(project=project))


# Type by content -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("报表.xlsx", HTML, "文件内容与其类型 .xlsx 不符"),  # a web page named as a workbook
        ("合同.pdf", EXE, "文件内容与其类型 .pdf 不符"),  # a program named as a PDF
        ("尽调.docx", PDF, "文件内容与其类型 .docx 不符"),  # a PDF named as a Word document
        ("照片.png", b"GIF89a" + b"\0" * 20, "文件内容与其类型 .png 不符"),
        ("页面.html", HTML, "不能上传此类型的文件"),  # active content, whatever it holds
        ("图.svg", SVG, "不能上传此类型的文件"),
        ("程序.exe", EXE, "不能上传此类型的文件"),
        ("无扩展名", PDF, "不能上传此类型的文件"),
    ],
)
def test_a_file_whose_content_is_not_its_type_is_refused(client_for, project, name, content, message):
    page, stored = _attach(client_for("town_a"), project, name, content)
    assert message in page
    assert stored == []
    assert _files(settings.MEDIA_ROOT) == []


def test_the_content_type_served_is_the_one_the_content_proved(client_for, project):
    _page, [attachment] = _attach(client_for("town_a"), project, "报告.pdf", PDF, content_type="text/html")
    assert attachment.content_type == "application/pdf"
    response = client_for("centre").get(f"/projects/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"


# Size ------------------------------------------------------------------------------------------------------------


def test_a_document_over_the_cap_is_refused_with_a_clear_message(client_for, project):
    assert services.MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    page, stored = _attach(client_for("town_a"), project, "大文件.pdf", PDF + b"\0" * services.MAX_UPLOAD_BYTES)
    assert "文件超过 20 MB" in page
    assert stored == []


def test_a_workbook_over_the_cap_is_refused_with_a_clear_message(client_for):
    from projects.views_excel import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    big = SimpleUploadedFile("大表.xlsx", b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES)
    response = client_for("town_a").post("/projects/import/", {"file": big})
    assert response.status_code == 200
    assert "文件超过 10 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


# Stored names ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.pdf", "/etc/cron.d/x.pdf"])
def test_the_stored_name_is_the_systems_own(client_for, project, media, name):
    _page, [attachment] = _attach(client_for("town_a"), project, name, PDF)
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert attachment.file.name == f"projects/{project.pk}/{attachment.token}.pdf"
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert ".." not in attachment.original_name
    assert _files(media) == [stored]
    # The download names the file after its original (base) name only.
    response = client_for("centre").get(f"/projects/attachments/{attachment.pk}/")
    assert (
        attachment.original_name in response["Content-Disposition"] or "filename*=" in response["Content-Disposition"]
    )
    assert "/" not in response["Content-Disposition"].split("filename", 1)[1]


def test_an_import_is_stored_under_the_systems_name(client_for, city, media):
    workbook = openpyxl.Workbook()
    out = io.BytesIO()
    workbook.save(out)
    upload = SimpleUploadedFile("../../../tmp/evil.xlsx", out.getvalue())
    response = client_for("town_a").post("/projects/import/", {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.original_name == "evil.xlsx"
    assert _files(media) == [(media / "imports" / f"{city['town_a'].pk}-{job.token}.xlsx").resolve()]


# Serving ---------------------------------------------------------------------------------------------------------


def test_documents_are_downloaded_never_shown_inline(client_for, project):
    _page, [attachment] = _attach(client_for("town_a"), project, "报告.pdf", PDF)
    # Even a row that says text/html (an older upload, say) goes out as a download the browser does not sniff.
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html", original_name="页面.html")
    response = client_for("town_a").get(f"/projects/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_media_folder_is_not_served(client_for, project, media):
    _page, [attachment] = _attach(client_for("town_a"), project, "报告.pdf", PDF)
    client = client_for("town_a")
    for path in (f"/media/{attachment.file.name}", f"/{attachment.file.name}", f"/static/{attachment.file.name}"):
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404
    # WhiteNoise serves the collected static files only; the media folder is neither among them nor under them.
    assert getattr(settings, "WHITENOISE_ROOT", None) is None
    static_dirs = [Path(settings.STATIC_ROOT).resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    assert not any(Path(settings.MEDIA_ROOT).resolve().is_relative_to(d) for d in static_dirs)


def test_the_shipped_media_root_is_outside_what_is_served():
    from cizhou_invest.settings import base

    media = Path(base.MEDIA_ROOT).resolve()
    for served in (Path(base.STATIC_ROOT), *map(Path, base.STATICFILES_DIRS)):
        assert not media.is_relative_to(served.resolve())


# The .xlsx imports -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, username",
    [
        ("/projects/import/", "town_a"),
        ("/monitoring/data/import/", "tongji"),
        ("/monitoring/equity-changes/import/", "shichang"),
    ],
)
@pytest.mark.parametrize("content", [HTML, EXE, PDF], ids=["html", "exe", "pdf"])
def test_an_import_that_is_not_a_workbook_is_refused_at_the_door(client_for, media, url, username, content):
    response = client_for(username).post(url, {"file": SimpleUploadedFile("数据.xlsx", content)})
    assert response.status_code == 200
    assert "这不是 Excel 工作簿（.xlsx）" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert _files(media) == []


def _bomb_workbook():
    """A workbook whose sheet declares an entity that expands a hundred thousand times (a small "billion laughs")."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "名称"
    plain = io.BytesIO()
    workbook.save(plain)
    entities = '<!ENTITY a0 "慈溪慈溪">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 6)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                sheet = data.decode().replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
                data = sheet.replace("名称", "&a5;").encode()
            target.writestr(info, data)
    return out.getvalue()


def test_xml_entities_in_a_workbook_are_not_expanded(city):
    """openpyxl parses with defusedxml when it is installed (a runtime requirement): a workbook declaring entities is
    refused as not a workbook by every importer, instead of being expanded in the worker's memory."""
    import openpyxl.xml

    from monitoring import excel as monitoring_excel
    from projects import excel as projects_excel

    content = _bomb_workbook()
    parsed = projects_excel.parse_projects(io.BytesIO(content))
    assert not parsed.rows and [e.row for e in parsed.errors] == [None]
    for rows, errors in (
        monitoring_excel.parse_indicators(io.BytesIO(content), actor=city["tongji"]),
        monitoring_excel.parse_equity_changes(io.BytesIO(content)),
    ):
        assert not rows and [e.row for e in errors] == [None]
    assert openpyxl.xml.DEFUSEDXML
    assert "defusedxml==" in (Path(settings.BASE_DIR) / "requirements.txt").read_text()
