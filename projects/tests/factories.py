"""Test data made through the services, as users would make it."""

import itertools
import random
from decimal import Decimal

from accounts.models import Unit
from projects import services
from projects.models import Channel, Industry, LandMode
from projects.validators import uscc_check_character

VALID_USCC = [
    "91330100716105852F",
    "9144030071526726XG",
    "914403001922038216",
    "911000001000013428",
    "91110000802100433B",
    "91330200704803055M",
]
_counter = itertools.count(1)


def random_uscc(rng=random):
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91330282" + "".join(rng.choice(charset) for _ in range(9))
    return first17 + uscc_check_character(first17)


def make_company(actor, **overrides):
    n = next(_counter)
    fields = {"name": f"测试企业{n}有限公司", "uscc": random_uscc()} | overrides
    return services.company_create(actor=actor, **fields)


def make_project(actor, *, unit_code="zhouxiang", company=None, **overrides):
    fields = {
        "name": f"测试项目{next(_counter)}",
        "investor": company or make_company(actor),
        "industry": Industry.objects.get(code="38"),
        "landing_unit": Unit.objects.get(code=unit_code),
        "attracting_unit": Unit.objects.get(code="centre"),
        "channel": Channel.DIRECT,
        "total_investment": Decimal("50000000"),
        "land_mode": LandMode.NEW_LAND,
        "land_area_m2": Decimal("40000"),
    } | overrides
    return services.project_create(actor=actor, **fields)
