"""The leadership dashboard's figures. Each comes with the filters of the list behind it, so every number
on the page is a link to exactly the rows it counts.

The counts are read from the tallies (``core.tallies``: projects per unit, stage and tier; active findings
per unit, owner and severity; grades per unit, year and grade) and the monthly summary
(``assessment.UnitMonth``), so the page runs the same few small queries whatever the number of projects.
"""

import calendar
import datetime
from typing import NamedTuple

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.scoping import can, visible_to
from assessment import services
from assessment.models import UnitMonth
from monitoring.models import GradeTally
from projects.models import Project, StageTally, Tier
from projects.stages import Stage

PIPELINE = [
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.PRE_EVALUATION,
    Stage.AWAITING_DECISION,
    Stage.APPROVED,
    Stage.SIGNED,
    Stage.LAND_SUPPLIED,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
    Stage.OPERATING,
]
DECIDING = [Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.RETURNED, Stage.APPROVED]


class Period(NamedTuple):
    """A year, a quarter of it or a month of it: the months it spans, its dates and its name."""

    year: int
    code: str  # "", "q1".."q4", "m1".."m12"
    first_month: int
    last_month: int

    @property
    def start(self):
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self):
        return datetime.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def label(self):
        if self.code.startswith("q"):
            return _("%(year)s, quarter %(q)s") % {"year": self.year, "q": self.code[1:]}
        if self.code.startswith("m"):
            return _("%(year)s, month %(m)s") % {"year": self.year, "m": self.first_month}
        return str(self.year)


PERIOD_CHOICES = (
    [("", _("Whole year"))]
    + [(f"q{q}", _("Quarter %(q)s") % {"q": q}) for q in range(1, 5)]
    + [(f"m{m}", _("Month %(m)s") % {"m": m}) for m in range(1, 13)]
)


def period_of(year, code):
    """The period a filter names; an unknown code is the whole year."""
    if code.startswith("q") and code[1:] in {"1", "2", "3", "4"}:
        q = int(code[1:])
        return Period(year, code, 3 * q - 2, 3 * q)
    if code.startswith("m") and code[1:].isdigit() and 1 <= int(code[1:]) <= 12:
        return Period(year, code, int(code[1:]), int(code[1:]))
    return Period(year, "", 1, 12)


def pipeline(user, unit=None):
    """Projects per stage (rows) and landing unit (columns), from the stage tally; the units that appear."""
    tally = visible_to(user, StageTally.objects.filter(stage__in=PIPELINE))
    if unit:
        tally = tally.filter(landing_unit=unit)
    counts = {}
    for stage, unit_id, n in tally.values_list("stage", "landing_unit").annotate(n=Sum("n")).order_by():
        counts[(stage, unit_id)] = n
    units = list(Unit.objects.filter(pk__in={u for _s, u in counts}).order_by("code"))
    rows = []
    for stage in PIPELINE:
        cells = [{"unit": u, "count": counts.get((stage, u.pk), 0)} for u in units]
        rows.append({"stage": stage, "label": stage.label, "cells": cells, "total": sum(c["count"] for c in cells)})
    return rows, units


def grades(user, year, unit=None):
    """Projects by the grade the sweep recorded for ``year``, from the grade tally."""
    tally = visible_to(user, GradeTally.objects.filter(year=year))
    if unit:
        tally = tally.filter(landing_unit=unit)
    counts = dict(tally.values_list("grade").annotate(n=Sum("n")).order_by())
    return [{"grade": g, "count": counts.get(g, 0)} for g in "ABCD"]


def major_projects(user, unit=None):
    """Major projects still in their decision chain, oldest first, each with where it stands in the chain:
    ``chain`` is [(step, label, state)] with state "done", "next" or "todo". Three queries."""
    from decisions.models import CHAINS, Submission

    rows = visible_to(user, Project.objects.filter(tier=Tier.MAJOR, stage__in=DECIDING)).select_related("landing_unit")
    if unit:
        rows = rows.filter(landing_unit=unit)
    latest = Prefetch(
        "submissions",
        queryset=Submission.objects.order_by("-round").prefetch_related("steps"),
        to_attr="latest_submissions",
    )
    projects = list(rows.prefetch_related(latest).order_by("stage_changed_at")[:20])
    for project in projects:
        # The round in progress, or the one that approved it (a returned round starts again).
        submission = project.latest_submissions[0] if project.latest_submissions else None
        if submission is not None and submission.status == Submission.Status.RETURNED:
            submission = None
        taken = {record.step for record in submission.steps.all()} if submission else set()
        chain, waiting = [], None
        for step in CHAINS[Tier.MAJOR]:
            if step in taken:
                state = "done"
            elif waiting is None and submission is not None and submission.status == Submission.Status.OPEN:
                state, waiting = "next", step
            else:
                state = "todo"
            chain.append({"step": step, "label": step.label, "state": state})
        project.chain = chain
        project.waiting_step = waiting
        project.submission = submission
    return projects


def signed_in(user, period, unit=None):
    """What each landing unit signed in the period (from the monthly summary), for the units whose figures
    the user may see; each with the dates of the project list behind it."""
    months = UnitMonth.objects.filter(
        year=period.year, month__gte=period.first_month, month__lte=period.last_month
    ).select_related("unit")
    if unit:
        months = months.filter(unit=unit)
    totals = (
        months.values("unit", "unit__name", "unit__code")
        .annotate(signed=Sum("signed"), major=Sum("major_signed"), contracted=Sum("contracted"))
        .order_by("unit__code")
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in={row["unit"] for row in totals})}
    return [row for row in totals if row["signed"] and can(user, "assessment.detail", units[row["unit"]])]


def summary(user, *, year=None, period_code="", unit=None):
    from incentives.models import Fund
    from incentives.services import fund_totals
    from monitoring.selectors import finding_board

    today = timezone.localdate()
    year = year or today.year
    period = period_of(year, period_code)
    # The ranking is cumulative to the period's end (targets are yearly); this year's runs to this month.
    through = min(period.last_month, today.month) if year == today.year else period.last_month
    stage_rows, units = pipeline(user, unit)
    fund = Fund.objects.filter(year=year).first()
    ranking = services.ranking(year, through)[:10]
    to_date = period_of(year, f"m{through}").end
    for row in ranking:
        # The signings behind the ranking's "projects signed": the project list from 1 January to its month.
        row["signed"] = next((c["actual"] for c in row["cells"] if c["metric"] == "signed"), 0)
        row["signed_to"] = to_date
    return {
        "year": year,
        "period": period,
        "through_month": through,
        "unit": unit,
        "pipeline": stage_rows,
        "pipeline_units": units,
        "grade_year": year - 1,
        "grades": grades(user, year - 1, unit),
        "major": major_projects(user, unit),
        "findings": finding_board(user=user, landing_unit=unit),
        "signed": signed_in(user, period, unit),
        "fund": fund,
        "fund_totals": fund_totals(fund) if fund else None,
        "ranking": ranking,
    }
