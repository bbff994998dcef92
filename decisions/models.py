from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.errors import ApplicationError
from projects.models import Project, Tier


class ImmutableError(ApplicationError):
    status_code = 409


class TierRuleSet(models.Model):
    """The thresholds of the tiered decision, in force from a date. Data, not code."""

    effective_from = models.DateField(_("in force from"), unique=True)
    major_land_mu = models.DecimalField(
        _("major: land at least (mu)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(200),
        validators=[MinValueValidator(Decimal(0))],
    )
    major_investment = models.DecimalField(
        _("major: total investment at least (yuan)"), max_digits=16, decimal_places=2, default=Decimal(1_000_000_000)
    )
    office_land_mu = models.DecimalField(
        _("committee office: land at least (mu)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0))],
    )
    office_investment = models.DecimalField(
        _("committee office: total investment at least (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal(100_000_000),
    )
    local_filing_working_days = models.PositiveSmallIntegerField(
        _("landing-unit decisions filed within (working days)"), default=10
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("tier rule set")
        verbose_name_plural = _("tier rule sets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office_land_mu__lte=models.F("major_land_mu"))
                & models.Q(office_investment__lte=models.F("major_investment")),
                name="tier_rules_office_below_major",
                violation_error_message=_("The committee-office thresholds must not exceed the major ones."),
            )
        ]

    def __str__(self):
        return str(_("Tier rules from %(date)s") % {"date": self.effective_from})


class Step(models.TextChoices):
    CONSULTATION = "consultation", _("Joint consultation (会商)")
    REVIEW = "review", _("Project review (评审)")
    MAYOR = "mayor", _("Mayor's special meeting")
    SECRETARY = "secretary", _("Party secretary's special meeting")
    EXECUTIVE = "executive", _("Municipal executive meeting")
    OFFICE = "office", _("Committee-office decision")
    LOCAL = "local", _("Landing-unit decision")


# The fixed chain of each tier (DESIGN section 4). The last step decides.
CHAINS = {
    Tier.MAJOR: [Step.CONSULTATION, Step.REVIEW, Step.MAYOR, Step.SECRETARY, Step.EXECUTIVE],
    Tier.OFFICE: [Step.CONSULTATION, Step.OFFICE],
    Tier.LOCAL: [Step.LOCAL],
}


class Submission(models.Model):
    """One submission of a project for decision. A return ends it; a resubmission opens the next round."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="submissions")
    round = models.PositiveSmallIntegerField(_("round"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    submitted_on = models.DateField(_("submission date"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rule_set = models.ForeignKey(TierRuleSet, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    tier_reasons = models.JSONField(_("why this tier"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-round"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="submission_round_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="open"), name="submission_one_open_per_project"
            ),
        ]

    def __str__(self):
        return f"{self.project.code} #{self.round}"

    @property
    def chain(self):
        return CHAINS[self.tier]


class StepRecord(models.Model):
    """A step of the chain, taken at a meeting: its outcome and who recorded it."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passed")
        RETURN = "return", _("Returned")
        REJECT = "reject", _("Rejected")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "recorded_at", "id"]
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        constraints = [models.UniqueConstraint(fields=["submission", "step"], name="step_once_per_submission")]

    def __str__(self):
        return f"{self.submission} {self.get_step_display()}: {self.get_outcome_display()}"


class Minute(models.Model):
    """Meeting minutes 会议纪要. Immutable once issued (service and database); corrected by superseding."""

    number = models.CharField(_("minute number"), max_length=50)
    step_record = models.ForeignKey(StepRecord, on_delete=models.PROTECT, related_name="minutes")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="minutes")
    meeting = models.CharField(_("meeting"), max_length=20, choices=Step.choices)
    meeting_date = models.DateField(_("meeting date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False, blank=True)  # set from meeting_date
    chair = models.CharField(_("chair"), max_length=100)
    attendees = models.TextField(_("attendees"))
    conclusion = models.TextField(_("conclusion"))
    conditions = models.TextField(_("conditions"), blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting_date", "-id"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "year", "number"],
                name="minute_number_unique_per_meeting_year",
                violation_error_message=_("This number is already used by a minute of this meeting type in this year."),
            )
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(_("Issued minutes cannot be changed; issue a superseding minute instead."))
        self.year = self.meeting_date.year
        super().save(*args, **kwargs)

    def clean(self):
        if self.meeting_date:
            self.year = self.meeting_date.year

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Issued minutes cannot be deleted; issue a superseding minute instead."))

    @property
    def is_current(self):
        return not hasattr(self, "superseded_by")


class PreferentialTerm(models.Model):
    """A preferential term granted in issued minutes; the incentives capability binds payments to it."""

    class Kind(models.TextChoices):
        LAND_PRICE = "land_price", _("Land price")
        INVESTMENT_SUBSIDY = "investment_subsidy", _("Investment subsidy")
        TAX_REWARD = "tax_reward", _("Tax contribution reward")
        TALENT = "talent", _("Talent")
        FINANCE = "finance", _("Financing support")
        OTHER = "other", _("Other")

    minute = models.ForeignKey(Minute, on_delete=models.PROTECT, related_name="terms")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    rate = models.DecimalField(
        _("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    clause = models.CharField(_("policy clause"), max_length=200, help_text=_("Or “一事一议” (case by case)."))
    conditions = models.TextField(_("conditions"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["minute", "id"]
        verbose_name = _("preferential term")
        verbose_name_plural = _("preferential terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=False) | models.Q(rate__isnull=False),
                name="term_amount_or_rate",
                violation_error_message=_("A term gives an amount or a rate."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.clause}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(_("Terms of issued minutes cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Terms of issued minutes cannot be deleted."))


class EvaluationMember(models.Model):
    """A member of a major project's evaluation group (object permission on the project)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="evaluation_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations")
    is_lead = models.BooleanField(_("group lead"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation group member")
        verbose_name_plural = _("evaluation group members")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="evaluation_member_once")]

    def __str__(self):
        return f"{self.user} @ {self.project.code}"


class Dimension(models.TextChoices):
    """The seven dimensions of the seed's pre-evaluation opinion."""

    INVESTOR = "investor", _("Investor background")
    MARKET = "market", _("Market share")
    TECHNOLOGY = "technology", _("Technological advancement")
    FINANCE = "finance", _("Financial feasibility")
    OUTPUT = "output", _("Output benefits")
    POLICY = "policy", _("Policy demands")
    ECOLOGY = "ecology", _("Ecological and environmental impact")


class Rating(models.TextChoices):
    GOOD = "good", _("Favourable")
    FAIR = "fair", _("Acceptable")
    POOR = "poor", _("Unfavourable")


class EvaluationOpinion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="evaluation_opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ratings = models.JSONField(_("ratings"), help_text=_("{dimension: {rating, text}} for all seven dimensions."))
    conclusion = models.TextField(_("conclusion"))
    recommend = models.BooleanField(_("recommended for decision"))
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("pre-evaluation opinion")
        verbose_name_plural = _("pre-evaluation opinions")

    def __str__(self):
        return f"{self.project.code} {self.author}"


class Exemption(models.Model):
    """Fault tolerance 容错纠错: the project failed although its officials acted by the rules."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="exemptions")
    officials = models.CharField(_("officials concerned"), max_length=200)
    reason = models.TextField(_("why the rules were followed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("fault-tolerance exemption")
        verbose_name_plural = _("fault-tolerance exemptions")

    def __str__(self):
        return f"{self.project.code}: {self.get_status_display()}"
