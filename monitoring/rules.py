from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from monitoring.models import (
    INDICATOR_BUREAU,
    AnnualGrade,
    Checkpoint,
    EquityChange,
    Finding,
    FindingTally,
    GradeTally,
    IndicatorValue,
    LandContract,
    PerformanceAgreement,
)
from projects.rules import is_bureau, project_parts_visible, unit_tallies_visible

for _model in (LandContract, PerformanceAgreement, IndicatorValue, Finding, AnnualGrade):
    scope(_model)(project_parts_visible)
for _model in (FindingTally, GradeTally):
    scope(_model)(unit_tallies_visible)


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


def supplied_by(user):
    """The indicators ``user``'s bureau supplies (none for anyone else)."""
    if not has_role(user, Role.BUREAU) or user.unit is None:
        return []
    return [indicator for indicator, bureau in INDICATOR_BUREAU.items() if bureau == user.unit.bureau]


@rule("indicator_data.view", writes=False)
def view_indicator_data(user, obj):
    if has_role(user, Role.CENTRE, Role.BUREAU, Role.LANDING, Role.LEADER, Role.NPC_DEPUTY):
        return allow()
    return deny(_("Your role does not work with indicator data."))


@rule("indicator.import", writes=True)
def import_indicators(user, obj):
    if supplied_by(user):
        return allow()
    return deny(_("Indicator data is submitted by the bureaus that supply it (tax, statistics, economy, development)."))


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


def _owns(user, finding):
    return user.unit_id is not None and user.unit_id in (finding.owner_id, finding.co_owner_id)


@rule("finding.work", writes=True)
def work_finding(user, finding):
    """Rectify or resolve: the centre, or the staff of the unit that owns the finding."""
    if has_role(user, Role.CENTRE):
        return allow()
    if has_role(user, Role.LANDING, Role.BUREAU) and finding is not None and _owns(user, finding):
        return allow()
    return deny(_("Only the centre or the unit that owns the finding handles it."))


@rule("finding.escalate", writes=True)
def escalate_finding(user, finding):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the centre escalates a finding."))


@rule("finding.waive", writes=True)
def waive_finding(user, finding):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the centre waives a finding, under an approved fault-tolerance exemption."))
