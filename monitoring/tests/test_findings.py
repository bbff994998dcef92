"""The findings workflow: open → rectifying → resolved, escalated, or waived only under a 容错 exemption."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Unit
from core.errors import ApplicationError
from decisions import services as decisions
from monitoring import services
from monitoring.models import Finding
from projects.tests.factories import make_project


@pytest.fixture
def finding(city):
    project = make_project(city["centre"], unit_code="zhouxiang")
    return Finding.objects.create(
        project=project,
        kind=Finding.Kind.RECTIFICATION,
        period="2025",
        severity=Finding.Severity.MEDIUM,
        owner=Unit.objects.get(code="zhouxiang"),
        evidence={"grade": "C", "ratio": 70},
    )


def _act(user, finding, action, note="已落实整改措施", **kwargs):
    return services.finding_act(actor=user, finding=finding, action=action, note=note, **kwargs)


def test_the_owner_unit_rectifies_and_resolves_and_every_step_is_kept(city, finding):
    _act(city["town_a"], finding, "rectify", note="企业已提交整改方案")
    _act(city["town_a"], finding, "resolve", note="2026年税收已达标")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RESOLVED
    steps = list(finding.actions.values_list("from_status", "to_status", "actor__username", "note"))
    assert steps == [
        ("open", "rectifying", "town_a", "企业已提交整改方案"),
        ("rectifying", "resolved", "town_a", "2026年税收已达标"),
    ]
    assert [h.status for h in finding.history.order_by("history_id")] == ["open", "rectifying", "resolved"]


def test_a_closed_finding_cannot_move_and_a_note_is_required(city, finding):
    with pytest.raises(ApplicationError) as refused:
        _act(city["town_a"], finding, "rectify", note="  ")
    assert "note" in refused.value.errors
    _act(city["centre"], finding, "resolve")
    with pytest.raises(ApplicationError) as refused:
        _act(city["centre"], finding, "rectify")
    assert refused.value.status_code == 409


@pytest.mark.parametrize(
    ("username", "action"),
    [("town_b", "rectify"), ("fagai", "resolve"), ("town_a", "escalate"), ("town_a", "waive"), ("deputy", "rectify")],
)
def test_who_may_do_what(city, finding, username, action):
    with pytest.raises(PermissionDenied):
        _act(city[username], finding, action)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not finding.actions.exists()


def test_the_centre_escalates_then_the_unit_rectifies(city, finding):
    _act(city["centre"], finding, "escalate", note="逾期未整改，提请市政府督办")
    _act(city["town_a"], finding, "rectify")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFYING


def test_a_waiver_needs_an_approved_exemption_of_the_same_project(city, finding):
    with pytest.raises(ApplicationError) as refused:
        _act(city["centre"], finding, "waive")
    assert "exemption" in refused.value.errors
    exemption = decisions.exemption_request(
        actor=city["town_a"], project=finding.project, officials="周落地", reason="市场突变，已按规定履职"
    )
    with pytest.raises(ApplicationError, match="not approved|尚未批准"):
        _act(city["centre"], finding, "waive", exemption=exemption)
    other = decisions.exemption_request(
        actor=city["centre"], project=make_project(city["centre"]), officials="某某", reason="另一项目"
    )
    decisions.exemption_decide(actor=city["leader"], exemption=other, approve=True)
    with pytest.raises(ApplicationError):
        _act(city["centre"], finding, "waive", exemption=other)
    decisions.exemption_decide(actor=city["leader"], exemption=exemption, approve=True)
    _act(city["centre"], finding, "waive", note="经认定符合容错情形", exemption=exemption)
    finding.refresh_from_db()
    assert (finding.status, finding.exemption_id) == (Finding.Status.WAIVED, exemption.pk)
    assert finding.actions.get().exemption_id == exemption.pk


def test_the_page_shows_the_actions_and_records_a_step(city, finding, client_for):
    town = client_for("town_a")
    page = town.get(f"/monitoring/findings/{finding.pk}/").content.decode()
    assert 'value="rectify"' in page and 'value="escalate"' not in page
    refused = town.post(f"/monitoring/findings/{finding.pk}/act/", {"action": "rectify", "note": ""})
    assert refused.status_code == 400 and "is-invalid" in refused.content.decode()
    done = town.post(f"/monitoring/findings/{finding.pk}/act/", {"action": "rectify", "note": "整改中"})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFYING
    assert "整改中" in town.get(f"/monitoring/findings/{finding.pk}/").content.decode()
    # Another town does not see it at all; the deputy sees it in the portal and may not act.
    assert client_for("town_b").get(f"/monitoring/findings/{finding.pk}/").status_code == 404
    deputy = client_for("deputy")
    portal = deputy.get(f"/oversight/findings/{finding.pk}/")
    assert portal.status_code == 200 and "整改中" in portal.content.decode()
    assert 'name="action"' not in portal.content.decode()
    assert deputy.post(f"/monitoring/findings/{finding.pk}/act/", {"action": "resolve", "note": "x"}).status_code == 403


def test_the_board_counts_active_findings_by_unit_and_severity_and_the_queue_is_the_units(city, finding, client_for):
    other = Finding.objects.create(
        project=make_project(city["centre"], unit_code="guanhaiwei"),
        kind=Finding.Kind.BREACH,
        period="2025",
        severity=Finding.Severity.HIGH,
        owner=Unit.objects.get(code="centre"),
        co_owner=Unit.objects.get(code="guanhaiwei"),
    )
    Finding.objects.create(
        project=finding.project,
        kind=Finding.Kind.MISSING_DATA,
        period="2024",
        severity=Finding.Severity.MEDIUM,
        owner=Unit.objects.get(code="zhouxiang"),
        status=Finding.Status.RESOLVED,
    )
    response = client_for("centre").get("/monitoring/findings/")
    board = {row["id"]: (row["counts"], row["total"]) for row in response.context["board"]}
    units = {code: Unit.objects.get(code=code).pk for code in ("zhouxiang", "centre")}
    assert board == {units["zhouxiang"]: ({"medium": 1}, 1), units["centre"]: ({"high": 1}, 1)}
    # Every number links to the list behind it, and that list has exactly that many rows.
    zhouxiang = Unit.objects.get(code="zhouxiang")
    listed = client_for("centre").get(f"/monitoring/findings/?status=active&owner={zhouxiang.pk}&severity=medium")
    assert [f.pk for f in listed.context["page"]] == [finding.pk]
    queue = client_for("town_b").get("/monitoring/findings/?queue=mine")
    assert [f.pk for f in queue.context["page"]] == [other.pk]  # co-owned by 观海卫


def test_periods_and_evidence_read_as_words(city, finding, client_for):
    from django.utils import translation

    finding.evidence = {"missing": ["tax", "energy"], "change_of_control": True, "ratio": 70}
    finding.period = "checkpoint:3:2025"
    finding.save()
    with translation.override("zh-hans"):
        assert finding.period_label == "第 3 年检查点（2025 年）"
        assert {str(k): str(v) for k, v in finding.evidence_items} == {
            "缺报指标": "年度税收（元）、年度能耗（吨标煤）",
            "控制权变更": "是",
            "综合（占承诺值的百分比）": "70",
        }
    page = client_for("centre").get(f"/monitoring/findings/{finding.pk}/").content.decode()
    assert "第 3 年检查点" in page and "缺报指标" in page and "开始整改" in page
