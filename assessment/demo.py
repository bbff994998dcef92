"""Demo targets for every landing unit, and a year of published bulletins and rankings."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Unit, User
from assessment import services
from assessment.models import Metric, Report, ScoringScheme, Weight

TARGETS = {
    Metric.SIGNED: Decimal(4),
    Metric.MAJOR_SIGNED: Decimal(1),
    Metric.CONTRACTED: Decimal(1_500_000_000),
    Metric.PAID_IN: Decimal(800_000_000),
    Metric.FOREIGN: Decimal(10_000_000),
}
POINTS = {
    Metric.SIGNED: Decimal(25),
    Metric.MAJOR_SIGNED: Decimal(20),
    Metric.CONTRACTED: Decimal(25),
    Metric.PAID_IN: Decimal(20),
    Metric.FOREIGN: Decimal(10),
}


def load():
    centre = User.objects.get(username="centre")
    year = timezone.localdate().year
    if not ScoringScheme.objects.exists():
        scheme = ScoringScheme.objects.create(effective_from=f"{year - 1}-01-01", note="季晾晒、年考评计分办法")
        for metric, points in POINTS.items():
            Weight.objects.create(scheme=scheme, metric=metric, weight=points, cap_percent=Decimal(120))
    for unit in Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True):
        for metric, value in TARGETS.items():
            services.target_set(actor=centre, unit=unit, year=year, metric=metric, value=value)
    if Report.objects.filter(year=year).exists():
        return
    month = timezone.localdate().month
    _spread_signings(year, month)
    services.refresh_summary(year)
    for m in range(1, month):
        services.report_publish(actor=centre, kind=Report.Kind.MONTHLY, year=year, period=m)
    for q in range(1, (month - 1) // 3 + 1):
        services.report_publish(actor=centre, kind=Report.Kind.QUARTERLY, year=year, period=q)


def _spread_signings(year, month):
    """The demo's projects were all walked through their stages just now; spread this year's signings over
    the months already over, so the bulletins of those months have something to report."""
    from projects.models import StageChange
    from projects.stages import Stage

    if month <= 1:
        return
    tz = timezone.get_current_timezone()
    changes = StageChange.objects.filter(to_stage=Stage.SIGNED, at__year=year).order_by("pk")
    for i, change in enumerate(changes):
        at = timezone.datetime(year, 1 + i % (month - 1), 15, 10, tzinfo=tz)
        StageChange.objects.filter(pk=change.pk).update(at=at)
