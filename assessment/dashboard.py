"""The leadership dashboard's figures. Each comes with the filters of the list behind it, so every number
on the page is a link to exactly the rows it counts. A fixed number of grouped queries, whatever the size."""

from django.db.models import Count
from django.utils import timezone

from accounts.models import Unit
from accounts.scoping import visible_to
from assessment import services
from monitoring.models import AnnualGrade
from projects.models import Project, Tier
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


def pipeline(user, unit=None):
    """{(stage, unit id): count} of the projects the user sees, and the units that appear."""
    projects = visible_to(user, Project.objects.filter(stage__in=PIPELINE))
    if unit:
        projects = projects.filter(landing_unit=unit)
    counts = {}
    for stage, unit_id, n in projects.values_list("stage", "landing_unit").annotate(n=Count("id")).order_by():
        counts[(stage, unit_id)] = n
    units = list(Unit.objects.filter(pk__in={u for _s, u in counts}).order_by("code"))
    rows = []
    for stage in PIPELINE:
        cells = [{"unit": u, "count": counts.get((stage, u.pk), 0)} for u in units]
        rows.append({"stage": stage, "label": stage.label, "cells": cells, "total": sum(c["count"] for c in cells)})
    return rows, units


def grades(user, year, unit=None):
    """Projects by the grade the sweep recorded for ``year``."""
    rows = AnnualGrade.objects.filter(year=year, project__in=visible_to(user, Project.objects.all()))
    if unit:
        rows = rows.filter(project__landing_unit=unit)
    counts = dict(rows.values_list("grade").annotate(n=Count("id")).order_by())
    return [{"grade": g, "count": counts.get(g, 0)} for g in "ABCD"]


def major_projects(user, unit=None):
    """Major projects still in their decision chain, oldest first."""
    rows = visible_to(user, Project.objects.filter(tier=Tier.MAJOR, stage__in=DECIDING)).select_related("landing_unit")
    if unit:
        rows = rows.filter(landing_unit=unit)
    return rows.order_by("stage_changed_at")[:20]


def summary(user, *, year=None, unit=None):
    from incentives.models import Fund
    from incentives.services import fund_totals
    from monitoring.selectors import finding_board

    year = year or timezone.localdate().year
    stage_rows, units = pipeline(user, unit)
    fund = Fund.objects.filter(year=year).first()
    board = finding_board(user=user)
    if unit:
        board = [row for row in board if row["id"] == unit.pk]
    return {
        "year": year,
        "unit": unit,
        "pipeline": stage_rows,
        "pipeline_units": units,
        "grade_year": year - 1,
        "grades": grades(user, year - 1, unit),
        "major": major_projects(user, unit),
        "findings": board,
        "fund": fund,
        "fund_totals": fund_totals(fund) if fund else None,
        "ranking": services.ranking(year)[:10],
    }
