"""Every change to projects and the shared libraries goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import can, require
from core.errors import ApplicationError
from projects.models import (
    Allocation,
    Attachment,
    Channel,
    Company,
    EnergyQuota,
    FactorySpace,
    Filing,
    LandParcel,
    Partner,
    Project,
    ProjectSequence,
    ResourceStatus,
    StageChange,
)
from projects.stages import PATHS, Stage, entered, missing_conditions

PROJECT_FIELDS = (
    "name",
    "investor",
    "industry",
    "landing_unit",
    "attracting_unit",
    "channel",
    "partner",
    "total_investment",
    "foreign_capital_usd",
    "land_mode",
    "land_area_m2",
    "expected_annual_output",
    "expected_annual_tax",
    "is_profit_reinvestment",
    "is_key_chain",
    "description",
    "contacts",
)
COMPANY_FIELDS = (
    "name",
    "uscc",
    "registered_capital",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "parent_group",
    "is_foreign_invested",
)
PARTNER_FIELDS = (
    "name",
    "kind",
    "contact_name",
    "contact_phone",
    "agreement_start",
    "agreement_end",
    "agreement_terms",
    "is_active",
)


def validated(instance, exclude=None):
    """full_clean, with errors turned into the application's error (field by field)."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ApplicationError(_("Please correct the errors below."), errors=exc.message_dict) from exc


def _assign(instance, fields, allowed):
    refused = set(fields) - set(allowed)
    if refused:
        raise ApplicationError(_("These fields cannot be set here."), errors={f: [_("Not editable.")] for f in refused})
    for name, value in fields.items():
        setattr(instance, name, value)


# Companies and partners -------------------------------------------------------------------------


@transaction.atomic
def company_create(*, actor, **fields):
    require(actor, "company.manage")
    company = Company()
    _assign(company, fields, COMPANY_FIELDS)
    validated(company)
    company.save()
    return company


@transaction.atomic
def company_update(*, actor, company, **fields):
    require(actor, "company.manage", company)
    _assign(company, fields, COMPANY_FIELDS)
    validated(company)
    company.save()
    return company


@transaction.atomic
def partner_create(*, actor, **fields):
    require(actor, "partner.manage")
    partner = Partner()
    _assign(partner, fields, PARTNER_FIELDS)
    validated(partner)
    partner.save()
    return partner


@transaction.atomic
def partner_update(*, actor, partner, **fields):
    require(actor, "partner.manage", partner)
    _assign(partner, fields, PARTNER_FIELDS)
    validated(partner)
    partner.save()
    return partner


# Projects ---------------------------------------------------------------------------------------


def _check_project(project):
    errors = {}
    if project.partner_id and project.partner.channel != project.channel:
        errors["partner"] = [
            _("This partner brings leads through “%(channel)s”, not the channel chosen.")
            % {"channel": Channel(project.partner.channel).label}
        ]
    if project.landing_unit_id and not project.landing_unit.is_landing_unit:
        errors["landing_unit"] = [_("The landing unit must be a town, subdistrict, platform or municipal company.")]
    if project.land_mode == "no_land" and project.land_area_m2:
        errors["land_area_m2"] = [_("A project that uses no land has no land area.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), errors=errors)


def next_project_codes(year, count=1):
    """Reserve ``count`` project numbers for ``year`` (CX2026-0001 …) under a row lock."""
    ProjectSequence.objects.get_or_create(year=year)
    sequence = ProjectSequence.objects.select_for_update().get(year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"CX{year}-{n:04d}" for n in range(first, first + count)]


@transaction.atomic
def project_create(*, actor, **fields):
    project = Project(created_by=actor)
    _assign(project, fields, PROJECT_FIELDS)
    require(actor, "project.create")
    require(actor, "project.edit", project)
    validated(project, exclude=["code"])
    _check_project(project)
    project.code = next_project_codes(timezone.localdate().year)[0]
    project.save()
    StageChange.objects.create(
        project=project, from_stage="", to_stage=project.stage, actor=actor, note=_("Registered")
    )
    return project


@transaction.atomic
def project_update(*, actor, project, **fields):
    require(actor, "project.edit", project)
    original_unit = project.landing_unit_id
    _assign(project, fields, PROJECT_FIELDS)
    if project.landing_unit_id != original_unit:
        # Moving a project to another unit is for the centre only.
        require(actor, "project.edit", project)
    validated(project)
    _check_project(project)
    project.save()
    return project


TRANSITION_METHODS = {target: f"_to_{target}" for _sources, target in PATHS} | {Stage.TERMINATED: "_to_terminated"}
# Entered only through the decision workflow (decisions app), which calls ``project_move`` itself.
DECISION_TARGETS = frozenset({Stage.APPROVED, Stage.REJECTED, Stage.RETURNED})


def transitions_from(stage):
    targets = [target for sources, target in PATHS if stage in sources]
    if stage not in (Stage.REJECTED, Stage.SUPERVISION_ENDED, Stage.TERMINATED):
        targets.append(Stage.TERMINATED)
    return [Stage(t) for t in targets]


def transition_check(*, user, project, target):
    """Whether ``user`` may move ``project`` to ``target`` now: (allowed, reasons)."""
    verdict = can(user, "project.transition", project)
    if not verdict:
        return False, [verdict.reason]
    if target not in transitions_from(project.stage):
        return False, [
            _("A project in stage “%(stage)s” cannot move to “%(target)s”.")
            % {"stage": project.get_stage_display(), "target": Stage(target).label}
        ]
    if target in DECISION_TARGETS:
        return False, [_("Decisions are recorded by the decision workflow, at its final meeting.")]
    reasons = missing_conditions(project, target)
    return not reasons, reasons


def project_move(*, actor, project, target, note=""):
    """Move the project along its state machine and record the step. Callers have checked the guards."""
    source = project.stage
    getattr(project, TRANSITION_METHODS[target])()
    project.stage_changed_at = timezone.now()
    project.save()
    StageChange.objects.create(project=project, from_stage=source, to_stage=target, actor=actor, note=note)
    entered(project, target, actor)
    return project


@transaction.atomic
def project_transition(*, actor, project, target, note="", production_start_date=None):
    """Move a project to ``target``; refused with the missing conditions named."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(actor, "project.transition", project)
    if target == Stage.TERMINATED and not note.strip():
        raise ApplicationError(_("Say why the project is terminated."), errors={"note": [_("A reason is required.")]})
    if target == Stage.IN_PRODUCTION and production_start_date is not None:
        project.production_start_date = production_start_date
    allowed, reasons = transition_check(user=actor, project=project, target=target)
    if not allowed:
        raise ApplicationError(
            _("The project cannot move yet: %(reasons)s") % {"reasons": "；".join(reasons)},
            errors={"target": reasons},
            status_code=409,
        )
    if target == Stage.TERMINATED:
        project.terminated_reason = note
    return project_move(actor=actor, project=project, target=target, note=note)


# Attachments ------------------------------------------------------------------------------------

ALLOWED_UPLOADS = {
    # extension: (content type, how the file starts)
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@transaction.atomic
def attachment_add(*, actor, project, uploaded_file, kind=Attachment.Kind.GENERAL):
    import secrets
    from pathlib import PurePath

    require(actor, "project.edit", project)
    name = PurePath(uploaded_file.name.replace("\\", "/")).name[:200]
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_UPLOADS:
        raise ApplicationError(
            _("Files of this type cannot be attached. Allowed: %(types)s.") % {"types": ", ".join(ALLOWED_UPLOADS)},
            errors={"file": [_("Type not allowed.")]},
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(_("The file is larger than 20 MB."), errors={"file": [_("Too large.")]})
    content_type, signatures = ALLOWED_UPLOADS[extension]
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ApplicationError(
            _("The file's content does not match its type %(ext)s.") % {"ext": extension},
            errors={"file": [_("Content does not match the type.")]},
        )
    attachment = Attachment(
        project=project,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
        token=secrets.token_hex(16),
        extension=extension,
    )
    attachment.file.save(f"upload{extension}", uploaded_file, save=False)
    attachment.save()
    return attachment


# The resource library and the investment project library -----------------------------------------

RESOURCE_MODELS = {
    "parcel": (LandParcel, "parcel.manage"),
    "factory_space": (FactorySpace, "factory_space.manage"),
    "energy_quota": (EnergyQuota, "energy_quota.manage"),
}


@transaction.atomic
def resource_create(*, actor, kind, **fields):
    model, action = RESOURCE_MODELS[kind]
    require(actor, action)
    resource = model(**fields)
    validated(resource)
    resource.save()
    return resource


@transaction.atomic
def resource_allocate(*, actor, project, resource, note=""):
    """Give ``resource`` to ``project``. A resource already held is refused, even by a concurrent request."""
    kind = {LandParcel: "parcel", FactorySpace: "factory_space", EnergyQuota: "energy_quota"}[type(resource)]
    require(actor, RESOURCE_MODELS[kind][1], resource)
    project = Project.objects.select_for_update().get(pk=project.pk)  # its stage as of now, held while we allocate
    if not project.is_live:
        raise ApplicationError(
            _("The project is %(stage)s; nothing can be allocated to it.") % {"stage": project.get_stage_display()}
        )
    resource = type(resource).objects.select_for_update().get(pk=resource.pk)
    holder = Allocation.objects.filter(**{kind: resource}, released_at__isnull=True).select_related("project").first()
    if holder is not None:
        raise ApplicationError(
            _("%(resource)s is already allocated to %(project)s.") % {"resource": resource, "project": holder.project},
            errors={"resource": [_("Already allocated.")]},
            status_code=409,
        )
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(project=project, allocated_by=actor, note=note, **{kind: resource})
    except IntegrityError as exc:
        raise ApplicationError(
            _("%(resource)s is already allocated.") % {"resource": resource},
            errors={"resource": [_("Already allocated.")]},
            status_code=409,
        ) from exc
    resource.status = ResourceStatus.SUPPLIED
    resource.save(update_fields=["status"])
    return allocation


@transaction.atomic
def allocation_release(*, actor, allocation):
    kind = {LandParcel: "parcel", FactorySpace: "factory_space", EnergyQuota: "energy_quota"}[type(allocation.resource)]
    require(actor, RESOURCE_MODELS[kind][1], allocation.resource)
    # The resource row first (as allocating does), then the allocation: a release racing a release or an
    # allocation of the same resource waits, and sees what the other committed.
    resource = type(allocation.resource).objects.select_for_update().get(pk=allocation.resource.pk)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.released_at is not None:
        raise ApplicationError(_("This allocation was already released."), status_code=409)
    allocation.released_at = timezone.now()
    allocation.save(update_fields=["released_at"])
    resource.status = ResourceStatus.AVAILABLE
    resource.save(update_fields=["status"])
    return allocation


@transaction.atomic
def filing_create(*, actor, project, kind, national_code, approving_unit, date):
    require(actor, "filing.manage")
    filing = Filing(
        project=project,
        kind=kind,
        national_code=(national_code or "").strip(),
        approving_unit=approving_unit,
        date=date,
    )
    validated(filing)
    filing.save()
    return filing
