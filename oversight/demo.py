"""Demo follow-up of the seed: suggestion No. 102 of the 2nd session of the 18th city People's Congress,
"strengthen the follow-up management of attracted investment", the centre's reply, and each measure the
reply committed to, quoted, with where the system shows it working. The statuses and their dated updates are
ours (demo); the words of the reply are the seed's."""

import datetime
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from oversight import services
from oversight.models import MeasureStatus, Proposal

REPLY = Path(__file__).parent / "demo_data" / "proposal_102_reply.txt"

PROPOSAL = {
    "number": "102",
    "kind": Proposal.Kind.SUGGESTION,
    "session": "市十八届人大二次会议",
    "title": "关于加强招商引资后续管理的建议",
    "proposers": "陈益亭",
    "replying_body": "慈溪市投资促进中心",
    # What the suggestion asks, as the reply restates it.
    "summary": "\n".join(
        [
            "加强招商引资后续管理，强化对政府行为的约束和监督，建立全程监督机制，做好引进后的服务工作，"
            "巩固发展好招进来的项目，统一当前出台的招商激励机制和政绩考核机制。具体提出：",
            "（一）招商引资的政策涉及后期监管、惩戒方面的规定较少，即使有，也较为笼统，操作性不强，实际落地少；"
            "对企业不诚信的行为，未设置相关限制条款。",
            "（二）由于部门之间信息不能共享，监管单位无法实时掌握企业信息。",
            "（三）打击名为股权转让、实为倒卖土地的假投资行为。",
            "（四）政府给予客商的优惠政策应接受人大等部门的监督，政府部门要建立合资、合作企业再投入的奖励机制。",
            "（五）统一当前出台的招商激励机制和政绩考核机制；促进招商引资运作方式的专业化、规范化、国际化，"
            "政府逐渐从招商引资的台前退到幕后。",
        ]
    ),
}

G, W = MeasureStatus.IN_PROGRESS, MeasureStatus.WORKING


def _where(label, url_name, query=None, **kwargs):
    return {"label": label, "url_name": url_name, "kwargs": kwargs, "query": query or {}}


# (title, reply section, the reply's words, where to see it, [(days before today, status, what was done)])
MEASURES = [
    (
        "决策后项目跟踪管理",
        "（一）",
        "对此我们建立了决策后项目跟踪管理机制。对已通过决策的重大招商项目实施跟踪管理，针对项目“落地、投产、运营”"
        "等不同阶段的不同需求和特点，提供个性化、专业化、全过程服务。",
        [
            _where("决策后跟踪的项目（人大监督门户）", "oversight:projects"),
            _where("在办的监管问题（人大监督门户）", "oversight:findings", {"status": "active"}),
            _where("重大项目（招商项目库）", "projects:list", {"tier": "major"}),
            _where("在办的监管问题", "monitoring:finding_list", {"status": "active"}),
        ],
        [
            (300, G, "已决策项目按“落地、投产、运营”三个阶段登记，每次阶段变更留痕。"),
            (210, W, "里程碑临期、逾期和指标缺报由系统每日检查，生成问题清单并明确责任单位和期限。"),
        ],
    ),
    (
        "重大优惠政策兑现监管",
        "（一）",
        "加强对重大优惠政策的监管，强化招商协议履行情况后续跟踪，杜绝政策资金超前兑付、超额兑付、超范围兑付。",
        [
            _where("各项目承诺、兑付与追回（人大监督门户）", "oversight:projects"),
            _where("重大决策给予的优惠政策（人大监督门户）", "oversight:decisions"),
            _where("政策兑现与年度奖励资金", "incentives:overview"),
            _where("违约追回", "incentives:clawbacks"),
            _where("会议纪要及给予的优惠政策", "decisions:minute_list"),
        ],
        [
            (280, G, "兑付申请按落地单位申报、投促中心审核、财政局支付三级办理。"),
            (180, W, "系统对超前、超额、超范围兑付自动拒绝并留存拒绝记录；项目违约的，已付奖励进入追回。"),
        ],
    ),
    (
        "容错纠错机制",
        "（一）",
        "坚持宽严相济，落实容错纠错机制。",
        [
            _where("按容错免责处理的问题（人大监督门户）", "oversight:findings", {"status": "waived"}),
            _where("按容错免责处理的问题", "monitoring:finding_list", {"status": "waived"}),
        ],
        [(150, W, "容错免责须经市领导批准并记录依据，问题按免责办结的，理由和批准记录可查。")],
    ),
    (
        "数字化招商工作平台（三库打通）",
        "（二）",
        "对此我们拟建立数字化招商工作平台。由市投促中心牵头管理，发改局、经信局、资规局、大数据中心等部门协同配合，"
        "打通“招商项目库、资源配置库、投资项目库”，做到全市招商项目、要素资源、投资项目信息互通，并实现动态更新。",
        [
            _where("决策后跟踪的项目（人大监督门户）", "oversight:projects"),
            _where("招商项目库", "projects:list"),
            _where("资源配置库", "projects:resources"),
            _where("投资项目库（发改备案赋码）", "projects:filing_list"),
            _where("部门指标数据报送", "monitoring:data"),
        ],
        [
            (320, G, "三库数据结构确定，发改、经信、资规、大数据中心各自维护本部门数据。"),
            (240, W, "三库在系统中打通运行：项目、地块厂房能耗指标、备案赋码信息互通，部门数据按年度报送或导入。"),
        ],
    ),
    (
        "数字化应用场景建设",
        "（二）",
        "加快推进客商推介、政策宣传、项目需求等数字化应用场景建设，提升招商工作的精准度和服务水平。",
        [
            _where("招商政策及条款、年度奖励资金（人大监督门户）", "oversight:incentives"),
            _where("现行招商政策及条款", "incentives:policies"),
        ],
        [(120, G, "政策宣传场景：现行招商政策及条款已在系统集中公布；客商推介、项目需求场景尚在建设。")],
    ),
    (
        "决策前重大项目评估",
        "（三）",
        "我们也建立了决策前重大项目评估机制：针对重大招商项目，由各落地单位牵头业务部门组成重大项目评估小组，"
        "根据项目投资主体、项目市场占有率、技术先进性、财务可行性、产出效益、政策诉求、生态环境影响等情况，"
        "对项目提出预评估意见。必要时可委托专业咨询团队开展项目研判，完成尽职调查并形成评估报告，为项目招引提供科学决策支持。",
        [
            _where("重大决策及会议纪要（人大监督门户）", "oversight:decisions"),
            _where("预评估中的项目", "projects:list", {"stage": "pre_evaluation"}),
            _where("待决策项目及评估意见", "decisions:queue"),
        ],
        [
            (260, G, "评估小组组成和七个维度的预评估意见表在系统中启用。"),
            (200, W, "重大项目须有评估小组预评估意见方可提交决策；招商单位人员不得参与评估（招评分离）。"),
        ],
    ),
    (
        "“双合同”全过程评估监管",
        "（三）",
        "以《出让合同》和《履约协议》“双合同”为载体，对项目实施全过程动态评估和监管，明确亩均投资、亩均税收、"
        "能耗增加值等，最长可监管至投产后的第七年。",
        [
            _where("投产后运营监管的项目（人大监督门户）", "oversight:projects", {"stage": "operating"}),
            _where("履约不达标需整改的问题（人大监督门户）", "oversight:findings", {"kind": "rectification"}),
            _where("违反履约协议的问题（人大监督门户）", "oversight:findings", {"kind": "breach"}),
            _where("运营监管中的项目", "projects:list", {"stage": "operating"}),
            _where("履约不达标需整改的问题", "monitoring:finding_list", {"kind": "rectification"}),
        ],
        [
            (250, G, "出让合同、履约协议在系统登记，亩均投资、亩均税收、单位能耗增加值作为约定指标。"),
            (170, W, "系统逐年按约定评级至投产后第七年，不达标的自动生成整改或违约问题。"),
        ],
    ),
    (
        "打击名为股权转让、实为倒卖土地",
        "（三）",
        "您所提到的打击名为股权转让、实为倒卖土地的假投资行为。今年年初，《慈溪市人民政府办公室关于印发慈溪市工业用地项目"
        "全生命周期管理实施意见（试行）的通知》已作明确规定，由市产业高质量发展领导小组协调、统筹、决策项目用地等重大事项",
        [
            _where(
                "疑似名为股权转让、实为倒卖土地（人大监督门户）", "oversight:findings", {"kind": "disguised_resale"}
            ),
            _where("用地企业股权变更记录", "monitoring:equity_list"),
            _where("疑似名为股权转让、实为倒卖土地", "monitoring:finding_list", {"kind": "disguised_resale"}),
        ],
        [
            (230, G, "市场监管部门的股权变更数据按月导入系统。"),
            (
                160,
                W,
                "监管期内用地企业控制权变更或十二个月内累计转让过半的，系统自动生成高等级问题，交投促中心和资规局核查。",
            ),
        ],
    ),
    (
        "分级决策，决策以会议纪要保存并接受人大监督",
        "（四）",
        "对招商项目实行招评分离，并实施分级决策。对于涉及“一事一议”政策的重大项目（占地200亩以上或总投资10亿元以上），"
        "以及对慈溪产业链具有重大带动作用的项目，由市投促委办公室牵头相关职能部门会商，完成项目评审后，"
        "依次提交市长专题办公会议、书记专题办公会议研究，形成统一意见后，提交市政府常务会议决策。"
        "决策以会议纪要形式保存落实，自觉接受人大等部门的监督。",
        [
            _where("重大决策及会议纪要（人大监督门户）", "oversight:decisions"),
            _where("人大监督门户", "oversight:portal"),
            _where("决策链上的项目", "decisions:queue"),
            _where("会议纪要", "decisions:minute_list"),
            _where("分级决策标准", "decisions:tier_rules"),
        ],
        [
            (310, G, "分级标准（200亩、10亿元）作为数据维护，系统按标准自动定级。"),
            (
                220,
                W,
                "重大项目依次经会商、评审、市长专题会、书记专题会、市政府常务会议决策，每步形成会议纪要；"
                "人大代表可通过只读门户查阅决策、纪要及给予的优惠政策。",
            ),
        ],
    ),
    (
        "利润再投资视同招商项目",
        "（四）",
        "进一步强化出台企业利润再投资等相关配套政策，支持企业利润再投资、在慈增资扩产，"
        "本地企业利润再投资项目视同于招商项目，享受同等招商政策待遇。",
        [_where("利润再投资项目", "projects:list", {"is_profit_reinvestment": "yes"})],
        [(140, G, "利润再投资项目在系统中与招商项目同等登记、考核和兑现；配套政策正在修订。")],
    ),
    (
        "整合修订招商政策文件",
        "（五）",
        "完善招商引资政策体系，整合修订完善现有招商、产业、人才、金融等政策文件。",
        [
            _where("招商政策及条款、年度奖励资金（人大监督门户）", "oversight:incentives"),
            _where("现行招商政策及条款", "incentives:policies"),
        ],
        [(130, G, "现行招商、产业、人才、金融政策及条款已集中录入，逐条明确奖励方式、比例和上限，修订工作推进中。")],
    ),
    (
        "重点产业扶持和外资招引政策",
        "（五）",
        "对标先进地区，研究完善重点产业扶持政策和外资招引政策，充分发挥政策“杠杆作用”。",
        [],
        [],
    ),
    (
        "每年不少于1000万元政策奖励专项资金",
        "（五）",
        "强化招商政策奖励资金保障，确保每年不少于1000万元政策奖励专项资金。",
        [
            _where("招商政策及条款、年度奖励资金（人大监督门户）", "oversight:incentives"),
            _where("年度政策奖励资金及使用", "incentives:overview"),
        ],
        [(190, W, "年度奖励资金预算低于1000万元的，系统不予确认；承诺和兑付不得超出当年资金。")],
    ),
    (
        "月通报、季晾晒、年考评",
        "（五）",
        "建立对各招商主体单位的月通报、季晾晒、年考评制度，每月对各单位重大招商项目推进和招商指标完成情况进行通报，"
        "每季度对各单位招商指标进行打分晾晒，年度对各单位进行目标管理绩效考评。",
        [
            _where("月通报、季晾晒、年考评（人大监督门户）", "oversight:assessment"),
            _where("考核排名与通报", "assessment:overview"),
            _where("领导驾驶舱", "assessment:dashboard"),
        ],
        [
            (270, G, "各招商单位年度目标和评分办法录入系统。"),
            (200, W, "月通报、季度晾晒、年度考评按期生成并发布，发布后数据冻结，可下载正式文本。"),
        ],
    ),
    (
        "专业机构合作与以商引商",
        "（五）",
        "强化与专业国际中介、高端咨询公司、头部投资基金等机构联系，遴选一批专业机构签订合作协议，提供优质项目信息。"
        "广泛发挥统战部、工商联、异地商会、慈中校友会等平台优势，用好各类乡贤、侨胞等海内外人脉资源，推进以商引商、以企引企工作。",
        [
            _where("合作机构和引荐人", "projects:partner_list"),
            _where("各招商渠道成效比较", "projects:channels"),
        ],
        [
            (220, G, "专业机构、异地商会、校友会、乡贤侨胞等引荐渠道在系统登记，每条线索记录来源。"),
            (100, W, "按渠道比较引进项目数和投资额，合作机构引荐成效可查。"),
        ],
    ),
    (
        "聘用招商大使和顾问",
        "（五）",
        "聘用一批具备丰富人脉资源和优质项目信息渠道的人员作为招商大使和顾问，进一步充实我市招商力量。",
        [_where("招商大使、顾问登记", "projects:partner_list")],
        [(90, G, "招商大使、顾问作为引荐渠道可在系统登记；聘用工作推进中。")],
    ),
]


def load_proposal_demo():
    """Suggestion No. 102, its reply and its measures with their dated updates. Idempotent: what exists stays."""
    centre = User.objects.get(username="centre")
    proposal = Proposal.objects.filter(
        session=PROPOSAL["session"], kind=PROPOSAL["kind"], number=PROPOSAL["number"]
    ).first()
    if proposal is None:
        proposal = services.proposal_create(
            actor=centre, reply_text=REPLY.read_text(encoding="utf-8").strip(), **PROPOSAL
        )
    today = timezone.localdate()
    existing = set(proposal.measures.values_list("title", flat=True))
    for title, section, commitment, evidence, updates in MEASURES:
        if title in existing:
            continue
        measure = services.measure_add(
            actor=centre,
            proposal=proposal,
            title=title,
            reply_section=section,
            commitment=commitment,
            evidence=evidence,
        )
        for days_ago, status, note in updates:
            on = today - datetime.timedelta(days=days_ago)
            measure = services.measure_update_status(actor=centre, measure=measure, status=status, on=on, note=note)
    return proposal
