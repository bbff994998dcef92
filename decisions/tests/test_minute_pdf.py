import subprocess
from decimal import Decimal

from decisions import services
from decisions.models import Minute
from decisions.pdf import minute_pdf
from decisions.tests.helpers import major_project, minute, submit


def _text(pdf, tmp_path):
    path = tmp_path / "minute.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _issued(city):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"],
        project=project,
        step="consultation",
        outcome="pass",
        minute=minute("慈投促纪〔2026〕1号", conditions="须签订履约协议"),
        terms=[
            {
                "kind": "investment_subsidy",
                "amount": Decimal("5000000"),
                "clause": "一事一议",
                "conditions": "投产后兑现",
            }
        ],
    )
    return Minute.objects.get(number="慈投促纪〔2026〕1号")


def test_the_pdf_carries_the_chinese_title_number_and_terms(city, tmp_path):
    issued = _issued(city)
    pdf = minute_pdf(issued)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    flat = "".join(text.split())
    assert f"关于{issued.project.name}的会议纪要" in flat
    assert "慈投促纪〔2026〕1号" in flat
    assert "会商" in flat and "会议纪要" in flat
    assert "一事一议" in flat and "500.00" in flat and "投产后兑现" in flat
    assert "慈溪市投资促进委员会办公室" in flat


def test_a_superseded_minute_says_so(city, tmp_path):
    issued = _issued(city)
    services.minute_supersede(actor=city["centre"], minute=issued, new_minute=minute("慈投促纪〔2026〕2号"))
    issued.refresh_from_db()
    flat = "".join(_text(minute_pdf(issued), tmp_path).split())
    assert "已被慈投促纪〔2026〕2号替代" in flat
    newer = "".join(_text(minute_pdf(Minute.objects.get(number="慈投促纪〔2026〕2号")), tmp_path).split())
    assert "本纪要替代慈投促纪〔2026〕1号" in newer


def test_the_pdf_is_served_in_scope(city, client_for):
    issued = _issued(city)
    response = client_for("deputy").get(f"/decisions/minutes/{issued.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert client_for("town_a").get(f"/decisions/minutes/{issued.pk}/pdf/").status_code == 200
    assert client_for("town_b").get(f"/decisions/minutes/{issued.pk}/pdf/").status_code == 404
