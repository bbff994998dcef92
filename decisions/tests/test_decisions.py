import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from core.errors import ApplicationError
from decisions import services
from decisions.models import Minute, PreferentialTerm, Submission, TierRuleSet
from decisions.tests.helpers import MU_200, OPINION, major_project, minute, submit
from projects.models import Tier
from projects.services import project_transition
from projects.stages import Stage
from projects.tests.factories import make_project

MAJOR_CHAIN = ["consultation", "review", "mayor", "secretary", "executive"]
RECORDER = {
    "consultation": "centre",
    "review": "centre",
    "mayor": "leader",
    "secretary": "leader",
    "executive": "leader",
    "office": "centre",
}


def _rules():
    return TierRuleSet.objects.get(effective_from=datetime.date(2020, 1, 1))


@pytest.mark.parametrize(
    "land_m2, investment, key_chain, tier",
    [
        (Decimal("133266.67"), Decimal("1"), False, Tier.OFFICE),  # 199.90 亩
        (MU_200, Decimal("1"), False, Tier.MAJOR),  # 200.00 亩
        (Decimal(0), Decimal("999999999"), False, Tier.OFFICE),
        (Decimal(0), Decimal("1000000000"), False, Tier.MAJOR),
        (Decimal(0), Decimal("1"), True, Tier.MAJOR),  # the chain flag alone
        (Decimal("33326.67"), Decimal("99999999"), False, Tier.LOCAL),  # 49.99 亩, just under 1 亿
        (Decimal("33333.34"), Decimal("1"), False, Tier.OFFICE),  # 50.00 亩
        (Decimal(0), Decimal("100000000"), False, Tier.OFFICE),
    ],
)
def test_tier_boundaries_are_inclusive(city, land_m2, investment, key_chain, tier):
    project = make_project(
        city["centre"],
        land_area_m2=land_m2,
        total_investment=investment,
        is_key_chain=key_chain,
        land_mode="new_land" if land_m2 else "no_land",
    )
    got, reasons = services.classify(project, _rules())
    assert got == tier
    assert reasons


def test_reasons_name_the_figures(city):
    project = major_project(city, land_area_m2=Decimal("153333.33"))
    tier, reasons = services.classify(project, _rules())
    assert tier == Tier.MAJOR
    assert any("230" in r and "200" in r for r in reasons)


def test_a_later_rule_change_leaves_a_submitted_tier_alone(city):
    project = major_project(city)
    submission = submit(city, project)
    assert submission.tier == Tier.MAJOR
    services.tier_rule_set_create(
        actor=city["centre"],
        effective_from=datetime.date.today() + datetime.timedelta(days=1),
        major_land_mu=Decimal(500),
        major_investment=Decimal("5000000000"),
        office_land_mu=Decimal(50),
        office_investment=Decimal("100000000"),
    )
    submission.refresh_from_db()
    project.refresh_from_db()
    assert submission.tier == Tier.MAJOR and project.tier == Tier.MAJOR
    assert submission.rule_set == _rules()


def test_only_the_centre_edits_tier_rules(city):
    with pytest.raises(PermissionDenied):
        services.tier_rule_set_create(actor=city["town_a"], effective_from=datetime.date(2030, 1, 1))


def test_a_major_project_needs_an_opinion_before_decision(city):
    project = major_project(city)
    project_transition(actor=city["centre"], project=project, target=Stage.NEGOTIATING)
    project_transition(actor=city["centre"], project=project, target=Stage.PRE_EVALUATION)
    with pytest.raises(ApplicationError, match="opinion|意见"):
        project_transition(actor=city["centre"], project=project, target=Stage.AWAITING_DECISION)


def test_an_attracting_unit_member_is_refused_with_the_reason(city):
    project = major_project(city, attracting_unit=city["town_a"].unit)
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_member_add(actor=city["centre"], project=project, user=city["town_a"])
    assert "招评分离" in refused.value.message
    services.evaluation_member_add(actor=city["centre"], project=project, user=city["evaluator"])
    with pytest.raises(PermissionDenied, match="招评分离"):
        services.evaluation_opinion_write(
            actor=city["town_a"], project=project, ratings=OPINION, conclusion="x", recommend=True
        )


def test_an_opinion_covers_all_seven_dimensions(city):
    project = major_project(city)
    services.evaluation_member_add(actor=city["centre"], project=project, user=city["evaluator"])
    partial = {k: v for k, v in OPINION.items() if k != "ecology"}
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_opinion_write(
            actor=city["evaluator"], project=project, ratings=partial, conclusion="x", recommend=True
        )
    assert list(refused.value.errors) == ["ecology"]


def test_the_major_chain_runs_in_order_and_approves(city):
    project = major_project(city)
    submit(city, project)
    for n, step in enumerate(MAJOR_CHAIN):
        services.decision_record(
            actor=city[RECORDER[step]],
            project=project,
            step=step,
            outcome="pass",
            minute=minute(f"纪〔2026〕{n + 1}号"),
        )
    project.refresh_from_db()
    assert project.stage == Stage.APPROVED
    assert Submission.objects.get(project=project).status == Submission.Status.APPROVED
    assert Minute.objects.filter(project=project).count() == 5


@pytest.mark.parametrize("step", ["review", "mayor", "executive"])
def test_a_step_cannot_be_skipped(city, step):
    project = major_project(city)
    submit(city, project)
    with pytest.raises(ApplicationError, match="会商|consultation"):
        services.decision_record(
            actor=city[RECORDER[step]], project=project, step=step, outcome="pass", minute=minute("纪1")
        )


def test_a_step_cannot_be_repeated(city):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    with pytest.raises(ApplicationError):
        services.decision_record(
            actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪2")
        )


def test_a_step_is_recorded_only_by_its_role(city):
    project = major_project(city)
    submit(city, project)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=city["town_a"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
        )
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    services.decision_record(actor=city["centre"], project=project, step="review", outcome="pass", minute=minute("纪2"))
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=city["centre"], project=project, step="mayor", outcome="pass", minute=minute("纪3")
        )
    assert not Minute.objects.filter(number="纪3").exists()


def test_a_return_sends_the_project_back_and_resubmission_restarts_the_chain(city):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    services.decision_record(
        actor=city["centre"],
        project=project,
        step="review",
        outcome="return",
        minute=minute("纪2", conclusion="补充尽职调查材料"),
    )
    project.refresh_from_db()
    assert project.stage == Stage.RETURNED
    project_transition(actor=city["town_a"], project=project, target=Stage.AWAITING_DECISION)
    second = project.submissions.get(status="open")
    assert second.round == 2
    step, verdict = services.step_check(user=city["centre"], project=project)
    assert step == "consultation" and verdict


def test_a_rejection_ends_the_chain(city):
    project = make_project(city["centre"], land_area_m2=Decimal("40000"), total_investment=Decimal("200000000"))
    submission = submit(city, project, with_opinion=False)
    assert submission.tier == Tier.OFFICE
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="reject", minute=minute("纪R")
    )
    project.refresh_from_db()
    assert project.stage == Stage.REJECTED


def test_a_local_decision_is_taken_by_the_landing_unit(city):
    project = make_project(city["centre"], land_area_m2=Decimal("6666.67"), total_investment=Decimal("20000000"))
    submit(city, project, with_opinion=False)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=city["centre"], project=project, step="local", outcome="pass", minute=minute("属地1")
        )
    services.decision_record(
        actor=city["town_a"], project=project, step="local", outcome="pass", minute=minute("属地1")
    )
    project.refresh_from_db()
    assert project.stage == Stage.APPROVED


def _issued(city):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"],
        project=project,
        step="consultation",
        outcome="pass",
        minute=minute("纪1"),
        terms=[
            {
                "kind": "investment_subsidy",
                "amount": Decimal("5000000"),
                "clause": "一事一议",
                "conditions": "投产后兑现",
            }
        ],
    )
    return Minute.objects.get(number="纪1")


def test_issued_minutes_cannot_be_changed_through_the_service_layer(city):
    issued = _issued(city)
    issued.conclusion = "悄悄改掉"
    with pytest.raises(ApplicationError):
        issued.save()
    with pytest.raises(ApplicationError):
        issued.delete()
    term = issued.terms.get()
    term.amount = Decimal("99999999")
    with pytest.raises(ApplicationError):
        term.save()
    assert Minute.objects.get(pk=issued.pk).conclusion == "同意"


def test_raw_sql_cannot_change_issued_minutes_on_postgresql(city):
    assert connection.vendor == "postgresql", "This test needs PostgreSQL (make test starts one)."
    issued = _issued(city)
    for sql in (
        "UPDATE decisions_minute SET conclusion = 'x' WHERE id = %s",
        "DELETE FROM decisions_minute WHERE id = %s",
        "UPDATE decisions_preferentialterm SET amount = 1 WHERE minute_id = %s",
    ):
        with pytest.raises(Exception, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [issued.pk])
    assert Minute.objects.get(pk=issued.pk).conclusion == "同意"
    assert PreferentialTerm.objects.get(minute=issued).amount == Decimal("5000000")


def test_a_superseding_minute_keeps_both_visible(city, client_for):
    issued = _issued(city)
    new = services.minute_supersede(
        actor=city["centre"], minute=issued, new_minute=minute("纪1-更正", conclusion="同意，补充条件"), terms=[]
    )
    assert new.supersedes == issued
    issued.refresh_from_db()
    assert not issued.is_current and new.is_current
    page = client_for("leader").get("/decisions/minutes/").content.decode()
    assert "纪1" in page and "纪1-更正" in page
    with pytest.raises(ApplicationError):
        services.minute_supersede(actor=city["centre"], minute=issued, new_minute=minute("纪1-再改"))


def test_an_exemption_is_requested_and_approved_by_leadership(city):
    project = major_project(city)
    exemption = services.exemption_request(
        actor=city["town_a"], project=project, officials="周巷镇招商科", reason="按规定程序决策，因市场变化项目失败"
    )
    with pytest.raises(PermissionDenied):
        services.exemption_decide(actor=city["centre"], exemption=exemption, approve=True)
    services.exemption_decide(actor=city["leader"], exemption=exemption, approve=True, note="予以容错")
    exemption.refresh_from_db()
    assert exemption.status == "approved" and exemption.decided_by == city["leader"]


def test_minute_numbers_are_unique_per_meeting_type_and_year(city):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("〔2026〕1号")
    )
    # Another meeting type may use the same number in the same year …
    services.decision_record(
        actor=city["centre"], project=project, step="review", outcome="pass", minute=minute("〔2026〕1号")
    )
    other = major_project(city)
    submit(city, other)
    # … but the same meeting type may not.
    with pytest.raises(ApplicationError) as refused:
        services.decision_record(
            actor=city["centre"], project=other, step="consultation", outcome="pass", minute=minute("〔2026〕1号")
        )
    assert refused.value.errors
    assert not other.submissions.get().steps.exists()


def test_an_evaluator_sees_a_project_only_once_assigned(city, client_for):
    project = major_project(city)
    evaluator = client_for("evaluator")
    assert evaluator.get(f"/projects/{project.pk}/").status_code == 404
    assert project not in evaluator.get("/").context["queue"]
    services.evaluation_member_add(actor=city["centre"], project=project, user=city["evaluator"])
    assert evaluator.get(f"/projects/{project.pk}/").status_code == 200
    assert list(client_for("evaluator").get("/").context["queue"]) == [project]
    assert client_for("evaluator").get(f"/projects/{project.pk}/edit/").status_code == 403
