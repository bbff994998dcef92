"""The whole story, clicked through a real browser (issue 10, item 12).

A town files a lead; the evaluation group writes its opinion; the five meetings of a major project decide;
资规局 records the land-transfer contract and the centre signs the performance agreement; the project is
built and goes into production (in 2025, so that year's data is due); the bureaus submit some indicators
but not all; the centre's compliance sweep, run by a real Celery worker, opens a finding; an incentive asked
for before its date is refused and a valid one approved and paid; the NPC deputy sees all of it in the
portal with the confidential fields masked.

Every page is in Chinese, as the users see it; the expected labels are read from the same catalogue. A
full-page screenshot of each step is written to var/journey/NN-step.png.

The tests at the end check, without a browser, the doors the journey opened: the dual-contract forms of the
monitoring page and the production start date asked with the transition to production.
"""

import datetime
import shutil

import pytest
from django.conf import settings
from django.utils import timezone, translation

from conftest import PASSWORD

SHOTS = settings.VAR_DIR / "journey"

COMPANY = "慈溪恒晟智能装备有限公司"
PROJECT = "恒晟智能数控机床生产基地项目"
CONTACT_PHONE = "13905741234"  # the project's contacts: never in the portal
PARCEL = "CX2023-ZX-017"
CONTRACT = "3302822024A00017"
AGREEMENT = "LY-ZX-2024-003"
NATIONAL_CODE = "2401-330282-04-01-583921"
PRODUCTION_START = "2025-03-01"
DATA_YEAR = 2025
# The chain of a major project: (step, who records it, minute number, date, chair).
MEETINGS = [
    ("consultation", "centre", "慈投促会〔2023〕41号", "2023-11-08", "投促委办公室主任"),
    ("review", "centre", "慈投促评〔2023〕17号", "2023-11-15", "投促中心主任"),
    ("mayor", "leader", "市长专题会议纪要〔2023〕52号", "2023-11-22", "李市长"),
    ("secretary", "leader", "书记专题会议纪要〔2023〕9号", "2023-11-29", "市委书记"),
    ("executive", "leader", "市政府常务会议纪要〔2023〕28号", "2023-12-06", "李市长"),
]
# The preferential terms the executive meeting grants: (kind, 万元, conditions).
TERMS = [
    ("land_price", "1800", "按评估价出让，差额一事一议"),
    ("investment_subsidy", "500", "设备投资补助，投产后兑现"),
    ("tax_reward", "300", "投产后按税收贡献奖励"),
]


def zh(text):
    """A message as the Chinese pages show it."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def label(choice):
    """A choice's label in Chinese."""
    with translation.override("zh-hans"):
        return str(choice.label)


class Journey:
    """One browser context per user, logged in once through /login/; numbered full-page screenshots."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.pages = {}
        self.errors = []
        self.shots = 0
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)

    def as_user(self, username):
        if username not in self.pages:
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.on("console", lambda m: self.errors.append(f"{username}: {m.text}") if m.type == "error" else None)
            page.goto(f"{self.base_url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit].w-100")
            assert "/login/" not in page.url, f"{username} could not log in"
            self.pages[username] = page
        return self.pages[username]

    def go(self, username, path):
        page = self.as_user(username)
        page.goto(f"{self.base_url}{path}")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        return page

    def submit(self, page, button):
        """Click a submit button and wait for the page the server answers with."""
        with page.expect_navigation():
            button.click()
        alerts = page.locator(".alert-danger").all_inner_texts()
        return alerts

    def shot(self, page, name):
        self.shots += 1
        page.screenshot(path=str(SHOTS / f"{self.shots:02d}-{name}.png"), full_page=True)

    def close(self):
        for page in self.pages.values():
            page.context.close()


def ok(alerts):
    assert not alerts, alerts


def text_of(page, testid):
    return page.get_by_test_id(testid).inner_text()


@pytest.mark.browser
@pytest.mark.worker
def test_the_whole_story(live_server, city, browser, celery_worker_process):
    from decisions.models import Dimension, PreferentialTerm, Rating, Step
    from monitoring.models import Finding
    from projects.models import Channel, Industry, LandMode, Project, Tier
    from projects.stages import Stage
    from projects.validators import uscc_check_character

    today = timezone.localdate()
    j = Journey(browser, live_server.url)
    try:
        # 1. The town registers the investor and files the lead. --------------------------------------------
        page = j.go("town_a", "/projects/companies/new/")
        first17 = "91330282MA2H7K3Q5"
        page.fill("#id_name", COMPANY)
        page.fill("#id_uscc", first17 + uscc_check_character(first17))
        page.fill("#id_legal_representative", "沈恒晟")
        page.fill("#id_contact_name", "王建国")
        page.fill("#id_contact_phone", CONTACT_PHONE)
        ok(j.submit(page, page.locator("main button[type=submit]")))
        assert COMPANY in page.content()

        page = j.go("town_a", "/projects/new/")
        page.fill("#id_name", PROJECT)
        page.select_option("#id_investor", label=COMPANY)
        page.select_option("#id_industry", value=str(Industry.objects.get(code="34").pk))
        page.select_option("#id_landing_unit", label=city["town_a"].unit.name)
        page.select_option("#id_attracting_unit", label=city["town_a"].unit.name)
        page.select_option("#id_channel", value=Channel.REFERRAL)
        page.fill("#id_total_investment_wan", "120000")
        page.select_option("#id_land_mode", value=LandMode.NEW_LAND)
        page.fill("#id_land_area_mu", "150")
        page.fill("#id_expected_annual_output_wan", "360000")
        page.fill("#id_expected_annual_tax_wan", "15000")
        page.fill("#id_description", "年产智能数控机床 5000 台，由本地龙头企业以商引商引进。")
        page.fill("#id_contacts", f"王建国 {CONTACT_PHONE}")
        ok(j.submit(page, page.locator("main form button[type=submit]")))
        project = Project.objects.get(name=PROJECT)
        assert page.url.endswith(f"/projects/{project.pk}/")
        assert text_of(page, "stage") == label(Stage.LEAD)
        assert project.code in page.content()
        j.shot(page, "town-files-the-lead")

        def move(username, target, **extra):
            page = j.go(username, f"/projects/{project.pk}/")
            card = page.get_by_test_id(f"transition-{target}")
            for name, value in extra.items():
                card.locator(f"[name={name}]").fill(value)
            ok(j.submit(page, card.locator("button[type=submit]")))
            assert text_of(page, "stage") == label(Stage(target)), target
            return page

        # 2. Negotiation, pre-evaluation, the evaluation group and its opinion. ---------------------------------
        move("town_a", Stage.NEGOTIATING)
        page = move("town_a", Stage.PRE_EVALUATION)
        # A major project cannot go to decision without its group's opinion: the button says why.
        waiting = page.get_by_test_id(f"transition-{Stage.AWAITING_DECISION}")
        assert waiting.locator("button").is_disabled()
        assert "预评估意见" in waiting.get_by_test_id("reasons").inner_text()
        j.shot(page, "pre-evaluation-waits-for-the-opinion")

        page = j.go("centre", f"/decisions/projects/{project.pk}/")
        assert label(Tier.MAJOR) in text_of(page, "tier")
        page.select_option("#id_user", label=f"{city['evaluator']} · {city['evaluator'].unit}")
        page.check("#id_is_lead")
        ok(j.submit(page, page.get_by_test_id("evaluation").locator("button[type=submit]")))
        assert str(city["evaluator"]) in text_of(page, "evaluation")

        page = j.go("evaluator", "/")
        page.goto(f"{live_server.url}/decisions/projects/{project.pk}/")
        with page.expect_navigation():
            page.get_by_test_id("evaluation").locator("a.btn").click()
        assert page.url.endswith(f"/decisions/projects/{project.pk}/opinion/")
        texts = {
            Dimension.INVESTOR: "投资方为省级专精特新企业，近三年营收稳定增长。",
            Dimension.MARKET: "国内中高端数控机床市场占有率约 3%。",
            Dimension.TECHNOLOGY: "五轴联动技术国内先进，拥有发明专利 26 项。",
            Dimension.FINANCE: "自有资金占 40%，银行授信已落实。",
            Dimension.OUTPUT: "达产后年产值约 36 亿元、税收 1.5 亿元。",
            Dimension.POLICY: "申请设备投资补助和税收贡献奖励，按一事一议。",
            Dimension.ECOLOGY: "以机加工为主，无重污染工序，能耗可控。",
        }
        for dimension, text in texts.items():
            page.select_option(f"#id_{dimension}_rating", value=Rating.GOOD)
            page.fill(f"#id_{dimension}_text", text)
        page.fill("#id_conclusion", "项目符合产业导向，建议提交市政府分级决策。")
        page.check("#id_recommend")
        j.shot(page, "evaluator-writes-the-opinion")
        ok(j.submit(page, page.locator("main form button[type=submit]")))
        evaluation = text_of(page, "evaluation")
        assert "项目符合产业导向" in evaluation and zh("recommended") in evaluation
        j.shot(page, "opinion-on-the-decision-page")

        page = move("town_a", Stage.AWAITING_DECISION)

        # The meetings, each recorded with its minutes by the role that records it.
        for step, username, number, day, chair in MEETINGS:
            page = j.go(username, f"/decisions/projects/{project.pk}/")
            card = page.get_by_test_id("next-step")
            assert label(Step(step)) in card.inner_text()
            page.select_option("#id_outcome", value="pass")
            page.fill("#id_number", number)
            page.fill("#id_meeting_date", day)
            page.fill("#id_chair", chair)
            page.fill("#id_attendees", "发改局、经信局、资规局、财政局、生态环境局、周巷镇")
            conclusion = "同意引进，按一事一议给予政策支持。" if step == "executive" else "同意提交下一环节。"
            page.fill("#id_conclusion", conclusion)
            if step == "executive":
                page.fill("#id_conditions", "须签订出让合同和履约协议，亩均税收不低于 30 万元。")
                for i, (kind, amount, conditions) in enumerate(TERMS):
                    page.select_option(f"#id_terms-{i}-kind", value=kind)
                    page.fill(f"#id_terms-{i}-amount_wan", amount)
                    page.fill(f"#id_terms-{i}-clause", "一事一议")
                    page.fill(f"#id_terms-{i}-conditions", conditions)
                j.shot(page, "executive-meeting-form")
            ok(j.submit(page, card.locator("button[type=submit]")))
            assert number in page.content()
        assert page.get_by_test_id("next-step").count() == 0
        project.refresh_from_db()
        assert project.stage == Stage.APPROVED
        assert page.locator("main .badge.text-bg-primary").first.inner_text() == label(Stage.APPROVED)
        j.shot(page, "five-meetings-approved")

        # 3. The dual contract, the filing, and the way to production. -----------------------------------------
        page = j.go("zigui", "/projects/resources/parcel/")
        page.fill("#id_code", PARCEL)
        page.fill("#id_location", "周巷镇工业园区兴业路北侧")
        page.fill("#id_area_m2", "100000")
        page.fill("#id_planned_use", "工业用地")
        ok(j.submit(page, page.locator("main > form button[type=submit]")))
        row = page.get_by_test_id("resources").locator("tr", has_text=PARCEL)
        row.locator("select[name=project]").select_option(label=str(project))
        ok(j.submit(page, row.locator("button[type=submit]")))
        row = page.get_by_test_id("resources").locator("tr", has_text=PARCEL)
        assert PROJECT in row.inner_text()

        page = j.go("zigui", f"/monitoring/projects/{project.pk}/")
        form = page.get_by_test_id("contract-form")
        page.fill("#id_contract-number", CONTRACT)
        page.select_option("#id_contract-parcel", label=f"{PARCEL} 周巷镇工业园区兴业路北侧")
        page.fill("#id_contract-area_mu", "150")
        page.fill("#id_contract-price_wan", "4500")
        page.fill("#id_contract-signed_on", "2024-01-10")
        page.fill("#id_contract-delivery_date", "2024-02-01")
        page.fill("#id_contract-construction_start_deadline", "2024-06-30")
        page.fill("#id_contract-completion_deadline", "2025-06-30")
        page.fill("#id_contract-production_deadline", "2025-12-31")
        ok(j.submit(page, form.locator("button[type=submit]")))
        contracts = text_of(page, "land-contracts")
        assert CONTRACT in contracts and "4500.00" in contracts and "150.00" in contracts
        assert page.get_by_test_id("agreement-form").count() == 0  # not 资规局's to sign

        page = j.go("centre", f"/monitoring/projects/{project.pk}/")
        form = page.get_by_test_id("agreement-form")
        page.fill("#id_agreement-number", AGREEMENT)
        page.fill("#id_agreement-signed_on", "2024-01-10")
        page.fill("#id_agreement-investment_per_mu_wan", "500")
        page.fill("#id_agreement-tax_per_mu_wan", "30")
        page.fill("#id_agreement-value_added_per_energy_wan", "2.5")
        page.fill("#id_agreement-liquidated_damages", "按未达标差额的 20% 支付违约金")
        ok(j.submit(page, form.locator("button[type=submit]")))
        agreement = text_of(page, "agreement")
        assert AGREEMENT in agreement and "500" in agreement and "30" in agreement and "2.5" in agreement
        j.shot(page, "dual-contract-signed")

        page = j.go("fagai", f"/projects/{project.pk}/?tab=filing")
        page.select_option("#id_kind", value="filing")
        page.fill("#id_national_code", NATIONAL_CODE)
        page.select_option("#id_approving_unit", label=city["fagai"].unit.name)
        page.fill("#id_date", "2024-01-20")
        ok(j.submit(page, page.locator("main form button[type=submit]")))
        assert NATIONAL_CODE in page.content()

        move("town_a", Stage.SIGNED)
        move("town_a", Stage.LAND_SUPPLIED)
        move("town_a", Stage.CONSTRUCTION)
        move("town_a", Stage.COMPLETED)
        page = move("town_a", Stage.IN_PRODUCTION, production_start_date=PRODUCTION_START)
        assert PRODUCTION_START in page.content()
        page.goto(f"{live_server.url}/projects/{project.pk}/?tab=timeline")
        timeline = text_of(page, "timeline")
        for stage in (Stage.APPROVED, Stage.SIGNED, Stage.LAND_SUPPLIED, Stage.IN_PRODUCTION):
            assert label(stage) in timeline
        j.shot(page, "timeline-to-production")

        # 4. The bureaus submit the 2025 indicators; energy (经信局) is left missing. ----------------------------
        for username, values in [
            ("fagai", {"investment": "96000"}),
            ("shuiwu", {"tax": "3000"}),
            ("tongji", {"value_added": "45000"}),
        ]:
            if username == "fagai":  # the bureau picks the year it reports on
                page = j.go(username, f"/monitoring/data/?year={today.year}")
                with page.expect_navigation():
                    page.select_option("#f-year", value=str(DATA_YEAR))
                assert page.url.endswith(f"?year={DATA_YEAR}")
            else:
                page = j.go(username, f"/monitoring/data/?year={DATA_YEAR}")
            row = page.locator(f"tr#p{project.pk}")
            for indicator, value in values.items():
                row.locator(f"#id_p{project.pk}-{indicator}").fill(value)
            if username == "fagai":
                j.shot(page, "bureau-enters-indicators")
            ok(j.submit(page, row.locator("button[type=submit]")))
            assert page.locator(".alert-success").count() == 1
        page = j.go("centre", f"/monitoring/projects/{project.pk}/")
        indicators = text_of(page, "indicators")
        # Stored and shown in yuan, as the columns say.
        assert str(DATA_YEAR) in indicators and "30000000.00" in indicators and "960000000.00" in indicators
        assert "—" in indicators  # energy, from 经信局, has not arrived
        j.shot(page, "indicators-arrived-energy-missing")

        # 5. The centre runs the sweep; the worker opens a finding for the missing data. -------------------------
        page = j.go("centre", "/monitoring/findings/")
        page.select_option("#run-check", value="missing_data")
        ok(j.submit(page, page.get_by_test_id("run-check").locator("button[type=submit]")))
        assert page.url.endswith("/tasks/")
        run_row = page.locator("tr", has_text="check_missing_data").filter(has=page.locator(".text-bg-success"))
        for _attempt in range(60):
            if run_row.count():
                break
            page.wait_for_timeout(500)
            page.reload()
        assert run_row.count() == 1, page.locator("main").inner_text()
        assert "opened=1" in run_row.inner_text()
        j.shot(page, "sweep-ran-in-the-worker")

        finding = Finding.objects.get(project=project, kind=Finding.Kind.MISSING_DATA, period=str(DATA_YEAR))
        assert finding.evidence["missing"] == ["energy"]
        page.goto(f"{live_server.url}/monitoring/findings/")
        board = text_of(page, "finding-board")
        assert city["centre"].unit.name in board
        listed = page.get_by_test_id("findings").locator("tr", has_text=project.code)
        assert listed.count() == 1
        assert label(Finding.Kind.MISSING_DATA) in listed.inner_text()
        j.shot(page, "finding-on-the-board")

        # 6. Incentives: the fund, the commitment, an early request refused, a valid one approved and paid. ------
        page = j.go("caizheng", "/incentives/")
        page.fill("#id_year", str(today.year))
        page.fill("#id_budget_wan", "2000")
        ok(j.submit(page, page.get_by_test_id("fund-form").locator("button[type=submit]")))

        terms = {t.kind: t for t in PreferentialTerm.objects.filter(minute__project=project)}
        items = [
            ("设备投资补助", PreferentialTerm.Kind.INVESTMENT_SUBSIDY, "500", (today + datetime.timedelta(days=200))),
            ("投产税收贡献奖励", PreferentialTerm.Kind.TAX_REWARD, "300", datetime.date(today.year, 1, 1)),
        ]
        for title, kind, cap, earliest in items:
            page = j.go("centre", f"/incentives/projects/{project.pk}/")
            page.select_option("#id_item-fund", label=str(today.year))
            page.select_option("#id_item-term", value=str(terms[kind].pk))
            page.fill("#id_item-title", title)
            page.fill("#id_item-cap_wan", cap)
            page.select_option("#id_item-condition", value="stage")
            page.select_option("#id_item-stage", value=Stage.IN_PRODUCTION)
            page.fill("#id_item-earliest", earliest.isoformat())
            ok(j.submit(page, page.get_by_test_id("item-form").locator("button[type=submit]")))
            assert title in text_of(page, "items")
        early_date = items[0][3].isoformat()

        page = j.go("town_a", f"/incentives/projects/{project.pk}/")
        page.select_option("#id_req-item", label=f"{project.code} 设备投资补助")
        page.fill("#id_req-amount_wan", "200")
        page.fill("#id_req-evidence", "项目已投产，设备发票清单见附件。")
        alerts = j.submit(page, page.get_by_test_id("request-form").locator("button[type=submit]"))
        assert len(alerts) == 1 and early_date in alerts[0], alerts
        refusals = text_of(page, "refusals")
        assert early_date in refusals and "200.00" in refusals
        j.shot(page, "early-request-refused")

        page.select_option("#id_req-item", label=f"{project.code} 投产税收贡献奖励")
        page.fill("#id_req-amount_wan", "150")
        page.fill("#id_req-evidence", f"{DATA_YEAR} 年纳税 3000 万元，税务局数据已报送。")
        ok(j.submit(page, page.get_by_test_id("request-form").locator("button[type=submit]")))
        assert "/incentives/requests/" in page.url
        request_path = page.url.removeprefix(live_server.url)

        page = j.go("centre", request_path)
        ok(j.submit(page, page.get_by_test_id("approve")))
        page = j.go("caizheng", request_path)
        ok(j.submit(page, page.get_by_test_id("pay")))
        ledger = text_of(page, "ledger")
        assert "150.00 万元" in ledger
        for who in ("town_a", "centre", "caizheng"):  # by name, as people know them
            assert str(city[who]) in page.locator("main").inner_text()
        assert page.locator(".alert-success").count() == 1
        j.shot(page, "valid-request-paid-in-the-ledger")
        page.goto(f"{live_server.url}/incentives/projects/{project.pk}/")
        items_text = text_of(page, "items")
        assert "150.00" in items_text
        j.shot(page, "commitment-against-payments")

        # 7. The deputy sees all of it in the portal, with the confidential fields masked. ------------------------
        page = j.go("deputy", "/oversight/")
        page.goto(f"{live_server.url}/oversight/projects/{project.pk}/")
        facts = text_of(page, "project-facts")
        assert PROJECT in facts and label(Stage.IN_PRODUCTION) in facts and COMPANY in facts
        minutes = text_of(page, "project-minutes")
        for _step, _user, number, _day, _chair in MEETINGS:
            assert number in minutes
        terms_row = page.get_by_test_id("terms").locator("tr", has_text=label(PreferentialTerm.Kind.LAND_PRICE))
        assert "（保密）" in terms_row.inner_text()
        commitments = text_of(page, "commitments")
        assert "投产税收贡献奖励" in commitments and "150.00" in commitments
        assert early_date in commitments  # the refused request's reason
        findings = text_of(page, "project-findings")
        assert label(Finding.Kind.MISSING_DATA) in findings and str(DATA_YEAR) in findings
        # Neither the contacts (anywhere in the page) nor the land prices (the contract's 4500, the term's 1800).
        html, shown = page.content(), page.locator("main").inner_text()
        for secret in (CONTACT_PHONE, "王建国"):
            assert secret not in html, f"{secret} is shown to the deputy"
        for price in ("4500", "4,500", "1800", "1,800"):
            assert price not in shown, f"the land price {price} is shown to the deputy"
        j.shot(page, "deputy-sees-the-project")

        with page.expect_navigation():
            page.get_by_test_id("project-minutes").get_by_role("link", name=MEETINGS[-1][2]).click()
        minute = text_of(page, "minute-facts")
        assert "同意引进，按一事一议给予政策支持。" in minute and "亩均税收不低于 30 万元" in minute
        assert "（保密）" in page.get_by_test_id("terms").inner_text()
        j.shot(page, "deputy-reads-the-minutes")

        page.goto(f"{live_server.url}/oversight/findings/")
        row = page.get_by_test_id("findings").locator("tr", has_text=project.code)
        assert label(Finding.Kind.MISSING_DATA) in row.inner_text()
        j.shot(page, "deputy-sees-the-finding")

        assert not j.errors, f"Browser console errors: {j.errors}"
    finally:
        j.close()


# The doors the journey uses, checked quickly without a browser. ---------------------------------------------------


def _project_in(city, stage):
    from projects.models import Project
    from projects.tests.factories import make_project

    project = make_project(city["town_a"])
    Project.objects.filter(pk=project.pk).update(stage=stage)
    return Project.objects.get(pk=project.pk)


CONTRACT_POST = {
    "form": "contract",
    "contract-number": "3302822026A00001",
    "contract-area_mu": "60",
    "contract-price_wan": "1800",
    "contract-signed_on": "2026-03-01",
    "contract-delivery_date": "2026-04-01",
    "contract-construction_start_deadline": "2026-10-01",
    "contract-completion_deadline": "2028-04-01",
}
AGREEMENT_POST = {
    "form": "agreement",
    "agreement-number": "LY-2026-001",
    "agreement-signed_on": "2026-03-01",
    "agreement-investment_per_mu_wan": "300",
    "agreement-tax_per_mu_wan": "30",
    "agreement-value_added_per_energy_wan": "2.5",
    "agreement-repay_incentives": "on",
}


def test_the_land_contract_is_recorded_by_zigui_on_the_monitoring_page(city, client_for):
    from decimal import Decimal

    from monitoring.models import LandContract
    from projects.stages import Stage

    project = _project_in(city, Stage.APPROVED)
    url = f"/monitoring/projects/{project.pk}/"
    assert 'data-testid="contract-form"' not in client_for("town_a").get(url).content.decode()
    assert client_for("town_a").post(url, CONTRACT_POST).status_code == 403

    zigui = client_for("zigui")
    assert 'data-testid="contract-form"' in zigui.get(url).content.decode()
    wrong = zigui.post(url, CONTRACT_POST | {"contract-delivery_date": "2026-02-01"})
    assert wrong.status_code == 400
    assert zh("Dates must run: signing ≤ delivery ≤ construction start ≤ completion.") in wrong.content.decode()
    assert not LandContract.objects.exists()

    assert zigui.post(url, CONTRACT_POST).status_code == 302
    contract = LandContract.objects.get(project=project)
    assert contract.area_m2 == Decimal("40000.00") and contract.price == Decimal("18000000.00")  # 60 亩, 1800 万元
    again = zigui.post(url, CONTRACT_POST)
    assert again.status_code == 400 and 'data-testid="error-number"' in again.content.decode()


def test_the_agreement_is_signed_once_by_the_centre_or_the_landing_unit(city, client_for):
    from decimal import Decimal

    from monitoring.models import PerformanceAgreement
    from projects.stages import Stage

    project = _project_in(city, Stage.APPROVED)
    url = f"/monitoring/projects/{project.pk}/"
    assert client_for("zigui").post(url, AGREEMENT_POST).status_code == 403
    assert client_for("town_a").post(url, AGREEMENT_POST).status_code == 302
    agreement = PerformanceAgreement.objects.get(project=project)
    assert agreement.investment_per_mu == Decimal("3000000.00") and agreement.tax_per_mu == Decimal("300000.00")
    assert agreement.value_added_per_energy == Decimal("25000.00") and agreement.repay_incentives
    assert not agreement.land_taken_back
    page = client_for("centre").get(url).content.decode()
    assert 'data-testid="agreement-form"' not in page and "LY-2026-001" in page


def test_the_production_start_date_is_asked_with_the_move_to_production(city, client_for):
    from projects.stages import Stage

    project = _project_in(city, Stage.COMPLETED)
    page = client_for("town_a").get(f"/projects/{project.pk}/").content.decode()
    card = page.split(f'data-testid="transition-{Stage.IN_PRODUCTION}"')[1].split("</div></div>")[0]
    assert 'name="production_start_date"' in card and "disabled" not in card
    response = client_for("town_a").post(
        f"/projects/{project.pk}/transition/", {"target": Stage.IN_PRODUCTION, "production_start_date": "2025-03-01"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.IN_PRODUCTION and project.production_start_date.isoformat() == "2025-03-01"
