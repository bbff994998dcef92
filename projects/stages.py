"""The project's stages and the guards of each transition.

The graph lives on ``Project`` (django-fsm-2 transitions); the guards live here, as data other
apps extend with ``guard(target)``. A guard returns ``None`` when its condition holds, or the
reason the transition must wait ("no land-transfer contract yet"). ``on_enter(target)`` lets an
app act when a project enters a stage (the decisions app opens a submission).
"""

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    PRE_EVALUATION = "pre_evaluation", _("Pre-evaluation")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")
    SIGNED = "signed", _("Signed")
    LAND_SUPPLIED = "land_supplied", _("Land supplied")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    IN_PRODUCTION = "in_production", _("In production")
    OPERATING = "operating", _("Operating (supervised)")
    SUPERVISION_ENDED = "supervision_ended", _("Supervision ended")
    TERMINATED = "terminated", _("Terminated")


FINAL_STAGES = frozenset({Stage.REJECTED, Stage.SUPERVISION_ENDED, Stage.TERMINATED})
LIVE_STAGES = [s for s in Stage if s not in FINAL_STAGES]
# Which of the seed's three phases (落地, 投产, 运营) a stage belongs to.
PHASES = {
    Stage.SIGNED: "landing",
    Stage.LAND_SUPPLIED: "landing",
    Stage.CONSTRUCTION: "landing",
    Stage.COMPLETED: "landing",
    Stage.IN_PRODUCTION: "production",
    Stage.OPERATING: "operation",
}

# The forward path: (source stages, target). Termination, from any live stage, is separate.
PATHS = [
    ([Stage.LEAD], Stage.NEGOTIATING),
    ([Stage.NEGOTIATING, Stage.RETURNED], Stage.PRE_EVALUATION),
    ([Stage.PRE_EVALUATION, Stage.RETURNED], Stage.AWAITING_DECISION),
    ([Stage.AWAITING_DECISION], Stage.APPROVED),
    ([Stage.AWAITING_DECISION], Stage.REJECTED),
    ([Stage.AWAITING_DECISION], Stage.RETURNED),
    ([Stage.APPROVED], Stage.SIGNED),
    ([Stage.SIGNED], Stage.LAND_SUPPLIED),
    ([Stage.LAND_SUPPLIED], Stage.CONSTRUCTION),
    ([Stage.CONSTRUCTION], Stage.COMPLETED),
    ([Stage.COMPLETED], Stage.IN_PRODUCTION),
    ([Stage.IN_PRODUCTION], Stage.OPERATING),
    ([Stage.IN_PRODUCTION, Stage.OPERATING], Stage.SUPERVISION_ENDED),
]

_guards = defaultdict(list)
_on_enter = defaultdict(list)


def guard(target):
    """Declare a condition for entering ``target``: ``fn(project) -> reason or None``."""

    def register(fn):
        _guards[target].append(fn)
        return fn

    return register


def missing_conditions(project, target):
    """The reasons ``project`` cannot enter ``target`` yet (empty when it can)."""
    return [str(reason) for check in _guards[target] if (reason := check(project))]


def on_enter(target):
    """Declare what happens when a project enters ``target``: ``fn(project, actor)``, in the same transaction."""

    def register(fn):
        _on_enter[target].append(fn)
        return fn

    return register


def entered(project, target, actor):
    for hook in _on_enter[target]:
        hook(project, actor)
