"""Assessment of the promotion units 考核: yearly targets, versioned scoring, the monthly summary the pages
read, and published reports (frozen snapshots; a re-issue is a new version)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Unit


class Metric(models.TextChoices):
    SIGNED = "signed", _("Projects signed")
    MAJOR_SIGNED = "major_signed", _("Major projects signed")
    CONTRACTED = "contracted", _("Contracted investment")
    PAID_IN = "paid_in", _("Paid-in investment")
    FOREIGN = "foreign", _("Foreign capital")


class CustomMetric(models.Model):
    """A further indicator the centre adds to the assessment; its values are recorded by the centre."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit_label = models.CharField(_("unit of measure"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("further indicator")
        verbose_name_plural = _("further indicators")

    def __str__(self):
        return self.name

    # Read like a Metric choice in the pages.
    @property
    def value(self):
        return self.code

    @property
    def label(self):
        return f"{self.name}（{self.unit_label}）" if self.unit_label else self.name


class MetricValue(models.Model):
    """A further indicator's value for a unit and month, as the centre records it."""

    metric = models.ForeignKey(CustomMetric, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "unit", "year", "month"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["metric", "unit", "year", "month"], name="metric_value_once")]

    def __str__(self):
        return f"{self.metric_id} {self.unit_id} {self.year}-{self.month}"


class Target(models.Model):
    """A landing unit's target for a metric in a year."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    metric = models.CharField(_("metric"), max_length=20)  # a Metric, or a CustomMetric's code
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "unit", "metric"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "metric"], name="target_once")]

    def __str__(self):
        return f"{self.unit} {self.year} {self.metric}"


class ScoringScheme(models.Model):
    """How completion is scored, in force from a date: per metric a weight and a cap on the completion rate."""

    effective_from = models.DateField(_("in force from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self):
        return str(self.effective_from)


class Weight(models.Model):
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="weights")
    metric = models.CharField(_("metric"), max_length=20)  # a Metric, or a CustomMetric's code
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    cap_percent = models.DecimalField(
        _("completion counted up to (%)"), max_digits=6, decimal_places=2, default=Decimal(120)
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "metric"]
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        constraints = [models.UniqueConstraint(fields=["scheme", "metric"], name="weight_once")]

    def __str__(self):
        return f"{self.scheme} {self.metric} {self.weight}"


class UnitMonth(models.Model):
    """What a landing unit signed in a month: kept current by the services and the beat, read by the pages
    (their cost does not grow with the number of projects)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    signed = models.PositiveIntegerField(default=0)
    major_signed = models.PositiveIntegerField(default=0)
    contracted = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    foreign = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month"], name="unit_month_once")]
        indexes = [models.Index(fields=["year", "month"], name="unit_month_period_idx")]

    def __str__(self):
        return f"{self.unit_id} {self.year}-{self.month}"


class Report(models.Model):
    """A published bulletin, ranking or evaluation: a frozen snapshot. Later corrections of the data do not
    change it; a re-issue is a new version that supersedes it."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly bulletin 月通报")
        QUARTERLY = "quarterly", _("Quarterly scoring and ranking 季晾晒")
        ANNUAL = "annual", _("Annual target-management evaluation 年考评")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("month or quarter"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    data = models.JSONField(_("snapshot"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-year", "-period", "kind", "-version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "period", "version"], name="report_version_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}-{self.period} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A published report is frozen; re-issue it instead.")
        super().save(*args, **kwargs)

    @property
    def is_current(self):
        return not hasattr(self, "superseded_by")
