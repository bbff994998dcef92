"""Mass assignment: what a role may not set (the unit, the stage, amounts paid, the workflow's status, who did it
and when, ids) is ignored or refused on every door that writes, API and page forms alike; never a 500.

Each case sends a write its user may make, padded with fields nobody may set that way, and then reads the
database: the padding had no effect. The cases that move a record to another unit are refused outright (403).
"""

import datetime
from decimal import Decimal

import pytest

from accounts.tests.test_permission_matrix import build_world

# Fields nobody sets through a write: the workflow's, the audit trail's, the ids.
AUDIT = {
    "id": 999999,
    "pk": 999999,
    "created_by": 1,
    "created_at": "2020-01-01T00:00:00Z",
    "updated_at": "2020-01-01T00:00:00Z",
    "history": [],
}


@pytest.fixture
def world(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(city)


def _ok(response):
    assert response.status_code < 500, response.content[:500]
    return response


# Projects -------------------------------------------------------------------------------------------------------


def _project_fields(world, **overrides):
    return {
        "name": "注入项目",
        "investor": world["company"].pk,
        "industry": "38",
        "landing_unit": world["unit"].pk,
        "attracting_unit": world["unit"].pk,
        "channel": "direct",
        "total_investment": "30000000",
        "land_mode": "new_land",
        "land_area_m2": "20000",
    } | overrides


PROJECT_PADDING = AUDIT | {
    "code": "CX1999-9999",
    "stage": "operating",
    "tier": "major",
    "stage_changed_at": "2020-01-01T00:00:00Z",
    "production_start_date": "2020-01-01",
    "terminated_reason": "注入",
}


def test_api_project_create_ignores_stage_code_tier_and_creator(world, city, api_for):
    from projects.models import Project

    response = _ok(api_for("town_b").post("/api/v1/projects/", _project_fields(world) | PROJECT_PADDING, format="json"))
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert project.pk != 999999
    assert project.stage == "lead" and project.tier == "" and project.code.startswith("CX2")
    assert project.created_by == city["town_b"] and project.production_start_date is None
    assert project.terminated_reason == ""


def test_api_project_create_for_another_unit_is_refused(world, city, api_for):
    from accounts.models import Unit
    from projects.models import Project

    before = Project.objects.count()
    zhouxiang = Unit.objects.get(code="zhouxiang").pk
    response = _ok(
        api_for("town_b").post("/api/v1/projects/", _project_fields(world, landing_unit=zhouxiang), format="json")
    )
    assert response.status_code == 403
    assert Project.objects.count() == before


def test_api_project_update_ignores_stage_code_tier_and_refuses_another_unit(world, api_for):
    from accounts.models import Unit

    project = world["project"]
    before = (project.stage, project.code, project.tier, project.created_by_id, project.stage_changed_at)
    api = api_for("town_b")
    response = _ok(api.patch(f"/api/v1/projects/{project.pk}/", {"description": "改"} | PROJECT_PADDING, format="json"))
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.code, project.tier, project.created_by_id, project.stage_changed_at) == before
    assert project.description == "改"
    zhouxiang = Unit.objects.get(code="zhouxiang").pk
    moved = _ok(api.patch(f"/api/v1/projects/{project.pk}/", {"landing_unit": zhouxiang}, format="json"))
    assert moved.status_code == 403
    project.refresh_from_db()
    assert project.landing_unit == world["unit"]


def _page_project_fields(world, **overrides):
    return {
        "name": "页面项目",
        "investor": world["company"].pk,
        "industry": world["project"].industry_id,
        "landing_unit": world["unit"].pk,
        "attracting_unit": world["unit"].pk,
        "channel": "direct",
        "total_investment_wan": "3000",
        "land_mode": "new_land",
        "land_area_mu": "30",
    } | overrides


def test_page_project_create_and_edit_ignore_stage_and_refuse_another_unit(world, city, client_for):
    from accounts.models import Unit
    from projects.models import Project

    client = client_for("town_b")
    response = _ok(client.post("/projects/new/", _page_project_fields(world) | PROJECT_PADDING))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    project = Project.objects.latest("pk")
    assert project.name == "页面项目" and project.stage == "lead" and project.tier == ""
    assert project.code.startswith("CX2") and project.created_by == city["town_b"]
    zhouxiang = Unit.objects.get(code="zhouxiang").pk
    edited = _ok(client.post(f"/projects/{project.pk}/edit/", _page_project_fields(world, landing_unit=zhouxiang)))
    assert edited.status_code == 403
    project.refresh_from_db()
    assert project.landing_unit_id == world["unit"].pk
    other = _ok(client_for("town_a").post("/projects/new/", _page_project_fields(world, name="别人的")))
    assert other.status_code == 403
    assert not Project.objects.filter(name="别人的").exists()


def test_resources_keep_their_status(world, city, api_for, client_for):
    from projects.models import Allocation, LandParcel

    made = _ok(
        api_for("zigui").post(
            "/api/v1/parcels/",
            {"code": "MA-1", "location": "观海卫", "area_m2": "100", "planned_use": "工业", "status": "supplied"}
            | AUDIT,
            format="json",
        )
    )
    assert made.status_code == 201
    assert LandParcel.objects.get(code="MA-1").status == "available"
    page = _ok(
        client_for("zigui").post(
            "/projects/resources/parcel/",
            {"code": "MA-2", "location": "观海卫", "area_m2": "100", "planned_use": "工业", "status": "supplied"},
        )
    )
    assert page.status_code == 302
    assert LandParcel.objects.get(code="MA-2").status == "available"
    allocated = _ok(
        api_for("zigui").post(
            "/api/v1/allocations/",
            {
                "project": world["project"].pk,
                "parcel": world["spare_parcel"].pk,
                "allocated_by": city["town_a"].pk,
                "allocated_at": "2020-01-01T00:00:00Z",
                "released_at": "2020-01-02T00:00:00Z",
            },
            format="json",
        )
    )
    assert allocated.status_code == 201
    allocation = Allocation.objects.get(pk=allocated.json()["id"])
    assert allocation.allocated_by == city["zigui"] and allocation.released_at is None
    assert allocation.allocated_at.year >= 2025


# Decisions ------------------------------------------------------------------------------------------------------


def test_decision_step_and_minutes_record_who_and_which_project(world, city, api_for):
    from decisions.models import Minute, StepRecord

    pending, project = world["pending"], world["project"]
    minute = {
        "number": "注入纪〔2026〕1号",
        "meeting_date": "2026-03-02",
        "chair": "镇长",
        "attendees": "班子",
        "conclusion": "同意",
        "project": project.pk,
        "issued_by": city["centre"].pk,
        "supersedes": world["minute"].pk,
    }
    response = _ok(
        api_for("town_b").post(
            f"/api/v1/projects/{pending.pk}/decision/steps/",
            {"step": "local", "outcome": "pass", "minute": minute, "recorded_by": city["centre"].pk} | AUDIT,
            format="json",
        )
    )
    assert response.status_code == 201
    record = StepRecord.objects.get(pk=response.json()["id"])
    assert record.recorded_by == city["town_b"] and record.submission.project == pending
    issued = Minute.objects.get(number="注入纪〔2026〕1号")
    assert issued.project == pending and issued.issued_by == city["town_b"] and issued.supersedes is None
    superseded = _ok(
        api_for("town_b").post(
            f"/api/v1/minutes/{world['minute'].pk}/supersede/",
            {"minute": minute | {"number": "注入纪〔2026〕2号", "project": pending.pk}},
            format="json",
        )
    )
    assert superseded.status_code == 201
    new = Minute.objects.get(number="注入纪〔2026〕2号")
    assert new.project == project and new.supersedes == world["minute"] and new.issued_by == city["town_b"]


def test_exemption_request_cannot_decide_itself(world, city, api_for, client_for):
    from decisions.models import Exemption

    padding = {
        "status": "approved",
        "decided_by": city["leader"].pk,
        "decided_at": "2026-01-01T00:00:00Z",
        "decision_note": "已批准",
        "requested_by": city["centre"].pk,
        "project": world["pending"].pk,
    }
    project = world["project"]
    response = _ok(
        api_for("town_b").post(
            f"/api/v1/projects/{project.pk}/exemptions/",
            {"officials": "甲", "reason": "按规定"} | padding,
            format="json",
        )
    )
    assert response.status_code == 201
    page = _ok(
        client_for("town_b").post(
            f"/decisions/projects/{project.pk}/exemptions/", {"officials": "乙", "reason": "按规定"} | padding
        )
    )
    assert page.status_code == 302
    for officials in ("甲", "乙"):
        exemption = Exemption.objects.get(officials=officials)
        assert exemption.status == "requested" and exemption.project == project
        assert exemption.decided_by is None and exemption.decided_at is None and exemption.decision_note == ""
        assert exemption.requested_by == city["town_b"]


def test_tier_rules_and_opinions_record_their_author(world, city, api_for):
    from decisions.models import Dimension, EvaluationOpinion, TierRuleSet

    rules = _ok(
        api_for("centre").post(
            "/api/v1/tier-rules/",
            {
                "effective_from": "2027-01-01",
                "major_land_mu": "200",
                "major_investment": "1000000000",
                "office_land_mu": "50",
                "office_investment": "100000000",
                "created_by": city["town_a"].pk,
            }
            | AUDIT,
            format="json",
        )
    )
    assert rules.status_code == 201
    assert TierRuleSet.objects.get(pk=rules.json()["id"]).created_by == city["centre"]
    ratings = {d: {"rating": "good", "text": "好"} for d in Dimension.values}
    opinion = _ok(
        api_for("evaluator").post(
            f"/api/v1/projects/{world['pending'].pk}/evaluation/opinions/",
            {"ratings": ratings, "conclusion": "建议", "recommend": True, "author": city["centre"].pk} | AUDIT,
            format="json",
        )
    )
    assert opinion.status_code == 201
    assert EvaluationOpinion.objects.get(pk=opinion.json()["id"]).author == city["evaluator"]


def test_an_evaluation_group_takes_business_staff_only(world, city, api_for):
    """The page offers business staff outside the attracting unit; the API takes no one else either (an
    administrator or a deputy is not put in a group by naming their id)."""
    pending = world["pending"]
    for outsider in ("sysadmin", "deputy", "auditor"):
        response = _ok(
            api_for("town_b").post(
                f"/api/v1/projects/{pending.pk}/evaluation/members/", {"user": city[outsider].pk}, format="json"
            )
        )
        assert response.status_code == 400, (outsider, response.json())
    assert set(pending.evaluation_members.values_list("user__username", flat=True)) == {"evaluator"}


# Monitoring -----------------------------------------------------------------------------------------------------


def test_indicator_values_keep_their_version_source_and_supplier(world, city, api_for, client_for):
    from monitoring.models import IndicatorValue

    project = world["project"]
    response = _ok(
        api_for("tongji").put(
            f"/api/v1/projects/{project.pk}/indicators/value_added/2025/",
            {
                "value": "100",
                "version": 99,
                "is_current": False,
                "source": "import",
                "supplied_by": world["unit"].pk,
                "submitted_by": city["centre"].pk,
                "project": world["pending"].pk,
                "indicator": "tax",
                "year": 2020,
            }
            | AUDIT,
            format="json",
        )
    )
    assert response.status_code == 201
    value = IndicatorValue.objects.get(pk=response.json()["id"])
    assert (value.project, value.indicator, value.year, value.version) == (project, "value_added", 2025, 1)
    assert value.is_current and value.source == "api" and value.supplied_by == city["tongji"].unit
    assert value.submitted_by == city["tongji"]
    # On the page a bureau types only what it supplies: a tax figure from the statistics bureau is not taken.
    page = _ok(
        client_for("tongji").post(
            "/monitoring/data/submit/",
            {
                "project": project.pk,
                f"p{project.pk}-project": project.pk,
                f"p{project.pk}-year": 2024,
                f"p{project.pk}-value_added": "5",
                f"p{project.pk}-tax": "7",
                "year": 2024,
            },
        )
    )
    assert page.status_code == 302
    assert not IndicatorValue.objects.filter(project=project, indicator="tax").exists()


def test_contracts_and_agreements_belong_to_the_project_in_the_url(world, api_for):
    from monitoring.models import LandContract

    project, pending = world["project"], world["pending"]
    response = _ok(
        api_for("zigui").post(
            f"/api/v1/projects/{project.pk}/land-contracts/",
            {
                "number": "3302822026A77777",
                "area_m2": "20000.00",
                "price": "9000000.00",
                "signed_on": "2026-03-10",
                "delivery_date": "2026-04-01",
                "construction_start_deadline": "2026-09-01",
                "completion_deadline": "2027-09-01",
                "project": pending.pk,
            }
            | AUDIT,
            format="json",
        )
    )
    assert response.status_code == 201
    assert LandContract.objects.get(number="3302822026A77777").project == project
    agreement = _ok(
        api_for("town_b").post(
            f"/api/v1/projects/{pending.pk}/agreement/",
            {
                "number": "注入履约1号",
                "signed_on": "2026-03-10",
                "investment_per_mu": "3000000",
                "tax_per_mu": "300000",
                "value_added_per_energy": "20000",
                "project": project.pk,
            }
            | AUDIT,
            format="json",
        )
    )
    assert agreement.status_code == 201
    pending.refresh_from_db()
    assert pending.performance_agreement.number == "注入履约1号"


def test_a_finding_moves_only_by_its_workflow(world, city, api_for):
    finding = world["finding"]
    response = _ok(
        api_for("town_b").post(
            f"/api/v1/findings/{finding.pk}/actions/",
            {
                "action": "rectify",
                "note": "整改中",
                "status": "resolved",
                "severity": "low",
                "owner": city["centre"].unit_id,
                "deadline": "2099-01-01",
                "project": world["pending"].pk,
            },
            format="json",
        )
    )
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.status == "rectifying" and finding.severity == "medium"
    assert finding.owner == world["unit"] and finding.deadline is None and finding.project == world["project"]


def test_equity_changes_record_who_and_approval_needs_a_reference(world, city, api_for, client_for):
    from monitoring.models import EquityChange

    company = world["company"]
    body = {
        "company": company.pk,
        "registered_on": "2026-03-01",
        "transferor": "甲",
        "transferee": "乙",
        "share": "10",
        "change_of_control": False,
        "approved": False,
        "approval_reference": "",
        "recorded_by": city["centre"].pk,
    }
    response = _ok(api_for("shichang").post("/api/v1/equity-changes/", body | AUDIT, format="json"))
    assert response.status_code == 201
    assert EquityChange.objects.get(pk=response.json()["id"]).recorded_by == city["shichang"]
    page = _ok(
        client_for("shichang").post(
            "/monitoring/equity-changes/",
            {
                "uscc": company.uscc,
                "registered_on": "2026-03-02",
                "transferor": "丙",
                "transferee": "丁",
                "share": "20",
                "approved": "on",
                "recorded_by": city["centre"].pk,
            },
        )
    )
    assert page.status_code == 302
    change = EquityChange.objects.get(transferor="丙")
    assert change.approved is False and change.recorded_by == city["shichang"]


# Incentives -----------------------------------------------------------------------------------------------------


@pytest.fixture
def payable(world, city):
    """An item of a town_b project under construction, whose condition is met: a request under it may be paid."""
    from incentives import services
    from incentives.models import CommitmentItem
    from projects.models import Project
    from projects.stages import Stage
    from projects.tests.factories import make_project

    project = make_project(city["centre"], unit_code="guanhaiwei", company=world["company"])
    Project.objects.filter(pk=project.pk).update(stage=Stage.CONSTRUCTION)
    project.refresh_from_db()
    return services.item_create(
        actor=city["centre"],
        project=project,
        fund=world["fund"],
        clause=world["item"].clause,
        title="设备投资补助",
        cap=Decimal(1_000_000),
        condition=CommitmentItem.Condition.STAGE,
        stage=Stage.CONSTRUCTION,
        earliest=datetime.date(2026, 1, 1),
    )


REQUEST_PADDING = {
    "status": "paid",
    "filed_by": 1,
    "filed_at": "2020-01-01T00:00:00Z",
    "reviewed_by": 1,
    "reviewed_at": "2020-01-01T00:00:00Z",
    "paid_by": 1,
    "paid_at": "2020-01-01T00:00:00Z",
    "refusal": "",
    "project": 1,
}


def test_a_request_goes_through_its_workflow_whatever_the_body_says(payable, city, api_for):
    from incentives.models import LedgerEntry, Request

    filed = _ok(
        api_for("town_b").post(
            "/api/v1/incentive-requests/",
            {"item": payable.pk, "amount": "100000", "evidence": "发票"} | REQUEST_PADDING | AUDIT,
            format="json",
        )
    )
    assert filed.status_code == 201, filed.json()
    request = Request.objects.get(pk=filed.json()["id"])
    assert request.status == "filed" and request.filed_by == city["town_b"]
    assert request.paid_by is None and request.reviewed_by is None and request.paid_at is None
    # The amount approved and paid is the one filed: an amount in the approval or payment body is not read.
    approved = _ok(
        api_for("centre").post(
            f"/api/v1/incentive-requests/{request.pk}/approve/", {"amount": "999999", "status": "paid"}, format="json"
        )
    )
    assert approved.status_code == 200
    paid = _ok(
        api_for("caizheng").post(
            f"/api/v1/incentive-requests/{request.pk}/pay/",
            {"amount": "999999", "fund": 1, "kind": "reversal", "item": 1},
            format="json",
        )
    )
    assert paid.status_code == 200
    request.refresh_from_db()
    assert request.amount == Decimal(100_000) and request.status == "paid"
    entry = LedgerEntry.objects.get(request=request)
    assert entry.kind == "payment" and entry.amount == Decimal(100_000) and entry.item == payable
    assert entry.actor == city["caizheng"]


def test_a_request_filed_on_the_page_is_filed(payable, city, client_for):
    from incentives.models import Request

    response = _ok(
        client_for("town_b").post(
            f"/incentives/projects/{payable.project_id}/",
            {"form": "req", "req-item": payable.pk, "req-amount_wan": "1", "req-evidence": "发票", "req-status": "paid"}
            | REQUEST_PADDING,
        )
    )
    assert response.status_code == 302
    request = Request.objects.get(item=payable)
    assert request.status == "filed" and request.filed_by == city["town_b"] and request.amount == Decimal(10_000)


def test_items_funds_and_repayments_keep_what_is_derived(world, city, api_for):
    from incentives.models import CommitmentItem, Fund, LedgerEntry

    item = _ok(
        api_for("centre").post(
            f"/api/v1/projects/{world['project'].pk}/incentives/",
            {
                "fund": world["fund"].year,
                "clause": world["item"].clause_id,
                "title": "注入奖励",
                "cap": "10000",
                "condition": "stage",
                "stage": "construction",
                "earliest": "2026-06-01",
                "paid": "10000",
                "remaining": "0",
                "approved_unpaid": "10000",
                "project": world["pending"].pk,
                "created_by": city["town_a"].pk,
            }
            | AUDIT,
            format="json",
        )
    )
    assert item.status_code == 201, item.json()
    made = CommitmentItem.objects.get(title="注入奖励")
    assert made.project == world["project"] and made.created_by == city["centre"]
    assert not LedgerEntry.objects.filter(item=made).exists()
    fund = _ok(
        api_for("caizheng").post(
            "/api/v1/funds/",
            {"year": 2031, "budget": "20000000", "committed": "20000000", "paid": "20000000", "available": "0"} | AUDIT,
            format="json",
        )
    )
    assert fund.status_code == 201
    assert fund.json()["paid"] == "0" and fund.json()["available"] == "20000000.00"
    assert not LedgerEntry.objects.filter(fund=Fund.objects.get(year=2031)).exists()
    clawback = world["clawback"]
    repaid = _ok(
        api_for("caizheng").post(
            f"/api/v1/clawbacks/{clawback.pk}/repayments/",
            {"amount": "1000", "status": "closed", "kind": "payment", "fund": 1, "request": world["request"].pk},
            format="json",
        )
    )
    assert repaid.status_code == 201
    clawback.refresh_from_db()
    assert clawback.status == "open" and clawback.amount == Decimal(50_000)
    entry = LedgerEntry.objects.get(pk=repaid.json()["id"])
    assert entry.kind == "repayment" and entry.request is None and entry.clawback == clawback


# Accounts -------------------------------------------------------------------------------------------------------


def test_no_door_makes_a_superuser_or_changes_ones_own_roles(world, city, api_for, client_for):
    from accounts.models import User

    town_b = city["town_b"]
    padding = {
        "is_superuser": True,
        "is_staff": True,
        "password": "x",
        "username": "root",
        "last_login": "2020-01-01T00:00:00Z",
        "password_changed_at": "2099-01-01T00:00:00Z",
    }
    response = _ok(
        api_for("sysadmin").patch(f"/api/v1/users/{town_b.pk}/", {"full_name": "关二"} | padding, format="json")
    )
    assert response.status_code == 200
    user = User.objects.get(pk=town_b.pk)
    assert user.full_name == "关二" and user.username == "town_b"
    assert not user.is_superuser and not user.is_staff and user.password == town_b.password
    created = _ok(
        api_for("sysadmin").post(
            "/api/v1/users/",
            {
                "username": "new_one",
                "password": "Matrix-Passw0rd-2026",
                "unit": world["unit"].pk,
                "roles": ["landing_staff"],
            }
            | {k: v for k, v in padding.items() if k not in ("password", "username")},
            format="json",
        )
    )
    assert created.status_code == 201
    new = User.objects.get(username="new_one")
    assert not new.is_superuser and not new.is_staff
    # A user reaches their own account, but changes neither its roles nor its unit.
    own = _ok(
        api_for("town_b").patch(
            f"/api/v1/users/{town_b.pk}/", {"roles": ["centre_staff"], "unit": city["centre"].unit_id}, format="json"
        )
    )
    assert own.status_code == 403
    user.refresh_from_db()
    assert user.role_names == {"landing_staff"} and user.unit == world["unit"]
    page = _ok(
        client_for("sysadmin").post(
            f"/accounts/users/{town_b.pk}/",
            {"full_name": "关三", "unit": world["unit"].pk, "roles": ["landing_staff"], "is_active": "on"} | padding,
        )
    )
    assert page.status_code == 302
    user = User.objects.get(pk=town_b.pk)
    assert user.full_name == "关三" and not user.is_superuser and not user.is_staff and user.username == "town_b"


# Every API write --------------------------------------------------------------------------------------------------

# Fields that are never a caller's to give, on any endpoint: ids, who and when, the workflow's state.
NOBODY_SETS = {
    "id": 999999,
    "created_by": 1,
    "created_at": "2001-01-01T00:00:00Z",
    "updated_at": "2001-01-01T00:00:00Z",
    "recorded_by": 1,
    "recorded_at": "2001-01-01T00:00:00Z",
    "submitted_by": 1,
    "submitted_at": "2001-01-01T00:00:00Z",
    "filed_by": 1,
    "filed_at": "2001-01-01T00:00:00Z",
    "reviewed_by": 1,
    "reviewed_at": "2001-01-01T00:00:00Z",
    "paid_by": 1,
    "paid_at": "2001-01-01T00:00:00Z",
    "issued_by": 1,
    "issued_at": "2001-01-01T00:00:00Z",
    "decided_by": 1,
    "decided_at": "2001-01-01T00:00:00Z",
    "allocated_by": 1,
    "allocated_at": "2001-01-01T00:00:00Z",
    "released_at": "2001-01-01T00:00:00Z",
    "assigned_by": 1,
    "assigned_at": "2001-01-01T00:00:00Z",
    "author": 1,
    "actor": 1,
    "opened_at": "2001-01-01T00:00:00Z",
    "status": "closed",
    "stage": "operating",
    "tier": "major",
    "code": "CX2001-0001",
    "is_current": False,
    "is_superuser": True,
    "is_staff": True,
}


def test_every_api_write_ignores_what_nobody_sets(world, city, api_for):
    """Every API write of the permission matrix, by a user it allows, its body padded with NOBODY_SETS: the write is
    done (or refused by its own rule, as without the padding), and nothing padded shows in what was written."""
    from django.apps import apps
    from django.db.models import Q

    from accounts.models import User
    from accounts.tests.test_permission_matrix import MATRIX, world_ids

    ids = world_ids(city, world)
    privileged = set(User.objects.filter(Q(is_superuser=True) | Q(is_staff=True)))
    checked = 0
    for route, row in MATRIX.items():
        for write in row.writes:
            url = (write.url or row.url).format(**ids)
            done = [role for role, status in write.expect.items() if status in (200, 201)]
            if not url.startswith("/api/") or not done:
                continue
            body = write.body(ids)
            response = _ok(getattr(api_for(done[0]), write.method)(url, NOBODY_SETS | body, format="json"))
            assert response.status_code in (200, 201, 409), (route, response.status_code, response.json())
            if response.status_code == 409:
                continue  # refused by the workflow's state (the table says when), as it is without the padding
            checked += 1
            data = response.json()
            for key, value in NOBODY_SETS.items():
                if key in data and key not in body:
                    assert data[key] != value, (route, key, data[key])
    assert checked >= 20  # the API writes the table shows done by someone (24 of 35 when written)
    assert not [m for m in apps.get_models() if m._default_manager.filter(pk=999999).exists()]
    assert set(User.objects.filter(Q(is_superuser=True) | Q(is_staff=True))) == privileged
