"""Reads of the proposal follow-up, scoped by the one scoping module."""

from django.db.models import Count, Prefetch, Q

from accounts.middleware import deputy_may_open
from accounts.roles import Role
from accounts.scoping import get_visible_or_404, has_role, visible_to
from oversight.models import Evidence, Measure, MeasureStatus, MeasureUpdate, Proposal


def proposal_list(*, user):
    """Proposals with how many of their measures are at each status, in one query."""
    counts = {
        f"measures_{status}": Count("measures", filter=Q(measures__status=status)) for status in MeasureStatus.values
    }
    return visible_to(user, Proposal.objects.all()).annotate(measure_count=Count("measures"), **counts)


def proposal_detail(*, user, pk):
    """A proposal with its measures, their dated updates (with who) and where to see them, in four queries.
    Each measure carries ``links``, the pages the user may open, and ``staff_links``, how many others there are."""
    measures = visible_to(user, Measure.objects.all()).prefetch_related(
        Prefetch("updates", queryset=MeasureUpdate.objects.select_related("actor")),
        Prefetch("evidence", queryset=Evidence.objects.all()),
    )
    proposal = get_visible_or_404(
        user, Proposal.objects.prefetch_related(Prefetch("measures", queryset=measures)), pk=pk
    )
    for measure in proposal.measures.all():
        measure.links, measure.staff_links = where_to_see(user, measure)
    return proposal


def may_open(user, path):
    """Whether ``user`` may open a page of the system: a deputy reads through the portal only."""
    return not has_role(user, Role.NPC_DEPUTY) or deputy_may_open(path)


def where_to_see(user, measure):
    """(the links to the pages ``user`` may open, how many others show the measure to the staff)."""
    links = list(measure.evidence.all())
    shown = [link for link in links if may_open(user, link.path)]
    return shown, len(links) - len(shown)


def measure_for_update(*, user, pk):
    return get_visible_or_404(user, Measure.objects.select_related("proposal"), pk=pk)


def status_summary(measures):
    """[(status, label, count)] for the measures given, every status shown."""
    counts = dict.fromkeys(MeasureStatus.values, 0)
    for measure in measures:
        counts[measure.status] += 1
    return [(status, label, counts[status]) for status, label in MeasureStatus.choices]
