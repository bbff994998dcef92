from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import Unit
from projects.stages import LIVE_STAGES, PATHS, Stage
from projects.validators import validate_national_project_code, validate_uscc

MONEY = {"max_digits": 16, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class Industry(models.Model):
    """GB/T 4754-2017: a section (门类, "C") or a division (大类, "39") under it."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    section = models.ForeignKey(
        "self", verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="divisions"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.section.code if self.section_id else ''}{self.code} {self.name}"

    @property
    def is_section(self):
        return self.section_id is None


class Company(models.Model):
    """An investor 投资主体. A company may hold several projects."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    registered_capital = models.DecimalField(
        _("registered capital (yuan)"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    parent_group = models.CharField(_("parent group"), max_length=200, blank=True)
    is_foreign_invested = models.BooleanField(_("foreign-invested"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name

    def clean(self):
        self.uscc = (self.uscc or "").strip().upper()


class Channel(models.TextChoices):
    REFERRAL = "referral", _("Business referral (以商引商)")
    AGENCY = "agency", _("Professional agency")
    AMBASSADOR = "ambassador", _("Investment ambassador or adviser")
    CHAMBER = "chamber", _("Out-of-town chamber of commerce")
    ALUMNI = "alumni", _("Alumni association")
    OVERSEAS = "overseas", _("Overseas Chinese")
    NOTABLE = "notable", _("Local notable")
    DIRECT = "direct", _("Direct visit")


class Partner(models.Model):
    """Someone who brings leads: an agency, an ambassador, a chamber, a referring enterprise …"""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Referring enterprise")
        AGENCY = "agency", _("Professional agency")
        AMBASSADOR = "ambassador", _("Investment ambassador")
        ADVISER = "adviser", _("Investment adviser")
        CHAMBER = "chamber", _("Out-of-town chamber of commerce")
        ALUMNI = "alumni", _("Alumni association")
        OVERSEAS = "overseas", _("Overseas Chinese contact")
        NOTABLE = "notable", _("Local notable")

    # Which channel each kind of partner brings leads through.
    CHANNEL_OF_KIND = {
        Kind.ENTERPRISE: Channel.REFERRAL,
        Kind.AGENCY: Channel.AGENCY,
        Kind.AMBASSADOR: Channel.AMBASSADOR,
        Kind.ADVISER: Channel.AMBASSADOR,
        Kind.CHAMBER: Channel.CHAMBER,
        Kind.ALUMNI: Channel.ALUMNI,
        Kind.OVERSEAS: Channel.OVERSEAS,
        Kind.NOTABLE: Channel.NOTABLE,
    }

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    agreement_start = models.DateField(_("cooperation agreement from"), null=True, blank=True)
    agreement_end = models.DateField(_("cooperation agreement until"), null=True, blank=True)
    agreement_terms = models.TextField(_("agreement terms"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_end__isnull=True)
                | Q(agreement_start__isnull=True)
                | Q(agreement_end__gte=models.F("agreement_start")),
                name="partner_agreement_dates_ordered",
                violation_error_message=_("The agreement cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def channel(self):
        return self.CHANNEL_OF_KIND[self.kind]


class LandMode(models.TextChoices):
    NEW_LAND = "new_land", _("New land supply")
    EXISTING_FACTORY = "existing_factory", _("Existing factory")
    LEASE = "lease", _("Lease")
    NO_LAND = "no_land", _("No land")


class Tier(models.TextChoices):
    MAJOR = "major", _("Major, case by case (一事一议)")
    OFFICE = "office", _("Committee-office decision")
    LOCAL = "local", _("Landing-unit decision")


class Project(models.Model):
    """An attracted investment project 招商项目, from first lead to the end of supervision."""

    code = models.CharField(_("project number"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("project name"), max_length=200)
    investor = models.ForeignKey(Company, verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects")
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"section__isnull": False},
    )
    landing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("landing unit"),
        on_delete=models.PROTECT,
        related_name="landed_projects",
        limit_choices_to={"kind__in": Unit.LANDING_KINDS},
    )
    attracting_unit = models.ForeignKey(
        Unit, verbose_name=_("attracting unit"), on_delete=models.PROTECT, related_name="attracted_projects"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    total_investment = models.DecimalField(_("total investment (yuan)"), validators=NON_NEGATIVE, **MONEY)
    foreign_capital_usd = models.DecimalField(
        _("foreign capital (USD)"), default=Decimal(0), validators=NON_NEGATIVE, **MONEY
    )
    land_mode = models.CharField(_("land mode"), max_length=20, choices=LandMode.choices)
    land_area_m2 = models.DecimalField(
        _("land area (m²)"), max_digits=14, decimal_places=2, default=Decimal(0), validators=NON_NEGATIVE
    )
    expected_annual_output = models.DecimalField(
        _("expected annual output (yuan)"), default=Decimal(0), validators=NON_NEGATIVE, **MONEY
    )
    expected_annual_tax = models.DecimalField(
        _("expected annual tax (yuan)"), default=Decimal(0), validators=NON_NEGATIVE, **MONEY
    )
    is_profit_reinvestment = models.BooleanField(_("profit reinvestment"), default=False)
    is_key_chain = models.BooleanField(_("drives a key industrial chain"), default=False)
    description = models.TextField(_("description"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    tier = models.CharField(_("decision tier"), max_length=10, choices=Tier.choices, blank=True)
    stage = FSMField(_("stage"), default=Stage.LEAD, choices=Stage.choices, protected=False, db_index=True)
    stage_changed_at = models.DateTimeField(_("stage since"), auto_now_add=True)
    production_start_date = models.DateField(_("production start date"), null=True, blank=True)
    terminated_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["landing_unit", "stage"], name="project_unit_stage_idx"),
            models.Index(fields=["channel", "created_at"], name="project_channel_idx"),
            # The lists' orderings (bench/out/api_explain_<size>.txt): newest first (the default; id breaks
            # ties), and the sortable name and investment columns; without them every page sorts the table.
            models.Index(fields=["created_at", "id"], name="project_created_idx"),
            models.Index(fields=["name"], name="project_name_idx"),
            models.Index(fields=["total_investment"], name="project_investment_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(land_mode__in=["new_land", "existing_factory", "lease"]) | Q(land_area_m2=0),
                name="project_no_land_no_area",
                violation_error_message=_("A project that uses no land has no land area."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_live(self):
        return self.stage in LIVE_STAGES

    # The transitions. Guards (projects.stages.guard) are checked by the service before these run.
    @transition(field=stage, source=PATHS[0][0], target=PATHS[0][1])
    def _to_negotiating(self):
        pass

    @transition(field=stage, source=PATHS[1][0], target=PATHS[1][1])
    def _to_pre_evaluation(self):
        pass

    @transition(field=stage, source=PATHS[2][0], target=PATHS[2][1])
    def _to_awaiting_decision(self):
        pass

    @transition(field=stage, source=PATHS[3][0], target=PATHS[3][1])
    def _to_approved(self):
        pass

    @transition(field=stage, source=PATHS[4][0], target=PATHS[4][1])
    def _to_rejected(self):
        pass

    @transition(field=stage, source=PATHS[5][0], target=PATHS[5][1])
    def _to_returned(self):
        pass

    @transition(field=stage, source=PATHS[6][0], target=PATHS[6][1])
    def _to_signed(self):
        pass

    @transition(field=stage, source=PATHS[7][0], target=PATHS[7][1])
    def _to_land_supplied(self):
        pass

    @transition(field=stage, source=PATHS[8][0], target=PATHS[8][1])
    def _to_construction(self):
        pass

    @transition(field=stage, source=PATHS[9][0], target=PATHS[9][1])
    def _to_completed(self):
        pass

    @transition(field=stage, source=PATHS[10][0], target=PATHS[10][1])
    def _to_in_production(self):
        pass

    @transition(field=stage, source=PATHS[11][0], target=PATHS[11][1])
    def _to_operating(self):
        pass

    @transition(field=stage, source=PATHS[12][0], target=PATHS[12][1])
    def _to_supervision_ended(self):
        pass

    @transition(field=stage, source=LIVE_STAGES, target=Stage.TERMINATED)
    def _to_terminated(self):
        pass


class StageChange(models.Model):
    """One step of a project's timeline. Written once, never changed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


def attachment_path(instance, filename):
    # The stored name is ours, never the uploader's: no traversal, no clashes.
    return f"projects/{instance.project_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        CONTRACT = "contract", _("Contract or agreement")
        DUE_DILIGENCE = "due_diligence", _("Due diligence")
        REPORT = "report", _("Evaluation report")
        MINUTES = "minutes", _("Minutes")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ResourceStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    SUPPLIED = "supplied", _("Supplied")


class LandParcel(models.Model):
    """A land parcel 地块 of the resource library, owned by 资规局."""

    code = models.CharField(_("parcel code"), max_length=40, unique=True)
    location = models.CharField(_("location"), max_length=200)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    planned_use = models.CharField(_("planned use"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.AVAILABLE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")

    def __str__(self):
        return f"{self.code} {self.location}"


class FactorySpace(models.Model):
    """Standard factory space 标准厂房, owned by 经信局."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    location = models.CharField(_("location"), max_length=200)
    area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.AVAILABLE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("factory space")
        verbose_name_plural = _("factory space")

    def __str__(self):
        return f"{self.code} {self.location}"


class EnergyQuota(models.Model):
    """An energy-use quota 能耗指标 (tonnes of standard coal a year), owned by 经信局."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200)
    amount_tce = models.DecimalField(_("amount (tce/year)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.AVAILABLE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("energy-use quota")
        verbose_name_plural = _("energy-use quotas")

    def __str__(self):
        return f"{self.code} {self.description}"


class Allocation(models.Model):
    """A resource held by a project. A resource has at most one active allocation: the database says so."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations")
    parcel = models.ForeignKey(LandParcel, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    factory_space = models.ForeignKey(
        FactorySpace, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    energy_quota = models.ForeignKey(
        EnergyQuota, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    allocated_at = models.DateTimeField(_("allocated"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-allocated_at", "-id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(parcel__isnull=False, factory_space__isnull=True, energy_quota__isnull=True)
                    | Q(parcel__isnull=True, factory_space__isnull=False, energy_quota__isnull=True)
                    | Q(parcel__isnull=True, factory_space__isnull=True, energy_quota__isnull=False)
                ),
                name="allocation_exactly_one_resource",
            ),
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(released_at__isnull=True, parcel__isnull=False),
                name="allocation_one_active_per_parcel",
            ),
            models.UniqueConstraint(
                fields=["factory_space"],
                condition=Q(released_at__isnull=True, factory_space__isnull=False),
                name="allocation_one_active_per_factory_space",
            ),
            models.UniqueConstraint(
                fields=["energy_quota"],
                condition=Q(released_at__isnull=True, energy_quota__isnull=False),
                name="allocation_one_active_per_energy_quota",
            ),
        ]

    def __str__(self):
        return f"{self.resource} → {self.project_id}"

    @property
    def resource(self):
        return self.parcel or self.factory_space or self.energy_quota


class Filing(models.Model):
    """The investment project library 投资项目库: a project's approval, verification or filing record."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Approval (审批)")
        VERIFICATION = "verification", _("Verification (核准)")
        FILING = "filing", _("Filing (备案)")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FILING)
    national_code = models.CharField(
        _("national project code"), max_length=24, unique=True, validators=[validate_national_project_code]
    )
    approving_unit = models.ForeignKey(
        Unit,
        verbose_name=_("approving bureau"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Unit.Kind.BUREAU},
    )
    date = models.DateField(_("date"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")

    def __str__(self):
        return self.national_code


class ProjectSequence(models.Model):
    """The last project number issued in a year; taken under a row lock so numbers never clash."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("project number sequence")
        verbose_name_plural = _("project number sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"


class ImportJob(models.Model):
    """An Excel import run by the worker: checked first (a trial run), imported once confirmed."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Ready to import")
        REFUSED = "refused", _("Refused")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    class Kind(models.TextChoices):
        PROJECTS = "projects", _("Projects")
        INDICATORS = "indicators", _("Indicator data")
        EQUITY_CHANGES = "equity_changes", _("Equity changes")

    kind = models.CharField(_("what is imported"), max_length=20, choices=Kind.choices, default=Kind.PROJECTS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows = models.PositiveIntegerField(_("projects in the file"), default=0)
    companies_new = models.PositiveIntegerField(_("new investors"), default=0)
    # What else the import counts, by kind (indicator data: new versions and unchanged values).
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self):
        return self.status in self.RUNNING


class StageTally(models.Model):
    """How many projects each landing unit has per stage and tier: the dashboards' read model, counted again
    wherever projects change (``core.tallies``); never edited by hand."""

    landing_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["landing_unit", "stage", "tier"], name="stage_tally_once")]

    def __str__(self):
        return f"{self.landing_unit_id} {self.stage} {self.tier}: {self.n}"
