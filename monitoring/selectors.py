from accounts.scoping import visible_to
from monitoring.models import Indicator, IndicatorValue


def indicator_table(*, user, project):
    """Current values by year and indicator, with how many versions each has: one query."""
    rows = {}
    versions = {}
    values = visible_to(user, IndicatorValue.objects.filter(project=project)).values_list(
        "year", "indicator", "value", "version", "is_current"
    )
    for year, indicator, value, version, is_current in values:
        versions[(year, indicator)] = max(versions.get((year, indicator), 0), version)
        if is_current:
            rows.setdefault(year, {})[indicator] = value
    return [
        {"year": year, "cells": [(rows[year].get(i.value), versions.get((year, i.value), 0)) for i in Indicator]}
        for year in sorted(rows)
    ]


def missing_data(*, user, year, indicators):
    """Projects under supervision in ``year`` (visible to ``user``) still lacking any of ``indicators``,
    each annotated ``has_<indicator>``: one query, however many projects."""
    from django.db.models import Exists, OuterRef, Q

    from monitoring.grading import supervised_in
    from projects.models import Project

    has = {
        f"has_{i}": Exists(
            IndicatorValue.objects.filter(project=OuterRef("pk"), year=year, indicator=i, is_current=True)
        )
        for i in indicators
    }
    lacking = Q()
    for name in has:
        lacking |= Q(**{name: False})
    visible = visible_to(user, supervised_in(year)).select_related("landing_unit")
    projects = visible.annotate(**has).filter(lacking).order_by("code") if has else Project.objects.none()
    return projects, visible.count()


def finding_board(*, user, landing_unit=None):
    """Active findings by owner unit and severity: [{id, name, counts: {severity: n}, total}], read from the
    findings tally (``monitoring.tallies``), so its cost does not grow with the findings; one query."""
    from django.db.models import Sum

    from monitoring.models import FindingTally

    tally = visible_to(user, FindingTally.objects.all())
    if landing_unit is not None:
        tally = tally.filter(landing_unit=landing_unit)
    counts = tally.values("owner_id", "owner__name", "severity").annotate(n=Sum("n")).order_by("owner__name")
    rows = {}
    for row in counts:
        unit = rows.setdefault(row["owner_id"], {"id": row["owner_id"], "name": row["owner__name"], "counts": {}})
        unit["counts"][row["severity"]] = row["n"]
    for unit in rows.values():
        unit["total"] = sum(unit["counts"].values())
    return list(rows.values())


def project_milestones(project, today=None):
    """The contract's dates and the agreement's checkpoints, each: met, overdue, approaching or ahead."""
    import datetime

    from django.utils import timezone

    from monitoring.checks import MILESTONES, STAGE_ORDER, checkpoint_due, warning_days
    from monitoring.models import LandContract

    today = today or timezone.localdate()
    warning = datetime.timedelta(days=warning_days(today))
    reached = STAGE_ORDER.index(project.stage) if project.stage in STAGE_ORDER else -1
    rows = []
    for contract in LandContract.objects.filter(project=project):
        for name, field, stage in MILESTONES:
            date = getattr(contract, field)
            if date is None:
                continue
            if reached >= STAGE_ORDER.index(stage):
                state = "met"
            elif date < today:
                state = "overdue"
            elif date <= today + warning:
                state = "approaching"
            else:
                state = "ahead"
            rows.append({"name": name, "contract": contract.number, "date": date, "state": state})
    agreement = getattr(project, "performance_agreement", None)
    checkpoints = []
    if agreement is not None:
        graded = set(project.grades.values_list("year", flat=True))
        for checkpoint in agreement.checkpoints.all():
            year = project.production_start_date.year + checkpoint.year - 1 if project.production_start_date else None
            due = checkpoint_due(year) if year else None
            if year in graded:
                state = "met"
            elif due is None:
                state = "ahead"
            elif due < today:
                state = "overdue"
            elif due <= today + warning:
                state = "approaching"
            else:
                state = "ahead"
            checkpoints.append({"checkpoint": checkpoint, "year": year, "due": due, "state": state})
    return rows, checkpoints
