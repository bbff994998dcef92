"""The proposal follow-up: proposals with their reply, the measures the reply committed to, where the system
shows each working, and each measure's dated status. The centre keeps it; every door calls these."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.scoping import require
from core.errors import ApplicationError
from oversight.models import MEASURE_TRANSITIONS, Evidence, Measure, MeasureStatus, MeasureUpdate, Proposal
from projects.services import validated

PROPOSAL_FIELDS = (
    "number",
    "kind",
    "session",
    "year",
    "title",
    "proposers",
    "submitted_on",
    "summary",
    "replying_body",
    "replied_on",
    "reply_text",
)


def _refuse(field, message):
    raise ApplicationError(message, errors={field: [message]})


@transaction.atomic
def proposal_create(*, actor, **fields):
    """A proposal as submitted; with a reply (text and replying body) it is recorded as replied."""
    require(actor, "proposal.manage")
    refused = set(fields) - set(PROPOSAL_FIELDS)
    if refused:
        raise ApplicationError(_("These fields cannot be set here."), errors={f: [_("Not editable.")] for f in refused})
    proposal = Proposal(**fields)
    if proposal.reply_text.strip():
        proposal.status = Proposal.Status.REPLIED
    validated(proposal)
    proposal.save()
    return proposal


@transaction.atomic
def measure_add(*, actor, proposal, title, reply_section, commitment, evidence=()):
    """A measure the reply committed to, with where the system shows it (label, url_name, kwargs, query)."""
    require(actor, "proposal.manage")
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == Proposal.Status.SUBMITTED:
        _refuse("commitment", _("Measures come from the reply: record the reply first."))
    if proposal.status == Proposal.Status.CONCLUDED:
        _refuse("commitment", _("This proposal is concluded; its measures are closed."))
    last = proposal.measures.order_by("-order").values_list("order", flat=True).first() or 0
    measure = Measure(
        proposal=proposal, order=last + 1, title=title, reply_section=reply_section, commitment=commitment
    )
    validated(measure)
    measure.save()
    for order, link in enumerate(evidence, start=1):
        where = Evidence(measure=measure, order=order, **link)
        validated(where)
        where.save()
    return measure


def _status_label(status):
    return str(MeasureStatus(status).label)


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def measure_update_status(*, actor, measure, status, on, note):
    """Move a measure to ``status`` as of ``on``, saying what was done. The proposal follows: the first update
    puts a replied proposal under follow-up; when every measure is done, the proposal is concluded."""
    require(actor, "proposal.manage", measure)
    measure = Measure.objects.select_for_update().select_related("proposal").get(pk=measure.pk)
    if status not in MeasureStatus.values:
        _refuse("status", _("Choose one of the statuses listed."))
    current = MeasureStatus(measure.status)
    if status == current:
        _refuse("status", _("The measure is already “%(status)s”.") % {"status": _status_label(current)})
    allowed = MEASURE_TRANSITIONS[current]
    if status not in allowed:
        if allowed:
            message = _("A measure that is “%(current)s” cannot become “%(target)s”; it can become: %(allowed)s.")
        else:
            message = _("A measure that is “%(current)s” is closed and cannot become “%(target)s”.")
        _refuse(
            "status",
            message
            % {
                "current": _status_label(current),
                "target": _status_label(status),
                "allowed": "、".join(_status_label(s) for s in allowed),
            },
        )
    if on is None:
        _refuse("on", _("Give the date the measure reached this status."))
    if on > timezone.localdate():
        _refuse("on", _("The date cannot be in the future."))
    replied_on = measure.proposal.replied_on
    if replied_on and on < replied_on:
        _refuse("on", _("The date cannot be before the reply (%(date)s).") % {"date": _date(replied_on)})
    last = measure.updates.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        _refuse("on", _("The date cannot be before the last update (%(date)s).") % {"date": _date(last)})
    if not (note or "").strip():
        _refuse("note", _("Say what was done and where it shows."))
    MeasureUpdate.objects.create(
        measure=measure, from_status=current, to_status=status, on=on, note=note.strip(), actor=actor
    )
    measure.status = status
    measure.status_on = on
    measure.save(update_fields=["status", "status_on"])
    _proposal_follows(measure.proposal)
    return measure


def _proposal_follows(proposal):
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    statuses = set(proposal.measures.values_list("status", flat=True))
    if statuses == {MeasureStatus.DONE}:
        target = Proposal.Status.CONCLUDED
    elif proposal.status == Proposal.Status.REPLIED:
        target = Proposal.Status.FOLLOWING_UP
    else:
        return
    if proposal.status != target:
        proposal.status = target
        proposal.save(update_fields=["status", "updated_at"])
