"""Incentives 政策兑现: policies and their clauses, the yearly reward fund, a project's commitment items, the
disbursement requests against them, the append-only ledger every total is derived from, and claw-backs."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project
from projects.stages import Stage

POSITIVE = [MinValueValidator(Decimal("0.01"))]
# The floor of the yearly policy reward fund (DESIGN section 6): 1000 万元.
FUND_FLOOR = Decimal(10_000_000)


class Policy(models.Model):
    """A policy document 政策; a revision is a new version that supersedes the old one."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        TALENT = "talent", _("Talent")
        FINANCE = "finance", _("Finance")
        FOREIGN = "foreign", _("Foreign investment")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    document_number = models.CharField(_("document number"), max_length=100)
    issued_by = models.CharField(_("issued by"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(fields=["document_number", "version"], name="policy_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="policy_valid_dates_in_order",
                violation_error_message=_("A policy cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.document_number}）"

    def in_force_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Clause(models.Model):
    """A clause 条款 of a policy: what it rewards, by how much at most, and for whom."""

    class Reward(models.TextChoices):
        SUBSIDY = "subsidy", _("Investment subsidy")
        TAX_REWARD = "tax_reward", _("Tax contribution reward")
        TALENT = "talent", _("Talent reward")
        INTEREST = "interest", _("Interest subsidy")
        OTHER = "other", _("Other reward")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="clauses")
    number = models.CharField(_("clause"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    reward = models.CharField(_("kind of reward"), max_length=20, choices=Reward.choices)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("cap per project (yuan)"), max_digits=16, decimal_places=2, validators=POSITIVE)
    eligibility = models.TextField(_("eligibility"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="clause_number_unique")]

    def __str__(self):
        return f"{self.policy.name} {self.number}"


class Fund(models.Model):
    """The policy reward fund 政策奖励资金 of a year. Committed and paid are derived, never stored."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("policy reward fund")
        verbose_name_plural = _("policy reward funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=FUND_FLOOR),
                name="fund_budget_floor",
                violation_error_message=_("The fund's budget must be at least 10,000,000 yuan (1000 万元)."),
            )
        ]

    def __str__(self):
        return str(self.year)


class CommitmentItem(models.Model):
    """One item of a project's incentive commitment: bound to a clause or to a preferential term of issued
    minutes, with a cap, a condition and an earliest date, charged to a year's fund."""

    class Condition(models.TextChoices):
        STAGE = "stage", _("The project has reached a stage")
        INDICATOR = "indicator", _("An indicator at or above a value in a year")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="incentive_items")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="items")
    clause = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    term = models.ForeignKey(
        "decisions.PreferentialTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("item"), max_length=200)
    cap = models.DecimalField(_("cap (yuan)"), max_digits=16, decimal_places=2, validators=POSITIVE)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    stage = models.CharField(_("stage reached"), max_length=20, choices=Stage.choices, blank=True)
    indicator = models.CharField(_("indicator"), max_length=20, blank=True)
    indicator_year = models.PositiveSmallIntegerField(_("indicator year"), null=True, blank=True)
    indicator_min = models.DecimalField(_("indicator at least"), max_digits=18, decimal_places=2, null=True, blank=True)
    earliest = models.DateField(_("not paid before"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("committed"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        constraints = [
            models.CheckConstraint(
                condition=Q(clause__isnull=False, term__isnull=True) | Q(clause__isnull=True, term__isnull=False),
                name="item_bound_to_clause_or_term",
                violation_error_message=_("An item is bound to a policy clause or to a term of issued minutes."),
            ),
            models.CheckConstraint(
                condition=(Q(condition="stage") & ~Q(stage=""))
                | (
                    Q(condition="indicator")
                    & ~Q(indicator="")
                    & Q(indicator_year__isnull=False, indicator_min__isnull=False)
                ),
                name="item_condition_complete",
                violation_error_message=_("Say the stage, or the indicator, its year and its value."),
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.title}"


class Request(models.Model):
    """A disbursement request 兑现申请: filed by the landing unit, reviewed by the centre, paid by finance."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed, awaiting the centre")
        APPROVED = "approved", _("Approved, awaiting payment")
        PAID = "paid", _("Paid")
        REVERSED = "reversed", _("Payment reversed")
        REFUSED = "refused", _("Refused")

    item = models.ForeignKey(CommitmentItem, on_delete=models.PROTECT, related_name="requests")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, validators=POSITIVE)
    evidence = models.TextField(_("evidence"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refusal = models.TextField(_("why refused"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("disbursement request")
        verbose_name_plural = _("disbursement requests")
        indexes = [models.Index(fields=["status"], name="request_status_idx")]

    def __str__(self):
        return f"{self.item} {self.amount}"


class Refusal(models.Model):
    """A refused filing, approval or payment, with the rule and the figures: kept and shown."""

    class Rule(models.TextChoices):
        EARLY = "early", _("Early (超前兑付)")
        REVIEW = "review", _("Refused on review")
        OVER = "over", _("Over the cap (超额兑付)")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope (超范围兑付)")
        FUND = "fund", _("Beyond the fund")
        CLAWBACK = "clawback", _("Claw-back outstanding")

    class Step(models.TextChoices):
        FILING = "filing", _("When filed")
        APPROVAL = "approval", _("At approval")
        PAYMENT = "payment", _("At payment")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="incentive_refusals")
    item = models.ForeignKey(CommitmentItem, null=True, blank=True, on_delete=models.PROTECT, related_name="refusals")
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.PROTECT, related_name="refusals")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("refusal")
        verbose_name_plural = _("refusals")

    def __str__(self):
        return f"{self.project_id} {self.rule}"


class ClawBack(models.Model):
    """追回: what was paid under the items a breach names, to be repaid; outstanding, it blocks payments."""

    class Status(models.TextChoices):
        OPEN = "open", _("Outstanding")
        SETTLED = "settled", _("Settled")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="clawbacks")
    finding = models.OneToOneField(
        "monitoring.Finding", on_delete=models.PROTECT, related_name="clawback", null=True, blank=True
    )
    items = models.ManyToManyField(CommitmentItem, related_name="clawbacks")
    amount = models.DecimalField(_("amount to repay (yuan)"), max_digits=16, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("claw-back")
        verbose_name_plural = _("claw-backs")

    def __str__(self):
        return f"{self.project_id} {self.amount}"


class LedgerEntry(models.Model):
    """One money movement, append-only: a payment (+), its reversal (−) or a repayment under a claw-back (−).
    Every total shown is a sum of these. The idempotency key makes paying the same request twice one entry."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")
        REPAYMENT = "repayment", _("Repayment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A payment and its reversal are an item's; a repayment is the claw-back's.
    item = models.ForeignKey(CommitmentItem, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger")
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    clawback = models.ForeignKey(ClawBack, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="payment") & Q(amount__gt=0)) | (~Q(kind="payment") & Q(amount__lt=0)),
                name="ledger_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="repayment") & Q(clawback__isnull=False))
                | (~Q(kind="repayment") & Q(item__isnull=False)),
                name="ledger_entry_belongs",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only.")
