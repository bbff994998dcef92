"""The compliance checks. Each is set-based (a few statements, however many projects), idempotent (the
database refuses a second finding for the same project, kind and period) and records what it opened."""

import datetime

from django.db.models import Count
from django.utils import timezone

from accounts.models import Unit
from monitoring.grading import SUPERVISED_YEARS
from monitoring.models import Finding, IndicatorValue
from projects.models import Project
from projects.stages import Stage

SUPERVISED_STAGES = [Stage.IN_PRODUCTION, Stage.OPERATING]
REQUIRED = ["investment", "tax", "energy", "value_added"]
DATA_DEADLINE_DAYS = 30


def supervised_in(year):
    """Projects under supervision in calendar ``year``: producing, and within their 7 years."""
    return Project.objects.filter(
        stage__in=SUPERVISED_STAGES,
        production_start_date__year__lte=year,
        production_start_date__year__gt=year - SUPERVISED_YEARS,
    )


def _open(findings, run):
    """Insert the findings the database does not already hold, and their history; returns how many."""
    Finding.objects.bulk_create(findings, ignore_conflicts=True)
    # Rows that conflicted were not inserted, so the run's own rows are exactly the new ones.
    created = list(Finding.objects.filter(opened_by_run=run))
    Finding.history.bulk_history_create(created)
    return len(created)


def check_missing_data(*, year, run):
    """Supervised projects whose data for ``year`` is incomplete: one finding each, owned by the centre."""
    supervised = supervised_in(year)
    complete = (
        IndicatorValue.objects.filter(year=year, is_current=True, indicator__in=REQUIRED, project__in=supervised)
        .values("project")
        .annotate(n=Count("indicator", distinct=True))
        .filter(n=len(REQUIRED))
        .values("project")
    )
    centre = Unit.objects.get(kind=Unit.Kind.CENTRE)
    deadline = datetime.date(year + 1, 1, 1) + datetime.timedelta(days=DATA_DEADLINE_DAYS)
    missing = list(
        supervised.exclude(pk__in=complete)
        .exclude(findings__kind=Finding.Kind.MISSING_DATA, findings__period=str(year))
        .values_list("pk", flat=True)
    )
    present = {}
    for project_id, indicator in IndicatorValue.objects.filter(
        project_id__in=missing, year=year, is_current=True
    ).values_list("project_id", "indicator"):
        present.setdefault(project_id, set()).add(indicator)
    findings = [
        Finding(
            project_id=pk,
            kind=Finding.Kind.MISSING_DATA,
            period=str(year),
            severity=Finding.Severity.MEDIUM,
            owner=centre,
            deadline=deadline,
            opened_by_run=run,
            evidence={"year": year, "missing": [i for i in REQUIRED if i not in present.get(pk, set())]},
        )
        for pk in missing
    ]
    return {"examined": supervised.count(), "opened": _open(findings, run)}


def last_complete_year():
    return timezone.localdate().year - 1
