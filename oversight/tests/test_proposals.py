"""The proposal follow-up: deputies read No. 102's reply, its measures with their dated status and where the
system shows each working, and download it as a report; only the centre moves a measure's status."""

import datetime
import io
import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from core.errors import ApplicationError
from oversight import services
from oversight.demo import REPLY, load_proposal_demo
from oversight.models import Evidence, Measure, MeasureStatus, MeasureUpdate, Proposal

PENDING = Path(settings.BASE_DIR) / "locale" / "pending" / "proposals.json"
CJK = re.compile(r"[\u4e00-\u9fff]")
TITLE = "关于加强招商引资后续管理的建议"


@pytest.fixture
def proposal(city):
    return load_proposal_demo()


def _measure(proposal, title):
    return proposal.measures.get(title=title)


def _snapshot():
    return (
        list(Measure.objects.order_by("pk").values_list("pk", "status", "status_on")),
        MeasureUpdate.objects.count(),
        list(Proposal.objects.values_list("pk", "status")),
    )


def _status_url(measure):
    return reverse("oversight:measure_status", args=[measure.pk])


def _zh(message):
    with translation.override("zh-hans"):
        return str(message)


def _label(status):
    return MeasureStatus(status).label


# Reading --------------------------------------------------------------------------------------------------


def test_the_deputy_sees_the_list_and_the_follow_up(client_for, proposal):
    client = client_for("deputy")
    listing = client.get(reverse("oversight:proposal_list"))
    assert listing.status_code == 200
    assert TITLE in listing.content.decode()
    assert reverse("oversight:proposal_detail", args=[proposal.pk]) in listing.content.decode()

    page = client.get(reverse("oversight:proposal_detail", args=[proposal.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "陈益亭" in html and "市十八届人大二次会议" in html
    assert html.count('data-testid="measure"') == proposal.measures.count() == 16
    for measure in proposal.measures.all():
        assert measure.title in html
        assert measure.commitment[:30] in html
        for update in measure.updates.all():
            assert update.note in html
    assert "打通“招商项目库、资源配置库、投资项目库”" in html
    assert "希望您在今后继续多提宝贵意见" in html  # the reply in full
    assert reverse("oversight:proposal_pdf", args=[proposal.pk]) in html
    assert reverse("oversight:proposal_xlsx", args=[proposal.pk]) in html
    assert 'data-testid="update-status"' not in html  # a deputy only reads


def test_the_centre_sees_where_to_update(client_for, proposal):
    html = client_for("centre").get(reverse("oversight:proposal_detail", args=[proposal.pk])).content.decode()
    assert _status_url(_measure(proposal, "容错纠错机制")) in html


def _hrefs(html):
    return re.findall(r'<ul class="mb-0" data-testid="evidence">(.*?)</ul>', html, re.S)


def test_every_evidence_link_resolves_and_opens_for_the_deputy(client_for, proposal):
    """A deputy reads through the portal: the links shown are the portal's, and each opens; the staff's working
    pages are counted, not linked."""
    client = client_for("deputy")
    page = client.get(reverse("oversight:proposal_detail", args=[proposal.pk])).content.decode()
    links = Evidence.objects.filter(measure__proposal=proposal)
    portal = [e for e in links if e.url_name.startswith("oversight:")]
    assert len(portal) >= 10
    shown = [href for block in _hrefs(page) for href in re.findall(r'href="([^"]+)"', block)]
    assert shown == [e.url for e in portal]
    for url in shown:
        assert client.get(url).status_code == 200, url
    assert page.count('data-testid="staff-links"') == sum(
        1 for m in proposal.measures.all() if any(not e.url_name.startswith("oversight:") for e in m.evidence.all())
    )


def test_every_evidence_link_resolves_and_opens_for_the_centre(client_for, proposal):
    client = client_for("centre")
    page = client.get(reverse("oversight:proposal_detail", args=[proposal.pk])).content.decode()
    links = Evidence.objects.filter(measure__proposal=proposal)
    apps = {e.url_name.split(":")[0] for e in links}
    assert apps >= {"oversight", "decisions", "monitoring", "incentives", "assessment", "projects"}
    assert 'data-testid="staff-links"' not in page
    for where in links:
        url = where.url
        assert url.startswith(reverse(where.url_name, kwargs=where.kwargs or None))
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200, url


def test_the_detail_page_costs_the_same_queries_for_one_measure_or_sixteen(city, client_for, proposal):
    centre = city["centre"]
    small = services.proposal_create(
        actor=centre,
        number="7",
        kind="proposal",
        session="市十八届人大三次会议",
        title="小",
        proposers="某代表",
        replying_body="市发改局",
        reply_text="答复。",
    )
    measure = services.measure_add(
        actor=centre,
        proposal=small,
        title="一项",
        reply_section="（一）",
        commitment="承诺。",
        evidence=[{"label": "纪要", "url_name": "decisions:minute_list"}],
    )
    services.measure_update_status(
        actor=centre, measure=measure, status="in_progress", on=timezone.localdate(), note="开始。"
    )
    client = client_for("deputy")
    counts = []
    for target in (small, proposal):
        url = reverse("oversight:proposal_detail", args=[target.pk])
        client.get(url)  # the session and the user are cached alike after the first request
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# The report ------------------------------------------------------------------------------------------------


def _pdf_text(pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())  # CJK lines may break anywhere


def test_the_deputy_downloads_the_report_as_pdf(client_for, proposal, tmp_path):
    response = client_for("deputy").get(reverse("oversight:proposal_pdf", args=[proposal.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "第102号建议答复事项落实情况跟踪报告" in text
    assert TITLE in text
    assert "慈溪市投资促进中心" in text
    for measure in proposal.measures.all():
        assert measure.title.replace(" ", "") in text
    assert "已在系统中运行" in text and "推进中" in text and "计划中" in text
    assert "/oversight/decisions/" in text  # where to see it, printed
    assert "/decisions/minutes/" not in text.replace("/oversight/decisions/", "")  # not a page a deputy can open
    assert "另有3处体现在工作人员业务页面" in text
    assert "附件：答复原文" in text


def test_the_deputy_downloads_the_report_as_xlsx(client_for, proposal):
    response = client_for("deputy").get(reverse("oversight:proposal_xlsx", args=[proposal.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["建议", "承诺事项", "落实进展"]
    about = {row[0]: row[1] for row in workbook["建议"].iter_rows(values_only=True)}
    assert about["标题"] == TITLE and about["编号"] == "第102号" and about["办理状态"] == "跟踪落实中"
    rows = list(workbook["承诺事项"].iter_rows(min_row=2, values_only=True))
    measures = list(proposal.measures.all())
    assert [(r[0], r[2], r[3]) for r in rows] == [(m.order, m.title, m.commitment) for m in measures]
    zh = {"planned": "计划中", "in_progress": "推进中", "working": "已在系统中运行", "done": "已完成"}
    assert [r[4] for r in rows] == [zh[m.status] for m in measures]
    minutes = next(r for r in rows if r[2].startswith("分级决策"))
    assert minutes[7].splitlines() == [
        "重大决策及会议纪要（人大监督门户）：http://testserver/oversight/decisions/",
        "人大监督门户：http://testserver/oversight/",
        "另有3处体现在工作人员业务页面",
    ]
    updates = list(workbook["落实进展"].iter_rows(min_row=2, values_only=True))
    assert len(updates) == MeasureUpdate.objects.filter(measure__proposal=proposal).count() > 0


# Updating a measure's status ---------------------------------------------------------------------------------


def test_the_centre_moves_a_measure_through_the_form(client_for, proposal):
    measure = _measure(proposal, "每年不少于1000万元政策奖励专项资金")
    assert measure.status == MeasureStatus.WORKING
    history_before = measure.history.count()
    client = client_for("centre")
    form = client.get(_status_url(measure))
    assert form.status_code == 200
    assert 'value="in_progress" disabled' not in form.content.decode()  # working may go back to in progress
    assert re.search(r'value="planned"[^>]*disabled', form.content.decode())  # but not to planned
    today = timezone.localdate()
    response = client.post(
        _status_url(measure), {"status": "done", "on": today.isoformat(), "note": "2026年预算1200万元已到位。"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/oversight/proposals/{proposal.pk}/#measure-{measure.pk}")
    measure.refresh_from_db()
    assert (measure.status, measure.status_on) == (MeasureStatus.DONE, today)
    update = measure.updates.last()
    assert (update.from_status, update.to_status, update.actor.username) == ("working", "done", "centre")
    assert measure.history.count() == history_before + 1
    page = client_for("deputy").get(reverse("oversight:proposal_detail", args=[proposal.pk])).content.decode()
    assert "2026年预算1200万元已到位。" in page


def _refusals(proposal):
    """(measure, what is posted, the field that says why, the message, its parameters)."""
    today = timezone.localdate()
    scenes = _measure(proposal, "数字化应用场景建设")  # in progress, last update 120 days ago
    fund = _measure(proposal, "每年不少于1000万元政策奖励专项资金")  # working
    last = scenes.updates.last().on
    return [
        (
            scenes,
            {"status": "planned", "on": today, "note": "回退"},
            "status",
            "A measure that is “%(current)s” cannot become “%(target)s”; it can become: %(allowed)s.",
            lambda: {
                "current": _label("in_progress"),
                "target": _label("planned"),
                "allowed": "、".join(str(_label(s)) for s in ("working", "done")),
            },
        ),
        (
            fund,
            {"status": "working", "on": today, "note": "仍在运行"},
            "status",
            "The measure is already “%(status)s”.",
            lambda: {"status": _label("working")},
        ),
        (fund, {"status": "finished", "on": today, "note": "x"}, "status", "Choose one of the statuses listed.", None),
        (
            fund,
            {"status": "done", "on": today + datetime.timedelta(days=1), "note": "x"},
            "on",
            "The date cannot be in the future.",
            None,
        ),
        (
            scenes,
            {"status": "working", "on": last - datetime.timedelta(days=1), "note": "x"},
            "on",
            "The date cannot be before the last update (%(date)s).",
            lambda: {"date": formats.date_format(last, "SHORT_DATE_FORMAT")},
        ),
        (fund, {"status": "done", "on": today, "note": "  "}, "note", "Say what was done and where it shows.", None),
    ]


def _in_chinese(msgid, params):
    """The message as a Chinese reader gets it, and the Chinese it has (the catalogue's, or until the pending
    translations are merged, theirs)."""
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    with translation.override("zh-hans"):
        shown = gettext(msgid)
        chinese = shown if shown != msgid else pending.get(msgid, "")
        if params:
            values = {k: str(v) for k, v in params().items()}
            shown, chinese = shown % values, chinese % values
    return shown, chinese


def test_a_bad_status_or_transition_is_a_field_error_in_chinese_and_changes_nothing(client_for, proposal):
    client = client_for("centre")
    for measure, data, field, msgid, params in _refusals(proposal):
        before = _snapshot()
        response = client.post(_status_url(measure), {**data, "on": data["on"].isoformat()})
        assert response.status_code == 200, data
        errors = re.findall(rf'data-testid="error-{field}">([^<]+)<', response.content.decode())
        shown, chinese = _in_chinese(msgid, params)
        assert errors == [shown], (data, errors)
        assert CJK.search(chinese), msgid
        assert _snapshot() == before


def test_a_done_measure_is_closed(city, proposal):
    centre = city["centre"]
    measure = _measure(proposal, "容错纠错机制")
    services.measure_update_status(actor=centre, measure=measure, status="done", on=timezone.localdate(), note="完成")
    with pytest.raises(ApplicationError) as refused:
        services.measure_update_status(
            actor=centre, measure=measure, status="working", on=timezone.localdate(), note="重开"
        )
    assert list(refused.value.errors) == ["status"]
    assert measure.updates.count() == 2


@pytest.mark.parametrize("username", ["deputy", "leader", "town_a", "fagai"])
def test_only_the_centre_updates_a_measure(client_for, proposal, username):
    measure = _measure(proposal, "数字化应用场景建设")
    before = _snapshot()
    client = client_for(username)
    post = client.post(_status_url(measure), {"status": "working", "on": timezone.localdate(), "note": "试图修改"})
    assert post.status_code == 403
    assert 'data-testid="reason"' in post.content.decode()
    assert client.get(_status_url(measure)).status_code == 403
    assert _snapshot() == before


def test_a_town_does_not_see_the_follow_up(client_for, proposal):
    client = client_for("town_a")
    for name in ("proposal_detail", "proposal_pdf", "proposal_xlsx"):
        assert client.get(reverse(f"oversight:{name}", args=[proposal.pk])).status_code == 403
    assert client.get(reverse("oversight:proposal_list")).status_code == 403


def test_the_services_refuse_read_only_roles(city, proposal):
    measure = _measure(proposal, "数字化应用场景建设")
    for username in ("deputy", "leader", "town_a"):
        with pytest.raises(PermissionDenied):
            services.measure_update_status(
                actor=city[username], measure=measure, status="working", on=timezone.localdate(), note="x"
            )
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=city["deputy"], number="1", kind="proposal", session="s", title="t", proposers="p"
        )


def test_the_proposal_follows_its_measures(city):
    centre = city["centre"]
    proposal = services.proposal_create(
        actor=centre,
        number="9",
        kind="proposal",
        session="市十八届人大三次会议",
        title="议案",
        proposers="某代表",
        replying_body="市投促中心",
        reply_text="答复。",
        replied_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert proposal.status == Proposal.Status.REPLIED
    first, second = (
        services.measure_add(actor=centre, proposal=proposal, title=t, reply_section="（一）", commitment="承诺")
        for t in ("甲", "乙")
    )
    with pytest.raises(ApplicationError) as early:
        services.measure_update_status(
            actor=centre, measure=first, status="done", on=proposal.replied_on - datetime.timedelta(days=1), note="x"
        )
    assert list(early.value.errors) == ["on"]
    services.measure_update_status(actor=centre, measure=first, status="done", on=timezone.localdate(), note="完成")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FOLLOWING_UP
    services.measure_update_status(actor=centre, measure=second, status="done", on=timezone.localdate(), note="完成")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CONCLUDED
    assert [h.status for h in proposal.history.order_by("history_date")] == ["replied", "following_up", "concluded"]


def test_measures_need_a_reply_and_links_that_exist(city):
    centre = city["centre"]
    unanswered = services.proposal_create(
        actor=centre, number="8", kind="suggestion", session="市十八届人大三次会议", title="建议", proposers="某代表"
    )
    assert unanswered.status == Proposal.Status.SUBMITTED
    with pytest.raises(ApplicationError):
        services.measure_add(actor=centre, proposal=unanswered, title="x", reply_section="（一）", commitment="x")
    replied = services.proposal_create(
        actor=centre,
        number="10",
        kind="suggestion",
        session="市十八届人大三次会议",
        title="建议",
        proposers="某代表",
        replying_body="市投促中心",
        reply_text="答复。",
    )
    with pytest.raises(ApplicationError) as bad_link:
        services.measure_add(
            actor=centre,
            proposal=replied,
            title="x",
            reply_section="（一）",
            commitment="x",
            evidence=[{"label": "无此页", "url_name": "decisions:no_such_page"}],
        )
    assert "url_name" in bad_link.value.errors
    assert not Measure.objects.filter(proposal=replied).exists()  # nothing half-made


# The demo ------------------------------------------------------------------------------------------------------


def _tally():
    return [
        m.objects.count()
        for m in (Proposal, Measure, MeasureUpdate, Evidence, Proposal.history.model, Measure.history.model)
    ]


def test_the_demo_loads_once(city):
    load_proposal_demo()
    first = _tally()
    assert first[:4] == [1, 16, 24, 45]
    load_proposal_demo()
    assert _tally() == first


def test_the_demo_quotes_the_reply_word_for_word(proposal):
    reply = "".join(REPLY.read_text(encoding="utf-8").split())
    assert proposal.reply_text.startswith("陈益亭委员：")
    for measure in proposal.measures.all():
        assert "".join(measure.commitment.split()) in reply, measure.title
    statuses = set(proposal.measures.values_list("status", flat=True))
    assert statuses == {"planned", "in_progress", "working"}


def test_the_new_messages_have_chinese_translations():
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    assert len(pending) > 30
    assert [en for en, zh in pending.items() if not CJK.search(zh)] == []
