"""Demo dual contracts and indicator data for the demo projects."""

import datetime
from decimal import Decimal

from accounts.models import User
from core.units import m2_to_mu
from monitoring import services
from monitoring.models import Indicator
from projects.models import LandMode


def _user(username):
    return User.objects.get(username=username)


def sign(project):
    """Before a demo project is signed: its land-transfer contract (new land) and performance agreement."""
    n = project.pk
    if project.land_mode == LandMode.NEW_LAND and not project.land_contracts.exists():
        parcel = project.allocations.filter(parcel__isnull=False).first()
        services.land_contract_create(
            actor=_user("zigui"),
            project=project,
            number=f"3302822026A{n:05d}",
            parcel=parcel and parcel.parcel,
            area_m2=project.land_area_m2,
            price=(project.land_area_m2 * Decimal(450)).quantize(Decimal("0.01")),
            signed_on=datetime.date(2025, 3, 1),
            delivery_date=datetime.date(2025, 5, 1),
            construction_start_deadline=datetime.date(2025, 11, 1),
            completion_deadline=datetime.date(2027, 5, 1),
        )
    if not hasattr(project, "performance_agreement"):
        mu = m2_to_mu(project.land_area_m2) or Decimal(1)
        services.agreement_create(
            actor=_user("centre"),
            project=project,
            number=f"慈履约〔2025〕{n}号",
            signed_on=datetime.date(2025, 3, 1),
            investment_per_mu=(project.total_investment / mu).quantize(Decimal("0.01")) if mu > 1 else Decimal(0),
            tax_per_mu=Decimal("300000"),
            value_added_per_energy=Decimal("25000"),
            value_added_per_mu=Decimal("1500000"),
            liquidated_damages="按未达标差额的 20% 支付违约金",
            checkpoints={1: "投产首年固定资产投资到位", 3: "投产第三年亩均税收达标", 7: "投产第七年全面评价"},
        )


# How much of its commitment a demo project reaches, by production year (the others meet it, grade A):
# C opens a rectification, D a breach. The 2022 start has not had its 2025 tax reported (missing data).
SHARE_BY_START = {2024: Decimal("0.55"), 2023: Decimal("0.3"), 2021: Decimal("0.55"), 2019: Decimal("0.3")}
TAX_NOT_REPORTED = 2022


def _factor(project):
    return SHARE_BY_START.get(project.production_start_date.year, Decimal("1.1"))


def indicators(project):
    """A year of data per year since production, at the project's share of its commitment."""
    if project.production_start_date is None:
        return
    mu = m2_to_mu(project.land_area_m2) or Decimal(1)
    factor = _factor(project)
    for year in range(project.production_start_date.year, 2026):
        tax = (Decimal("300000") * mu * factor).quantize(Decimal("0.01"))
        for username, indicator, value in (
            ("shuiwu", Indicator.TAX, tax),
            ("fagai", Indicator.INVESTMENT, project.total_investment),
            ("jingxin", Indicator.ENERGY, Decimal(2000)),
            ("tongji", Indicator.VALUE_ADDED, (Decimal(2000) * Decimal(25000) * factor).quantize(Decimal("0.01"))),
        ):
            if indicator == Indicator.TAX and year == 2025 and project.production_start_date.year == TAX_NOT_REPORTED:
                continue  # the tax bureau has not reported this one yet: the missing-data check finds it
            services.indicator_submit(
                actor=_user(username),
                project=project,
                indicator=indicator,
                year=year,
                value=value,
                idempotency_key=f"demo-{project.pk}-{indicator}-{year}",
            )


def equity_and_checks(*, sweep="worker"):
    """One suspicious equity transfer, then the first sweep of the checks the beat runs every night: sent to the
    worker (``sweep="worker"``, as ``make run`` does), run here (``"now"``), or not at all (``"none"``)."""
    from celery import chain

    from monitoring.models import EquityChange
    from monitoring.tasks import check_disguised_resale, check_grading, check_milestones, check_missing_data
    from projects.models import Project
    from projects.stages import Stage

    project = Project.objects.filter(stage=Stage.CONSTRUCTION).order_by("pk").first()
    if project and not EquityChange.objects.filter(company=project.investor).exists():
        services.equity_change_record(
            actor=_user("shichang"),
            company=project.investor,
            registered_on=datetime.date(2025, 9, 1),
            transferor=project.investor.name,
            transferee="宁波某置业有限公司",
            share=Decimal("55"),
        )
    # In the beat's order: the resale screen reads the grades the grading has just recorded.
    from incentives.tasks import open_clawbacks

    # A breach found by the grading opens its claw-back (after the grading, as in the beat).
    tasks = [check_missing_data, check_grading, open_clawbacks, check_milestones, check_disguised_resale]
    if sweep == "now":
        for task in tasks:
            task.apply(throw=True)
    elif sweep == "worker":
        chain(*(task.si() for task in tasks)).delay()


def handled_findings():
    """Two findings and how they were handled, for the oversight portal: a rectification the town put right
    and the centre closed, and a breach waived under a 容错 exemption the leadership approved. Idempotent:
    the sweep's own findings of the same project, kind and year are the same rows (it skips them)."""
    from accounts.models import Unit
    from decisions import services as decision_services
    from monitoring.models import Finding
    from projects.models import Project
    from projects.stages import Stage

    supervised = list(Project.objects.filter(stage=Stage.OPERATING).select_related("landing_unit").order_by("pk")[:2])
    if (
        len(supervised) < 2
        or Finding.objects.filter(project__in=supervised, kind__in=["rectification", "breach"]).exists()
    ):
        return
    rectified, waived = supervised
    centre, leader = _user("centre"), _user("leader")
    town = User.objects.filter(unit=rectified.landing_unit, groups__name="landing_staff").first() or centre
    finding = Finding.objects.create(
        project=rectified,
        kind=Finding.Kind.RECTIFICATION,
        period="2024",
        severity=Finding.Severity.MEDIUM,
        owner=rectified.landing_unit,
        deadline=datetime.date(2025, 6, 30),
        evidence={"year": 2024, "grade": "C", "ratio": "72.0"},
    )
    services.finding_act(
        actor=town, finding=finding, action="rectify", note="企业已追加设备投资，亩均税收整改方案报镇政府备案"
    )
    services.finding_act(
        actor=centre, finding=finding, action="resolve", note="复核2025年数据，亩均税收已达协议值的90%以上，整改完成"
    )
    breach = Finding.objects.create(
        project=waived,
        kind=Finding.Kind.BREACH,
        period="2023",
        severity=Finding.Severity.HIGH,
        owner=Unit.objects.get(kind=Unit.Kind.CENTRE),
        co_owner=waived.landing_unit,
        deadline=datetime.date(2024, 6, 30),
        evidence={"year": 2023, "grade": "D", "ratio": "48.0"},
    )
    exemption = decision_services.exemption_request(
        actor=centre,
        project=waived,
        officials=f"{waived.landing_unit.name}招商办",
        reason="项目按规定程序决策引进，2023年受国际市场订单骤减影响未达约定指标，相关人员已勤勉尽责",
    )
    exemption = decision_services.exemption_decide(
        actor=leader, exemption=exemption, approve=True, note="符合容错免责情形，经市领导审定同意"
    )
    services.finding_act(
        actor=centre,
        finding=breach,
        action="waive",
        note="按容错免责决定不予追责，继续跟踪2024年履约",
        exemption=exemption,
    )
