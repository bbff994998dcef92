"""Demo decisions: evaluation opinions, chains at every step, issued and superseded minutes."""

import datetime
from decimal import Decimal

from accounts.models import User
from core.units import m2_to_mu
from decisions import services
from decisions.models import CHAINS, Dimension, Minute, Step, StepRecord
from projects.models import Tier

RECORDERS = {
    Step.CONSULTATION: "centre",
    Step.REVIEW: "centre",
    Step.OFFICE: "centre",
    Step.MAYOR: "leader",
    Step.SECRETARY: "leader",
    Step.EXECUTIVE: "leader",
}
CHAIRS = {
    Step.CONSULTATION: "市投促委办公室主任",
    Step.REVIEW: "市投促委办公室主任",
    Step.MAYOR: "市长",
    Step.SECRETARY: "市委书记",
    Step.EXECUTIVE: "市长",
    Step.OFFICE: "市投促委办公室主任",
    Step.LOCAL: "落地单位主要负责人",
}
ATTENDEES = {
    Step.CONSULTATION: "市投促委办公室、发改局、经信局、资规局、财政局、生态环境局",
    Step.REVIEW: "市投促委办公室、评审专家组",
    Step.MAYOR: "市长（主持）、常务副市长、分管副市长、相关部门主要负责人",
    Step.SECRETARY: "市委书记（主持）、市长、相关市领导",
    Step.EXECUTIVE: "市政府常务会议组成人员",
    Step.OFFICE: "市投促委办公室主任（主持）、相关部门",
    Step.LOCAL: "落地单位主要负责人、招商部门",
}


def _user(username):
    return User.objects.get(username=username)


def _number(step):
    prefix = {Step.MAYOR: "慈政专纪", Step.SECRETARY: "慈委专纪", Step.EXECUTIVE: "慈政常纪", Step.LOCAL: "属地决纪"}
    head = f"{prefix.get(step, '慈投促纪')}〔2026〕"
    return f"{head}{Minute.objects.filter(number__startswith=head).count() + 1}号"


def prepare_evaluation(project):
    """A major project gets its evaluation group and opinion before it is submitted."""
    tier, _reasons = services.classify(project, services.rules_in_force(datetime.date.today()))
    if tier != Tier.MAJOR or project.evaluation_opinions.exists():
        return
    evaluator = _user("evaluator")
    if not project.evaluation_members.filter(user=evaluator).exists():
        services.evaluation_member_add(actor=_user("centre"), project=project, user=evaluator, is_lead=True)
    ratings = {
        d.value: {"rating": "good" if i % 3 else "fair", "text": f"{d.label}：经核查符合引进条件"}
        for i, d in enumerate(Dimension)
    }
    services.evaluation_opinion_write(
        actor=evaluator,
        project=project,
        ratings=ratings,
        conclusion="项目投资主体实力较强，技术先进，建议提交决策。",
        recommend=True,
    )


def _record(project, step, outcome, terms=()):
    if step in RECORDERS:
        actor = _user(RECORDERS[step])
    else:
        actor = project.landing_unit.users.filter(groups__name="landing_staff").first()
    conclusion = {
        "pass": "同意该项目，按程序推进。",
        "return": "材料不全，退回落地单位补充尽职调查报告。",
        "reject": "项目不符合产业导向，不予引进。",
    }[outcome]
    services.decision_record(
        actor=actor,
        project=project,
        step=step,
        outcome=outcome,
        terms=terms,
        minute={
            "number": _number(step),
            "meeting_date": datetime.date(2026, 10, 1)
            + datetime.timedelta(days=len(project.submissions.first().steps.all())),
            "chair": CHAIRS[step],
            "attendees": ATTENDEES[step],
            "conclusion": conclusion,
            "conditions": "须签订履约协议，明确亩均投资、亩均税收和单位能耗增加值。" if outcome == "pass" else "",
        },
    )


def decide(project, outcome):
    """Walk the open submission's chain to ``outcome`` (approved / rejected / returned)."""
    submission = services.open_submission(project)
    chain = CHAINS[submission.tier]
    last = {"approved": len(chain) - 1, "rejected": min(1, len(chain) - 1), "returned": min(1, len(chain) - 1)}[outcome]
    for index, step in enumerate(chain[: last + 1]):
        if index < last:
            _record(project, step, StepRecord.Outcome.PASS)
            continue
        result = {
            "approved": StepRecord.Outcome.PASS,
            "rejected": StepRecord.Outcome.REJECT,
            "returned": StepRecord.Outcome.RETURN,
        }[outcome]
        terms = []
        if result == StepRecord.Outcome.PASS and submission.tier == Tier.MAJOR and project.land_area_m2:
            # The land's unit price, as the minutes grant it: commercially confidential (masked for the NPC).
            terms.append(
                {
                    "kind": "land_price",
                    "amount": (m2_to_mu(project.land_area_m2) * Decimal("318000")).quantize(Decimal("0.01")),
                    "clause": "一事一议",
                    "conditions": "按挂牌出让底价每亩31.8万元，土地出让金分两期缴纳",
                }
            )
        if result == StepRecord.Outcome.PASS:
            terms += [
                {
                    "kind": "investment_subsidy",
                    "amount": (project.total_investment * Decimal("0.02")).quantize(Decimal("0.01")),
                    "clause": "一事一议" if submission.tier == Tier.MAJOR else "《慈溪市招商引资奖励办法》第五条",
                    "conditions": "项目投产且亩均税收达到协议值后分期兑现",
                },
                {
                    "kind": "tax_reward",
                    "rate": Decimal("50"),
                    "clause": "《慈溪市招商引资奖励办法》第八条",
                    "conditions": "投产后三年内地方留成部分",
                },
            ]
        _record(project, step, result, terms)


def advance_open(project, steps):
    """Take the first ``steps`` steps of an open submission (to show chains part-way)."""
    submission = services.open_submission(project)
    for step in submission.chain[:steps]:
        if step != submission.chain[-1]:
            _record(project, step, StepRecord.Outcome.PASS)


def supersede_one():
    """One corrected minute, so the register shows both."""
    target = Minute.objects.filter(superseded_by__isnull=True, terms__isnull=False, meeting=Step.OFFICE).first()
    if target is None or Minute.objects.filter(supersedes__isnull=False).exists():
        return
    recorder = _user(RECORDERS.get(target.meeting, "centre"))
    services.minute_supersede(
        actor=recorder,
        minute=target,
        new_minute={
            "number": target.number.replace("号", "号（更正）"),
            "meeting_date": target.meeting_date,
            "chair": target.chair,
            "attendees": target.attendees,
            "conclusion": target.conclusion + "（更正：补充附加条件）",
            "conditions": "须签订履约协议；投产后第三年亩均税收不低于 30 万元。",
        },
        terms=[
            {"kind": t.kind, "amount": t.amount, "rate": t.rate, "clause": t.clause, "conditions": t.conditions}
            for t in target.terms.all()
        ],
    )
