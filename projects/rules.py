from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.roles import Role
from accounts.scoping import allow, deny, granted, has_role, roles, rule, scope
from projects.models import (
    Allocation,
    Attachment,
    Company,
    EnergyQuota,
    FactorySpace,
    Filing,
    ImportJob,
    Industry,
    LandParcel,
    Partner,
    Project,
    StageChange,
    StageTally,
)

BUSINESS_ROLES = (Role.CENTRE, Role.BUREAU, Role.LANDING, Role.EVALUATOR, Role.LEADER, Role.NPC_DEPUTY)
SEE_ALL_PROJECTS = (Role.CENTRE, Role.BUREAU, Role.LEADER, Role.NPC_DEPUTY)


def is_bureau(user, bureau):
    return has_role(user, Role.BUREAU) and user.unit is not None and user.unit.bureau == bureau


@scope(Project)
def projects_visible(user, queryset):
    if has_role(user, *SEE_ALL_PROJECTS):
        return queryset
    held = roles(user)
    visible = queryset.none()
    if Role.LANDING in held and user.unit_id:
        visible = queryset.filter(landing_unit_id=user.unit_id)
    if Role.EVALUATOR in held:
        assigned = granted(user, "projects.view_project", Project.objects.all()).values("pk")
        visible = visible | queryset.filter(pk__in=assigned)
    return visible


def _shared_library(user, queryset):
    """The shared libraries: every business role reads them; administrators do not need them."""
    return queryset if has_role(user, *BUSINESS_ROLES) else queryset.none()


for _model in (Company, Partner, Industry, LandParcel, FactorySpace, EnergyQuota, Filing, Allocation):
    scope(_model)(_shared_library)


@scope(Attachment)
@scope(StageChange)
def project_parts_visible(user, queryset):
    if has_role(user, *SEE_ALL_PROJECTS):
        return queryset  # every project: no join to the project ids (it would filter nothing)
    return queryset.filter(project__in=projects_visible(user, Project.objects.all()))


def unit_tallies_visible(user, queryset):
    """The dashboards' tallies (counts per landing unit): every unit's for the roles that see every project, a
    landing unit's own; the other roles (an evaluator's assigned projects) are not a whole unit's."""
    if has_role(user, *SEE_ALL_PROJECTS):
        return queryset
    if has_role(user, Role.LANDING) and user.unit_id:
        return queryset.filter(landing_unit_id=user.unit_id)
    return queryset.none()


scope(StageTally)(unit_tallies_visible)


@rule("projects.view", writes=False)
def view_projects(user, obj):
    if has_role(user, *BUSINESS_ROLES):
        return allow()
    return deny(_("Your role does not work with projects."))


@rule("project.create", writes=True)
def create_project(user, obj):
    if has_role(user, Role.CENTRE, Role.LANDING):
        return allow()
    return deny(_("Only the centre and landing units register projects."))


def _landing_unit_of(user, project):
    return has_role(user, Role.LANDING) and project.landing_unit_id == user.unit_id


@rule("project.edit", writes=True)
def edit_project(user, project):
    if project is not None and not project.is_live:
        return deny(
            _("The project is %(stage)s; it can no longer be changed.") % {"stage": project.get_stage_display()}
        )
    if has_role(user, Role.CENTRE):
        return allow()
    if project is None and has_role(user, Role.LANDING):
        return allow()
    if project is not None and _landing_unit_of(user, project):
        return allow()
    return deny(_("Only the centre and the project's landing unit change a project."))


@rule("project.transition", writes=True)
def transition_project(user, project):
    return edit_project(user, project)


@rule("company.manage", writes=True)
def manage_company(user, obj):
    if has_role(user, Role.CENTRE, Role.LANDING):
        return allow()
    return deny(_("Only the centre and landing units register investors."))


@rule("partner.manage", writes=True)
def manage_partner(user, obj):
    if has_role(user, Role.CENTRE):
        return allow()
    return deny(_("Only the centre keeps the registry of channels and partners."))


@rule("parcel.manage", writes=True)
def manage_parcel(user, obj):
    if is_bureau(user, Unit.Bureau.NATURAL_RESOURCES):
        return allow()
    return deny(_("Land parcels belong to the Natural Resources and Planning Bureau."))


@rule("factory_space.manage", writes=True)
def manage_factory_space(user, obj):
    if is_bureau(user, Unit.Bureau.ECONOMY):
        return allow()
    return deny(_("Standard factory space belongs to the Economy and Information Technology Bureau."))


@rule("energy_quota.manage", writes=True)
def manage_energy_quota(user, obj):
    if is_bureau(user, Unit.Bureau.ECONOMY):
        return allow()
    return deny(_("Energy-use quotas belong to the Economy and Information Technology Bureau."))


@rule("filing.manage", writes=True)
def manage_filing(user, obj):
    if is_bureau(user, Unit.Bureau.DEVELOPMENT):
        return allow()
    return deny(_("Project filing codes belong to the Development and Reform Bureau."))


@scope(ImportJob)
def imports_visible(user, queryset):
    return queryset.filter(user=user)
