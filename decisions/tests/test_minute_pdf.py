"""The PDF of issued minutes: an official-looking Chinese document, served only within the reader's scope."""

import re
import subprocess
from decimal import Decimal
from urllib.parse import unquote

from decisions import services
from decisions.models import Minute, Step
from decisions.pdf import css_string, minute_pdf
from decisions.tests.helpers import OPINION, minute
from projects.models import Tier
from projects.services import project_move
from projects.stages import Stage
from projects.tests.factories import make_project

NUMBER = "慈投促纪〔2026〕1号"


def _pdf_file(pdf, tmp_path, name="minute.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _text(pdf, tmp_path):
    """The PDF's text as pdftotext reads it, whitespace removed (CJK lines may break anywhere)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(_pdf_file(pdf, tmp_path)), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(out.split())


def _awaiting_decision(city, **overrides):
    """A project moved to "awaiting decision" through the real services (with the opinion a major one needs)."""
    centre = city["centre"]
    project = make_project(centre, unit_code="zhouxiang", **overrides)
    project_move(actor=centre, project=project, target=Stage.NEGOTIATING)
    project_move(actor=centre, project=project, target=Stage.PRE_EVALUATION)
    if project.land_area_m2 >= Decimal("133333.34") or project.total_investment >= Decimal(1_000_000_000):
        services.evaluation_member_add(actor=centre, project=project, user=city["evaluator"])
        services.evaluation_opinion_write(
            actor=city["evaluator"], project=project, ratings=OPINION, conclusion="建议引进", recommend=True
        )
    project_move(actor=centre, project=project, target=Stage.AWAITING_DECISION)
    project.refresh_from_db()
    return project


def _major(city):
    # 153333.33 m² = 230 亩; 1,200,000,000 yuan = 120000 万元.
    project = _awaiting_decision(
        city, name="年产50万台电驱动系统项目", land_area_m2=Decimal("153333.33"), total_investment=Decimal("1200000000")
    )
    assert project.tier == Tier.MAJOR
    return project


def _issued(city):
    project = _major(city)
    services.decision_record(
        actor=city["centre"],
        project=project,
        step="consultation",
        outcome="pass",
        minute=minute(
            NUMBER,
            attendees="市投促委办公室、市发改局、市资规局、周巷镇",
            conclusion="经会商，原则同意提交项目评审。",
            conditions="须签订履约监管协议",
        ),
        terms=[
            {
                "kind": "investment_subsidy",
                "amount": Decimal("5000000"),
                "clause": "一事一议",
                "conditions": "投产后兑现",
            },
            {"kind": "tax_reward", "rate": Decimal("30"), "clause": "慈政发〔2024〕12号第五条"},
        ],
    )
    return Minute.objects.get(number=NUMBER)


def test_the_pdf_carries_the_header_title_number_project_and_terms(city, tmp_path):
    issued = _issued(city)
    pdf = minute_pdf(issued)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert "慈溪市投资促进委员会办公室" in text and "会议纪要" in text
    assert f"关于{issued.project.name}的会议纪要" in text
    assert NUMBER in text
    assert "会议名称" in text and "会商" in text
    assert "2026年11月20日" in text and "市资规局" in text
    assert issued.project.code in text and issued.project.investor.name in text and "周巷镇" in text
    assert "120000.00万元" in text and "230.00亩" in text
    assert "经会商，原则同意提交项目评审。" in text and "须签订履约监管协议" in text
    # The terms: the subsidy in 万元, the reward as a rate.
    assert "优惠政策" in text and "金额（万元）" in text and "比例（%）" in text
    assert "投资补助" in text and "一事一议" in text and "500.00" in text and "投产后兑现" in text
    assert "税收贡献奖励" in text and "30.00" in text and "慈政发〔2024〕" in text  # the clause wraps in its cell
    # Page footer: page number and issue date.
    assert re.search(r"—1/\d+—", text) and "印发" in text


def test_the_pdf_embeds_chinese_fonts(city, tmp_path):
    fonts = subprocess.run(
        ["pdffonts", str(_pdf_file(minute_pdf(_issued(city)), tmp_path))], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSerifCJK" in fonts.replace("-", "")  # no fallback to a font without CJK glyphs (tofu)


def test_a_superseded_minute_says_so_and_its_successor_names_it(city, tmp_path):
    issued = _issued(city)
    services.minute_supersede(actor=city["centre"], minute=issued, new_minute=minute("慈投促纪〔2026〕2号"))
    issued = Minute.objects.get(pk=issued.pk)
    assert "已被慈投促纪〔2026〕2号替代" in _text(minute_pdf(issued), tmp_path)
    newer = _text(minute_pdf(Minute.objects.get(number="慈投促纪〔2026〕2号")), tmp_path)
    assert "本纪要替代慈投促纪〔2026〕1号" in newer and "已被" not in newer


def test_the_issuer_follows_the_meeting(city, tmp_path):
    # Mayor's meeting: issued by the city government.
    project = _major(city)
    for step, actor, number in (
        ("consultation", "centre", NUMBER),
        ("review", "centre", "慈投促纪〔2026〕5号"),
        ("mayor", "leader", "慈政纪〔2026〕7号"),
    ):
        services.decision_record(actor=city[actor], project=project, step=step, outcome="pass", minute=minute(number))
    mayor = Minute.objects.get(number="慈政纪〔2026〕7号")
    text = _text(minute_pdf(mayor), tmp_path)
    assert "慈溪市人民政府" in text and "慈溪市投资促进委员会办公室" not in text
    assert "市长专题办公会议" in text
    assert "本次会议未给予优惠政策" in text
    # Landing-unit decision (30 亩, 3000 万元): issued by the landing unit.
    small = _awaiting_decision(city, land_area_m2=Decimal("20000"), total_investment=Decimal("30000000"))
    assert small.tier == Tier.LOCAL
    services.decision_record(
        actor=city["town_a"], project=small, step=Step.LOCAL, outcome="pass", minute=minute("周政纪〔2026〕3号")
    )
    text = _text(minute_pdf(Minute.objects.get(number="周政纪〔2026〕3号")), tmp_path)
    assert text.startswith("周巷镇") and "属地决策" in text and "慈溪市人民政府" not in text


def test_the_pdf_is_served_inline_in_scope(city, client_for, client):
    issued = _issued(city)
    url = f"/decisions/minutes/{issued.pk}/pdf/"
    for username in ("centre", "leader", "town_a"):  # the deputy reads it in the portal, masked
        response = client_for(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline; filename*=utf-8''")
        assert unquote(disposition.split("''", 1)[1]) == f"会议纪要-{NUMBER}.pdf"
    assert client_for("town_b").get(url).status_code == 404  # another town's project: not found
    assert client_for("town_b").get(f"/decisions/minutes/{issued.pk + 1000}/pdf/").status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_css_strings_cannot_break_out_of_the_style_element():
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'
