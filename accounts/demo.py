"""The demo city's units and users. Idempotent: running it again changes nothing but passwords."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import totp
from accounts.models import SecondFactor, Unit, User
from accounts.roles import ADMIN_ROLES, Role

K = Unit.Kind
B = Unit.Bureau

UNITS = [
    ("centre", "慈溪市投资促进中心", K.CENTRE, ""),
    ("fagai", "慈溪市发展和改革局", K.BUREAU, B.DEVELOPMENT),
    ("jingxin", "慈溪市经济和信息化局", K.BUREAU, B.ECONOMY),
    ("zigui", "慈溪市自然资源和规划局", K.BUREAU, B.NATURAL_RESOURCES),
    ("caizheng", "慈溪市财政局", K.BUREAU, B.FINANCE),
    ("shuiwu", "国家税务总局慈溪市税务局", K.BUREAU, B.TAX),
    ("tongji", "慈溪市统计局", K.BUREAU, B.STATISTICS),
    ("shengtai", "宁波市生态环境局慈溪分局", K.BUREAU, B.ECOLOGY),
    ("shichang", "慈溪市市场监督管理局", K.BUREAU, B.MARKET),
    ("dashuju", "慈溪市大数据发展中心", K.BUREAU, B.BIG_DATA),
    ("zhouxiang", "周巷镇", K.TOWN, ""),
    ("guanhaiwei", "观海卫镇", K.TOWN, ""),
    ("zonghan", "宗汉街道", K.TOWN, ""),
    ("hightech", "慈溪高新技术产业开发区", K.PLATFORM, ""),
    ("citydev", "慈溪市城市发展集团有限公司", K.COMPANY, ""),
    ("leadership", "慈溪市人民政府", K.LEADERSHIP, ""),
    ("npc", "慈溪市人大常委会", K.NPC, ""),
]

# username, full name, unit code, role
USERS = [
    ("centre", "陈招商", "centre", Role.CENTRE),
    ("fagai", "方发改", "fagai", Role.BUREAU),
    ("jingxin", "金经信", "jingxin", Role.BUREAU),
    ("zigui", "赵资规", "zigui", Role.BUREAU),
    ("caizheng", "蔡财政", "caizheng", Role.BUREAU),
    ("shuiwu", "孙税务", "shuiwu", Role.BUREAU),
    ("tongji", "童统计", "tongji", Role.BUREAU),
    ("shichang", "施市场", "shichang", Role.BUREAU),
    ("town_a", "周落地", "zhouxiang", Role.LANDING),
    ("town_b", "关落地", "guanhaiwei", Role.LANDING),
    ("platform", "高平台", "hightech", Role.LANDING),
    ("zonghan", "宗落地", "zonghan", Role.LANDING),
    ("citydev", "城发展", "citydev", Role.LANDING),
    ("evaluator", "宗评估", "zonghan", Role.EVALUATOR),
    ("leader", "李市长", "leadership", Role.LEADER),
    ("deputy", "陈代表", "npc", Role.NPC_DEPUTY),
    ("sysadmin", "苏系统", "dashuju", Role.SYSTEM_ADMIN),
    ("secadmin", "安保密", "dashuju", Role.SECURITY_ADMIN),
    ("auditor", "钱审计", "dashuju", Role.AUDIT_ADMIN),
]


@transaction.atomic
def load_units_and_users(*, password):
    units = {}
    for code, name, kind, bureau in UNITS:
        units[code], _ = Unit.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "bureau": bureau}
        )
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    rows = []
    for username, full_name, unit_code, role in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name = full_name
        user.unit = units[unit_code]
        user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        if user.password_changed_at < timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS) + DEMO_RUNWAY:
            user.password_changed_at = timezone.now()  # a demo never starts with passwords about to expire
        user.save()
        if set(user.groups.values_list("name", flat=True)) != {role}:
            user.groups.set([groups[role]])
        if role in ADMIN_ROLES:
            SecondFactor.objects.get_or_create(
                user=user, defaults={"secret": totp.new_secret(), "confirmed_at": timezone.now()}
            )
        rows.append((username, password, Role(role).label, units[unit_code].name))
    return rows


# Demo passwords are renewed when they would expire within this time of a load.
DEMO_RUNWAY = timedelta(days=30)


def second_factor_secrets():
    """The demo administrators' TOTP secrets, to print: the demo pre-enrols them, so that every tester can log
    in (enrolment shows a secret only once, to whoever logs in first)."""
    admins = [username for username, _name, _unit, role in USERS if role in ADMIN_ROLES]
    return dict(
        SecondFactor.objects.filter(user__username__in=admins)
        .order_by("user__username")
        .values_list("user__username", "secret")
    )
