"""The demo city's investors, partners, resources and a few dozen projects in every stage.

Idempotent: what exists (matched by credit code, code or project name) is left as it is.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from accounts.models import Unit, User
from core.units import mu_to_m2, wan_to_yuan
from projects import services
from projects.models import (
    Channel,
    Company,
    EnergyQuota,
    FactorySpace,
    Filing,
    Industry,
    LandMode,
    LandParcel,
    Partner,
    Project,
)
from projects.stages import PATHS, Stage
from projects.validators import uscc_check_character

COMPANIES = [
    ("宁波瑞驰新能源科技有限公司", "恒驰集团"),
    ("慈溪精锐智能装备有限公司", ""),
    ("浙江海纳生物医药有限公司", "海纳控股"),
    ("慈溪东方家电有限公司", ""),
    ("宁波星澜半导体有限公司", "星澜科技"),
    ("慈溪鸿业汽车零部件有限公司", "鸿业集团"),
    ("浙江蓝湾新材料有限公司", ""),
    ("慈溪北斗数字科技有限公司", ""),
    ("宁波安瑞医疗器械有限公司", ""),
    ("慈溪金禾食品有限公司", ""),
    ("德企(慈溪)精密机械有限公司", "Kessler AG"),
    ("慈溪绿源环保科技有限公司", ""),
]
PARTNERS = [
    ("宁波招商服务有限公司", Partner.Kind.AGENCY),
    ("王志远（招商大使）", Partner.Kind.AMBASSADOR),
    ("上海慈溪商会", Partner.Kind.CHAMBER),
    ("慈溪中学校友会", Partner.Kind.ALUMNI),
    ("方明华（侨胞）", Partner.Kind.OVERSEAS),
    ("胡建国（乡贤）", Partner.Kind.NOTABLE),
    ("慈溪东方家电有限公司", Partner.Kind.ENTERPRISE),
    ("李教授（招商顾问）", Partner.Kind.ADVISER),
]
DIVISIONS = ["38", "34", "27", "39", "36", "26", "29", "65", "35", "14", "33", "42"]
LANDING_UNITS = ["zhouxiang", "guanhaiwei", "zonghan", "hightech", "citydev"]
STAGE_PLAN = [
    Stage.LEAD,
    Stage.LEAD,
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.NEGOTIATING,
    Stage.NEGOTIATING,
    Stage.PRE_EVALUATION,
    Stage.PRE_EVALUATION,
    Stage.AWAITING_DECISION,
    Stage.AWAITING_DECISION,
    Stage.APPROVED,
    Stage.APPROVED,
    Stage.REJECTED,
    Stage.RETURNED,
    Stage.SIGNED,
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.CONSTRUCTION,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.SUPERVISION_ENDED,
    Stage.TERMINATED,
    Stage.TERMINATED,
    # Two more under supervision, so that production starts cover every year from 2018 to 2025.
    Stage.OPERATING,
    Stage.OPERATING,
]


def _uscc(rng):
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91330282" + "".join(rng.choice(charset) for _ in range(9))
    return first17 + uscc_check_character(first17)


def _path_to(target):
    """The stages from lead to ``target`` along the forward path (termination from negotiating)."""
    if target == Stage.TERMINATED:
        return [Stage.NEGOTIATING, Stage.TERMINATED]
    if target in (Stage.REJECTED, Stage.RETURNED):
        return [Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, target]
    order = [t for _s, t in PATHS if t not in (Stage.REJECTED, Stage.RETURNED)]
    return order[: order.index(target) + 1] if target != Stage.LEAD else []


@transaction.atomic
def load_projects(*, before_submit=None, decide=None, advance_open=None, before_sign=None, after=None):
    """``before_submit(project)``, ``decide(project, outcome)`` and ``advance_open(project, steps)`` let the
    decisions app walk its chain; without them the stages are set directly."""
    rng = random.Random(102)
    centre = User.objects.get(username="centre")
    units = {u.code: u for u in Unit.objects.all()}
    companies = []
    for name, group in COMPANIES:
        company = Company.objects.filter(name=name).first() or services.company_create(
            actor=centre,
            name=name,
            uscc=_uscc(rng),
            parent_group=group,
            registered_capital=wan_to_yuan(rng.choice([1000, 5000, 20000, 50000])),
            legal_representative=rng.choice(["张伟", "王芳", "李强", "陈静", "刘洋"]),
            is_foreign_invested=bool(group and "AG" in group),
        )
        companies.append(company)
    partners = []
    for name, kind in PARTNERS:
        partner = Partner.objects.filter(name=name).first() or services.partner_create(
            actor=centre,
            name=name,
            kind=kind,
            agreement_start=datetime.date(2025, 1, 1),
            agreement_end=datetime.date(2027, 12, 31),
            agreement_terms="按签约项目固定资产投资额给予奖励",
        )
        partners.append(partner)
    zigui = User.objects.get(username="zigui")
    jingxin = User.objects.get(username="jingxin")
    fagai = User.objects.get(username="fagai")
    for i in range(1, 13):
        code = f"CX-2026-{i:03d}"
        if not LandParcel.objects.filter(code=code).exists():
            services.resource_create(
                actor=zigui,
                kind="parcel",
                code=code,
                location=f"滨海经济开发区 {i} 号地块",
                area_m2=mu_to_m2(Decimal(rng.choice([60, 120, 230, 80]))),
                planned_use="工业用地",
            )
    for i in range(1, 5):
        if not FactorySpace.objects.filter(code=f"BZ-{i:02d}").exists():
            services.resource_create(
                actor=jingxin,
                kind="factory_space",
                code=f"BZ-{i:02d}",
                location=f"小微企业园 {i} 幢",
                area_m2=Decimal(6000 + 500 * i),
            )
        if not EnergyQuota.objects.filter(code=f"NH-2026-{i:02d}").exists():
            services.resource_create(
                actor=jingxin,
                kind="energy_quota",
                code=f"NH-2026-{i:02d}",
                description="年度新增能耗指标",
                amount_tce=Decimal(2000 * i),
            )

    created = producers = 0
    for n, target in enumerate(STAGE_PLAN):
        name = f"{COMPANIES[n % len(COMPANIES)][0].split('有限公司')[0]}项目（{n + 1:02d}）"
        if Project.objects.filter(name=name).exists():
            continue
        major = n % 5 == 0
        channel_partner = partners[n % len(partners)] if n % 3 else None
        land_mode = LandMode.NEW_LAND if n % 4 else rng.choice([LandMode.EXISTING_FACTORY, LandMode.LEASE])
        area_mu = Decimal(rng.choice([230, 260, 300])) if major else Decimal(rng.choice([20, 45, 60, 120]))
        project = services.project_create(
            actor=centre,
            name=name,
            investor=companies[n % len(companies)],
            industry=Industry.objects.get(code=DIVISIONS[n % len(DIVISIONS)]),
            landing_unit=units[LANDING_UNITS[n % len(LANDING_UNITS)]],
            attracting_unit=units["centre"],
            channel=channel_partner.channel if channel_partner else Channel.DIRECT,
            partner=channel_partner,
            total_investment=wan_to_yuan(
                Decimal(rng.choice([120000, 150000])) if major else Decimal(rng.choice([3000, 8000, 20000, 50000]))
            ),
            foreign_capital_usd=Decimal(5_000_000) if n % 7 == 0 else Decimal(0),
            land_mode=land_mode,
            land_area_m2=mu_to_m2(area_mu) if land_mode == LandMode.NEW_LAND else Decimal(0),
            expected_annual_output=wan_to_yuan(Decimal(rng.choice([20000, 50000, 100000]))),
            expected_annual_tax=wan_to_yuan(Decimal(rng.choice([800, 2000, 5000]))),
            is_profit_reinvestment=n % 6 == 2,
            is_key_chain=major,
            description="演示项目：" + name,
        )
        for step in _path_to(target):
            if step == Stage.SIGNED and before_sign:
                before_sign(project)
            if step == Stage.AWAITING_DECISION and before_submit:
                before_submit(project)
            if step in (Stage.APPROVED, Stage.REJECTED, Stage.RETURNED) and decide:
                decide(project, step.value)
                project.refresh_from_db()
                continue
            if step == Stage.LAND_SUPPLIED and land_mode == LandMode.NEW_LAND:
                parcel = LandParcel.objects.filter(status="available").first()
                if parcel:
                    services.resource_allocate(actor=zigui, project=project, resource=parcel)
            if step == Stage.CONSTRUCTION and not project.filings.exists():
                Filing.objects.create(
                    project=project,
                    kind=Filing.Kind.FILING,
                    approving_unit=fagai.unit,
                    national_code=f"2603-330282-04-01-{100000 + n:06d}",
                    date=datetime.date(2026, 3, 1),
                )
            if step == Stage.IN_PRODUCTION:
                # Supervised projects in years 1 to 8 of 2025 (one per production year 2018-2025); the one
                # whose supervision has ended started in 2017.
                year = 2017 if target == Stage.SUPERVISION_ENDED else 2025 - producers % 8
                producers += target != Stage.SUPERVISION_ENDED
                project.production_start_date = datetime.date(year, 6, 1)
                project.save(update_fields=["production_start_date"])
            note = "项目投资方撤资" if step == Stage.TERMINATED else "演示数据"
            services.project_move(actor=centre, project=project, target=step, note=note)
            if step == Stage.TERMINATED:
                project.terminated_reason = note
                project.save(update_fields=["terminated_reason"])
        if target == Stage.AWAITING_DECISION and advance_open and n % 2:
            advance_open(project, 1)
        if after:
            after(project)
        created += 1
    return created
