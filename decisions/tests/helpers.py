import datetime
from decimal import Decimal

from decisions import services
from decisions.models import Dimension
from projects.services import project_move
from projects.stages import Stage
from projects.tests.factories import make_project

MU_200 = Decimal("133333.34")  # 200.00 亩 once rounded; m² are stored
OPINION = {d.value: {"rating": "good", "text": "符合要求"} for d in Dimension}


def minute(number, **extra):
    return {
        "number": number,
        "meeting_date": datetime.date(2026, 11, 20),
        "chair": "市投促委办公室主任",
        "attendees": "市投促委办公室、发改局、资规局",
        "conclusion": "同意",
        "conditions": "",
    } | extra


def major_project(city, **overrides):
    fields = {"land_area_m2": Decimal("153333.33"), "total_investment": Decimal("1200000000")} | overrides
    return make_project(city["centre"], **fields)


def submit(city, project, *, with_opinion=True):
    centre = city["centre"]
    project_move(actor=centre, project=project, target=Stage.NEGOTIATING)
    project_move(actor=centre, project=project, target=Stage.PRE_EVALUATION)
    if with_opinion and not project.evaluation_opinions.exists():
        services.evaluation_member_add(actor=centre, project=project, user=city["evaluator"])
        services.evaluation_opinion_write(
            actor=city["evaluator"], project=project, ratings=OPINION, conclusion="建议引进", recommend=True
        )
    project_move(actor=centre, project=project, target=Stage.AWAITING_DECISION)
    project.refresh_from_db()
    return project.submissions.get(status="open")
