from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from monitoring.models import (
    INDICATOR_BUREAU,
    Checkpoint,
    EquityChange,
    Finding,
    IndicatorValue,
    LandContract,
    PerformanceAgreement,
)
from projects.rules import is_bureau, project_parts_visible

for _model in (LandContract, PerformanceAgreement, IndicatorValue, Finding):
    scope(_model)(project_parts_visible)


@scope(Checkpoint)
def checkpoints_visible(user, queryset):
    return queryset.filter(agreement__in=project_parts_visible(user, PerformanceAgreement.objects.all()))


@rule("land_contract.manage", writes=True)
def manage_land_contract(user, project):
    if is_bureau(user, Unit.Bureau.NATURAL_RESOURCES):
        return allow()
    return deny(_("Land-transfer contracts belong to the Natural Resources and Planning Bureau."))


@rule("agreement.manage", writes=True)
def manage_agreement(user, project):
    if has_role(user, Role.CENTRE):
        return allow()
    if project is not None and has_role(user, Role.LANDING) and project.landing_unit_id == user.unit_id:
        return allow()
    return deny(_("Performance agreements are signed by the centre or the project's landing unit."))


@rule("indicator.submit", writes=True)
def submit_indicator(user, indicator):
    """``indicator``: the Indicator value being submitted; only the bureau that owns it supplies it."""
    bureau = INDICATOR_BUREAU.get(indicator)
    if bureau and is_bureau(user, bureau):
        return allow()
    label = Unit.Bureau(bureau).label if bureau else ""
    return deny(_("This indicator is supplied by the %(bureau)s.") % {"bureau": label})


@rule("checks.run", writes=True)
def run_checks(user, obj):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the centre runs the compliance checks on demand."))


@scope(EquityChange)
def equity_changes_visible(user, queryset):
    from projects.rules import BUSINESS_ROLES

    return queryset if has_role(user, *BUSINESS_ROLES) else queryset.none()


@rule("equity_change.record", writes=True)
def record_equity_change(user, obj):
    if is_bureau(user, Unit.Bureau.MARKET):
        return allow()
    return deny(_("Equity changes are recorded by the Market Regulation Bureau."))
