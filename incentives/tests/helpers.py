import datetime
from decimal import Decimal

from incentives import services
from incentives.models import CommitmentItem, Fund, Policy
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project

WAN = Decimal(10000)


def fund(city, year=2026, budget=Decimal(50_000_000)):
    return Fund.objects.filter(year=year).first() or services.fund_create(
        actor=city["caizheng"], year=year, budget=budget
    )


def clause(city, *, cap=Decimal(5_000_000), valid_to=None):
    policy = services.policy_create(
        actor=city["centre"],
        name="慈溪市促进制造业高质量发展若干政策",
        kind=Policy.Kind.INDUSTRY,
        document_number=f"慈政发〔2025〕{Policy.objects.count() + 1}号",
        issued_by="慈溪市人民政府",
        valid_from=datetime.date(2025, 1, 1),
        valid_to=valid_to,
        clauses=[{"number": "第五条", "title": "设备投资补助", "reward": "subsidy", "rate": 10, "cap": cap}],
    )
    return policy.clauses.get()


def project_at(city, stage=Stage.CONSTRUCTION, unit_code="zhouxiang"):
    project = make_project(city["centre"], unit_code=unit_code)
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    return project


def item(
    city,
    *,
    project=None,
    the_fund=None,
    the_clause=None,
    cap=Decimal(1_000_000),
    stage=Stage.CONSTRUCTION,
    earliest=datetime.date(2026, 1, 1),
):
    project = project or project_at(city)
    return services.item_create(
        actor=city["centre"],
        project=project,
        fund=the_fund or fund(city),
        clause=the_clause or clause(city),
        title="设备投资补助",
        cap=cap,
        condition=CommitmentItem.Condition.STAGE,
        stage=stage,
        earliest=earliest,
    )


def approved_request(city, the_item, amount):
    request = services.request_file(actor=city["town_a"], item=the_item, amount=amount, evidence="设备发票")
    return services.request_approve(actor=city["centre"], request=request)
