"""Demo incentives: the funds, the city's policy, commitments for the producing projects (one bound to minutes'
terms), paid and refused requests. The claw-back follows when the first sweep finds a breach."""

import contextlib
import datetime
from decimal import Decimal

from accounts.models import User
from incentives import services
from incentives.models import CommitmentItem, Fund, Policy, Request
from projects.models import Project
from projects.stages import Stage


def _user(username):
    return User.objects.get(username=username)


def load():
    if Fund.objects.exists():
        return  # loaded already
    finance, centre = _user("caizheng"), _user("centre")
    for year, budget in ((2025, Decimal(40_000_000)), (2026, Decimal(50_000_000))):
        services.fund_create(actor=finance, year=year, budget=budget)
    policy = services.policy_create(
        actor=centre,
        name="慈溪市关于促进制造业高质量发展的若干政策意见",
        kind=Policy.Kind.INDUSTRY,
        document_number="慈政发〔2024〕18号",
        issued_by="慈溪市人民政府",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
        clauses=[
            {
                "number": "第五条",
                "title": "设备投资补助",
                "reward": "subsidy",
                "rate": Decimal(10),
                "cap": Decimal(5_000_000),
                "eligibility": "新建工业项目设备投资额 2000 万元以上",
            },
            {
                "number": "第八条",
                "title": "亩均税收贡献奖励",
                "reward": "tax_reward",
                "rate": Decimal(20),
                "cap": Decimal(3_000_000),
                "eligibility": "亩均税收达到履约协议承诺值",
            },
        ],
    )
    services.policy_create(
        actor=centre,
        name="慈溪市高层次人才引进激励办法",
        kind=Policy.Kind.TALENT,
        document_number="慈人才〔2023〕6号",
        issued_by="中共慈溪市委人才工作领导小组",
        valid_from=datetime.date(2023, 7, 1),
        clauses=[{"number": "第三条", "title": "领军人才安家补贴", "reward": "talent", "cap": Decimal(1_000_000)}],
    )
    subsidy = policy.clauses.get(number="第五条")
    fund_2026 = Fund.objects.get(year=2026)
    town_users = {u.unit_id: u for u in User.objects.filter(groups__name="landing_staff")}
    producing = Project.objects.filter(stage__in=[Stage.IN_PRODUCTION, Stage.OPERATING], land_area_m2__gt=0).order_by(
        "pk"
    )
    for project in producing:
        item = services.item_create(
            actor=centre,
            project=project,
            fund=fund_2026,
            clause=subsidy,
            title="设备投资补助",
            cap=Decimal(2_000_000),
            condition=CommitmentItem.Condition.STAGE,
            stage=Stage.IN_PRODUCTION,
            earliest=datetime.date(2026, 1, 1),
        )
        filer = town_users.get(project.landing_unit_id)
        if filer is None:
            continue
        request = services.request_file(
            actor=filer, item=item, amount=Decimal(1_200_000), evidence="设备购置发票及验收报告"
        )
        services.request_approve(actor=centre, request=request)
        services.request_pay(actor=finance, request=request)
        with contextlib.suppress(services.Refused):  # over the cap: refused, and the refusal is kept
            services.request_file(actor=filer, item=item, amount=Decimal(1_000_000), evidence="追加设备发票")
    building = Project.objects.filter(stage=Stage.CONSTRUCTION, land_area_m2__gt=0).order_by("pk").first()
    if building is not None and building.landing_unit_id in town_users:
        item = services.item_create(
            actor=centre,
            project=building,
            fund=fund_2026,
            clause=subsidy,
            title="设备投资补助（竣工后兑现）",
            cap=Decimal(1_500_000),
            condition=CommitmentItem.Condition.STAGE,
            stage=Stage.COMPLETED,
            earliest=datetime.date(2026, 1, 1),
        )
        with contextlib.suppress(services.Refused):  # early: the project is still under construction
            services.request_file(
                actor=town_users[building.landing_unit_id],
                item=item,
                amount=Decimal(500_000),
                evidence="已完成主体结构",
            )
    _term_item(centre, fund_2026, town_users)


def _term_item(centre, fund, town_users):
    """A 一事一议 term of issued minutes, bound into a commitment and awaiting the centre's review."""
    from decisions.models import PreferentialTerm

    term = (
        PreferentialTerm.objects.filter(minute__superseded_by__isnull=True, amount__isnull=False)
        .exclude(minute__project__stage__in=[Stage.TERMINATED, Stage.REJECTED])
        .select_related("minute__project")
        .order_by("pk")
        .first()
    )
    if term is None:
        return
    project = term.minute.project
    cap = min(term.amount, services.fund_totals(fund).available)
    item = services.item_create(
        actor=centre,
        project=project,
        fund=fund,
        term=term,
        title=f"{term.get_kind_display()}（一事一议）",
        cap=cap,
        condition=CommitmentItem.Condition.STAGE,
        stage=Stage.APPROVED,
        earliest=datetime.date(2026, 1, 1),
    )
    filer = town_users.get(project.landing_unit_id)
    if filer is not None and not Request.objects.filter(item=item).exists():
        with contextlib.suppress(services.Refused):
            services.request_file(
                actor=filer, item=item, amount=min(cap, Decimal(300_000)), evidence="会议纪要及签约文件"
            )
