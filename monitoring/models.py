from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Unit
from projects.models import Company, LandParcel, Project

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class LandContract(models.Model):
    """出让合同: the land-transfer contract, owned by 资规局."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="land_contracts")
    parcel = models.ForeignKey(
        LandParcel,
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="land_contracts",
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    price = models.DecimalField(_("price (yuan)"), max_digits=16, decimal_places=2, validators=NON_NEGATIVE)
    signed_on = models.DateField(_("signed on"))
    delivery_date = models.DateField(_("delivery date"))
    construction_start_deadline = models.DateField(_("construction must start by"))
    completion_deadline = models.DateField(_("construction must complete by"))
    production_deadline = models.DateField(_("production must start by"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("land-transfer contract")
        verbose_name_plural = _("land-transfer contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery_date__gte=F("signed_on"))
                & Q(construction_start_deadline__gte=F("delivery_date"))
                & Q(completion_deadline__gte=F("construction_start_deadline")),
                name="land_contract_dates_in_order",
                violation_error_message=_("Dates must run: signing ≤ delivery ≤ construction start ≤ completion."),
            ),
            models.CheckConstraint(
                condition=Q(production_deadline__isnull=True) | Q(production_deadline__gte=F("completion_deadline")),
                name="land_contract_production_after_completion",
                violation_error_message=_("Production cannot be due before completion."),
            ),
        ]

    def __str__(self):
        return self.number


class PerformanceAgreement(models.Model):
    """履约协议: what the investor commits per 亩 and per unit of energy, and the remedies for breach."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="performance_agreement")
    number = models.CharField(_("agreement number"), max_length=50, unique=True)
    signed_on = models.DateField(_("signed on"))
    investment_per_mu = models.DecimalField(
        _("investment per mu (yuan)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    tax_per_mu = models.DecimalField(
        _("tax per mu (yuan a year)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    value_added_per_energy = models.DecimalField(
        _("value added per tce of energy (yuan)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    value_added_per_mu = models.DecimalField(
        _("value added per mu (yuan a year)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    rd_share = models.DecimalField(
        _("R&D spending share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[*NON_NEGATIVE, MaxValueValidator(Decimal(100))],
    )
    liquidated_damages = models.CharField(_("liquidated damages"), max_length=200, blank=True)
    repay_incentives = models.BooleanField(_("incentives repaid on breach"), default=True)
    land_taken_back = models.BooleanField(_("land taken back on serious breach"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("performance agreement")
        verbose_name_plural = _("performance agreements")

    def __str__(self):
        return self.number


class Checkpoint(models.Model):
    """A check of the agreement in a year after production starts (1 to 7)."""

    agreement = models.ForeignKey(PerformanceAgreement, on_delete=models.CASCADE, related_name="checkpoints")
    year = models.PositiveSmallIntegerField(
        _("year after production"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    description = models.CharField(_("what is checked"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "year"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="checkpoint_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1, year__lte=7), name="checkpoint_year_1_to_7"),
        ]

    def __str__(self):
        return f"{self.agreement} Y{self.year}"


class Indicator(models.TextChoices):
    INVESTMENT = "investment", _("Fixed-asset investment to date (yuan)")
    TAX = "tax", _("Tax paid in the year (yuan)")
    ENERGY = "energy", _("Energy used in the year (tce)")
    VALUE_ADDED = "value_added", _("Value added in the year (yuan)")
    OUTPUT = "output", _("Output value in the year (yuan)")
    RD = "rd", _("R&D spending in the year (yuan)")


# Which bureau supplies each indicator (DESIGN section 5).
INDICATOR_BUREAU = {
    Indicator.INVESTMENT: Unit.Bureau.DEVELOPMENT,
    Indicator.TAX: Unit.Bureau.TAX,
    Indicator.ENERGY: Unit.Bureau.ECONOMY,
    Indicator.OUTPUT: Unit.Bureau.ECONOMY,
    Indicator.VALUE_ADDED: Unit.Bureau.STATISTICS,
    Indicator.RD: Unit.Bureau.STATISTICS,
}


class IndicatorValue(models.Model):
    """One version of a project's indicator for a year. A correction is a new version; the history stays."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        IMPORT = "import", _("Spreadsheet import")
        API = "api", _("API")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="indicator_values")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    version = models.PositiveIntegerField(_("version"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, validators=NON_NEGATIVE)
    is_current = models.BooleanField(_("current"), default=True)
    supplied_by = models.ForeignKey(Unit, verbose_name=_("supplied by"), on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FORM)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "indicator", "year", "-version"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator", "year", "version"], name="indicator_value_version_unique"
            ),
            models.UniqueConstraint(
                fields=["project", "indicator", "year"],
                condition=Q(is_current=True),
                name="indicator_value_one_current",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="indicator_year_idx")]

    def __str__(self):
        return f"{self.project_id} {self.indicator} {self.year} v{self.version}"


class GradeBands(models.Model):
    """The grade bands and weights of the per-亩 evaluation, in force from a date. Data, not code."""

    effective_from = models.DateField(_("in force from"), unique=True)
    a_from = models.DecimalField(
        _("A from (percent of commitment)"), max_digits=6, decimal_places=2, default=Decimal(100)
    )
    b_from = models.DecimalField(
        _("B from (percent of commitment)"), max_digits=6, decimal_places=2, default=Decimal(80)
    )
    c_from = models.DecimalField(
        _("C from (percent of commitment)"), max_digits=6, decimal_places=2, default=Decimal(60)
    )
    weight_investment = models.DecimalField(
        _("weight: investment per mu"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    weight_tax = models.DecimalField(_("weight: tax per mu"), max_digits=5, decimal_places=2, default=Decimal(1))
    weight_energy = models.DecimalField(
        _("weight: value added per tce"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("grade bands")
        verbose_name_plural = _("grade bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_from__gte=F("b_from")) & Q(b_from__gte=F("c_from")),
                name="grade_bands_descending",
                violation_error_message=_("Bands must descend: A ≥ B ≥ C."),
            )
        ]

    def __str__(self):
        return str(self.effective_from)


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class AnnualGrade(models.Model):
    """A supervised project's recorded grade for a year after production (1 to 7), written by the grading
    sweep from the current indicator values; re-grading after a correction updates it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="grades")
    year = models.PositiveSmallIntegerField(_("year"))
    year_after_production = models.PositiveSmallIntegerField(_("year after production"))
    investment_ratio = models.DecimalField(_("investment per mu (%)"), max_digits=10, decimal_places=1, null=True)
    tax_ratio = models.DecimalField(_("tax per mu (%)"), max_digits=10, decimal_places=1, null=True)
    energy_ratio = models.DecimalField(_("value added per tce (%)"), max_digits=10, decimal_places=1, null=True)
    ratio = models.DecimalField(_("overall (%)"), max_digits=10, decimal_places=1)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    bands = models.ForeignKey(GradeBands, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    graded_at = models.DateTimeField(_("graded"))
    run = models.ForeignKey("core.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("annual grade")
        verbose_name_plural = _("annual grades")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="annual_grade_once_per_year"),
            # Year 8 and later are not graded: the database refuses them.
            models.CheckConstraint(
                condition=Q(year_after_production__gte=1, year_after_production__lte=7),
                name="annual_grade_years_1_to_7",
            ),
        ]
        indexes = [models.Index(fields=["year", "grade"], name="annual_grade_year_idx")]

    def __str__(self):
        return f"{self.project_id} {self.year} {self.grade}"


# What each piece of a finding's evidence is, for the page (the checks store the keys).
EVIDENCE_LABELS = {
    "year": _("Year"),
    "year_after_production": _("Year after production"),
    "grade": _("Grade"),
    "ratio": _("Overall (percent of the commitment)"),
    "investment_per_mu": _("Investment per mu (percent of the commitment)"),
    "tax_per_mu": _("Tax per mu (percent of the commitment)"),
    "value_added_per_energy": _("Value added per tce (percent of the commitment)"),
    "missing": _("Missing indicators"),
    "milestone": _("Milestone"),
    "date": _("Date"),
    "contract": _("Contract number"),
    "checkpoint": _("Checkpoint"),
    "equity_change": _("Equity change record"),
    "registered_on": _("Registered on"),
    "share": _("Share transferred (percent)"),
    "within_12_months": _("Transferred within 12 months (percent)"),
    "change_of_control": _("Change of control"),
}


class Finding(models.Model):
    """A shortfall, overdue milestone or breach found by a check. One per project, kind and period."""

    class Kind(models.TextChoices):
        MISSING_DATA = "missing_data", _("Missing indicator data")
        RECTIFICATION = "rectification", _("Below commitment: rectification")
        BREACH = "breach", _("Breach of the agreement")
        MILESTONE_APPROACHING = "milestone_approaching", _("Milestone approaching")
        MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
        DISGUISED_RESALE = "disguised_resale", _("Suspected disguised land resale")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RECTIFYING = "rectifying", _("Rectifying")
        RESOLVED = "resolved", _("Resolved")
        WAIVED = "waived", _("Waived (fault tolerance)")
        ESCALATED = "escalated", _("Escalated")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    owner = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="findings")
    co_owner = models.ForeignKey(
        Unit,
        verbose_name=_("also owned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_owned_findings",
    )
    evidence = models.JSONField(_("evidence"), default=dict)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by_run = models.ForeignKey(
        "core.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exemption = models.ForeignKey(
        "decisions.Exemption",
        verbose_name=_("fault-tolerance exemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waived_findings",
    )
    history = HistoricalRecords()

    CLOSED = (Status.RESOLVED, Status.WAIVED)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "period"], name="finding_once_per_project_kind_period")
        ]
        indexes = [models.Index(fields=["status", "severity"], name="finding_status_idx")]

    def __str__(self):
        return f"{self.project_id} {self.get_kind_display()} {self.period}"

    @property
    def evidence_items(self):
        """The evidence as (label, value) pairs, labelled in the reader's language."""

        def shown(value):
            if isinstance(value, bool):
                return _("yes") if value else _("no")
            if isinstance(value, list):  # indicators
                return "、".join(str(Indicator(v).label) if v in Indicator.values else str(v) for v in value)
            return value

        return [(EVIDENCE_LABELS.get(key, key), shown(value)) for key, value in (self.evidence or {}).items()]

    @property
    def period_label(self):
        """The period as people read it: a year, a milestone and its date, or a checkpoint and its year."""
        name, _sep, rest = self.period.partition(":")
        if not rest:
            return self.period
        if name == "checkpoint":
            n, _sep, year = rest.partition(":")
            return _("Checkpoint, year %(n)s (%(year)s)") % {"n": n, "year": year}
        labels = {
            "delivery": _("Land delivery"),
            "construction_start": _("Construction start"),
            "completion": _("Completion"),
            "production": _("Production start"),
        }
        return f"{labels.get(name, name)} {rest}"


class FindingAction(models.Model):
    """One step of a finding's handling: who moved it from what status to what, when and why."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    from_status = models.CharField(_("from"), max_length=12, choices=Finding.Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Finding.Status.choices)
    # No actor: the compliance engine closed it (the data arrived, the milestone was reached).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"))
    run = models.ForeignKey("core.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    exemption = models.ForeignKey(
        "decisions.Exemption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("finding action")
        verbose_name_plural = _("finding actions")

    def __str__(self):
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


class EquityChange(models.Model):
    """A shareholder change of a land-holding company, from market-regulation (市场监管) records."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="equity_changes")
    registered_on = models.DateField(_("registered on"))
    transferor = models.CharField(_("transferor"), max_length=200)
    transferee = models.CharField(_("transferee"), max_length=200)
    share = models.DecimalField(
        _("share transferred (percent)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    change_of_control = models.BooleanField(_("change of control"), default=False)
    approved = models.BooleanField(_("approved beforehand"), default=False)
    approval_reference = models.CharField(_("approval reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("equity change")
        verbose_name_plural = _("equity changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved=False) | ~Q(approval_reference=""),
                name="equity_change_approval_has_reference",
                violation_error_message=_("An approved transfer names its approval."),
            ),
            # The same registration twice (a file imported again) is one record.
            models.UniqueConstraint(
                fields=["company", "registered_on", "transferor", "transferee", "share"],
                name="equity_change_once",
            ),
        ]

    def __str__(self):
        return f"{self.company} {self.registered_on} {self.share}%"


class MonitoringRules(models.Model):
    """Settings of the compliance checks, in force from a date."""

    effective_from = models.DateField(_("in force from"), unique=True)
    milestone_warning_days = models.PositiveSmallIntegerField(_("warn this many days before a milestone"), default=30)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("monitoring rules")
        verbose_name_plural = _("monitoring rules")

    def __str__(self):
        return str(self.effective_from)


class FindingTally(models.Model):
    """Active findings per landing unit of the project, owner unit and severity: the dashboards' read model,
    counted again wherever findings change (``core.tallies``); never edited by hand."""

    landing_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    severity = models.CharField(max_length=10, choices=Finding.Severity.choices)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["landing_unit", "owner", "severity"], name="finding_tally_once")]

    def __str__(self):
        return f"{self.landing_unit_id} {self.owner_id} {self.severity}: {self.n}"


class GradeTally(models.Model):
    """Graded projects per landing unit, year and grade: the dashboards' read model (``core.tallies``)."""

    landing_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=1, choices=Grade.choices)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["landing_unit", "year", "grade"], name="grade_tally_once")]

    def __str__(self):
        return f"{self.landing_unit_id} {self.year} {self.grade}: {self.n}"
