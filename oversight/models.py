"""NPC proposals and suggestions, the measures their replies committed to, and how each is followed up."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Proposal(models.Model):
    """A deputy's proposal (议案) or suggestion (建议), as submitted and as replied to."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal (议案)")
        SUGGESTION = "suggestion", _("Suggestion (建议)")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting reply")
        REPLIED = "replied", _("Replied")
        FOLLOWING_UP = "following_up", _("Following up")
        CONCLUDED = "concluded", _("Concluded")

    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    session = models.CharField(_("session"), max_length=100, help_text=_("e.g. 市十八届人大二次会议"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    proposers = models.CharField(_("proposed by"), max_length=300)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    summary = models.TextField(_("what the proposal asks"), blank=True)
    replying_body = models.CharField(_("replying body"), max_length=100, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "session", "number", "id"]
        verbose_name = _("NPC proposal")
        verbose_name_plural = _("NPC proposals")
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "number"], name="proposal_number_unique_in_session")
        ]

    def __str__(self):
        return f"{self.session}第{self.number}号{self.get_kind_display()}：{self.title}"

    def clean(self):
        if self.status != self.Status.SUBMITTED and not (self.reply_text.strip() and self.replying_body.strip()):
            raise ValidationError({"reply_text": _("A replied proposal needs the reply and the body that replied.")})
        if self.submitted_on and self.replied_on and self.replied_on < self.submitted_on:
            raise ValidationError({"replied_on": _("The reply cannot come before the proposal was submitted.")})

    @property
    def kind_short(self):
        """议案 or 建议: how the documents name it."""
        return {self.Kind.PROPOSAL: "议案", self.Kind.SUGGESTION: "建议"}[self.kind]


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    WORKING = "working", _("Working in the system")
    DONE = "done", _("Done")


# Where a measure's status may go next. Done is final; a working mechanism that stops working goes back to
# "in progress", in the open, so the deputies see it.
MEASURE_TRANSITIONS = {
    MeasureStatus.PLANNED: (MeasureStatus.IN_PROGRESS, MeasureStatus.WORKING, MeasureStatus.DONE),
    MeasureStatus.IN_PROGRESS: (MeasureStatus.WORKING, MeasureStatus.DONE),
    MeasureStatus.WORKING: (MeasureStatus.DONE, MeasureStatus.IN_PROGRESS),
    MeasureStatus.DONE: (),
}


class Measure(models.Model):
    """One thing the reply committed to, quoted from it, with its status."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="measures")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("measure"), max_length=100)
    reply_section = models.CharField(_("reply section"), max_length=40, help_text=_("e.g. （三）"))
    commitment = models.TextField(_("commitment, as the reply words it"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    status_on = models.DateField(_("status since"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "order"]
        verbose_name = _("committed measure")
        verbose_name_plural = _("committed measures")
        constraints = [models.UniqueConstraint(fields=["proposal", "order"], name="measure_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def next_statuses(self):
        return MEASURE_TRANSITIONS[MeasureStatus(self.status)]


class MeasureUpdate(models.Model):
    """A dated step of a measure's follow-up: from what status to what, as of when, and what was done."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="updates")
    from_status = models.CharField(_("status before"), max_length=12, choices=MeasureStatus.choices)
    to_status = models.CharField(_("status after"), max_length=12, choices=MeasureStatus.choices)
    on = models.DateField(_("as of"))
    note = models.TextField(_("what was done"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["measure", "on", "at", "id"]
        verbose_name = _("measure update")
        verbose_name_plural = _("measure updates")

    def __str__(self):
        return f"{self.measure_id}: {self.from_status} → {self.to_status} ({self.on})"


class Evidence(models.Model):
    """Where the system shows a measure working: a named page, its arguments and its filter."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="evidence")
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=100)
    url_name = models.CharField(_("page"), max_length=100, help_text=_("e.g. decisions:minute_list"))
    kwargs = models.JSONField(_("page arguments"), default=dict, blank=True)
    query = models.JSONField(_("filter"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "order"]
        verbose_name = _("where to see it")
        verbose_name_plural = _("where to see it")
        constraints = [models.UniqueConstraint(fields=["measure", "order"], name="evidence_order_unique")]

    def __str__(self):
        return self.label

    def clean(self):
        if not isinstance(self.kwargs, dict) or not isinstance(self.query, dict):
            raise ValidationError({"kwargs": _("Page arguments and filter are name–value pairs.")})
        if any(not isinstance(v, str | int) for v in self.query.values()):
            raise ValidationError({"query": _("Filter values are text or whole numbers.")})
        try:
            reverse(self.url_name, kwargs=self.kwargs or None)
        except NoReverseMatch:
            raise ValidationError({"url_name": _("No page of the system has this name and these arguments.")}) from None

    @property
    def path(self):
        return reverse(self.url_name, kwargs=self.kwargs or None)

    @property
    def url(self):
        return self.path + (f"?{urlencode(self.query)}" if self.query else "")


class ConfidentialField(models.Model):
    """A field the centre marks commercially confidential: the oversight portal masks it on every page, PDF
    and API response (``oversight.masking``), on top of the fields that always are."""

    model_label = models.CharField(_("model"), max_length=100, help_text=_("e.g. projects.project"))
    field_name = models.CharField(_("field"), max_length=100)
    reason = models.CharField(_("why it is confidential"), max_length=200)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confidential field")
        verbose_name_plural = _("confidential fields")
        constraints = [models.UniqueConstraint(fields=["model_label", "field_name"], name="confidential_field_once")]

    def __str__(self):
        return f"{self.model_label}.{self.field_name}"

    def clean(self):
        from django.apps import apps
        from django.core.exceptions import FieldDoesNotExist

        try:
            apps.get_model(self.model_label)._meta.get_field(self.field_name)
        except (LookupError, ValueError, FieldDoesNotExist) as exc:
            raise ValidationError({"field_name": _("There is no such field.")}) from exc
