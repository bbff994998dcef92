"""Every list, export and the dashboard makes as many queries with more rows as with few (no N+1), pages and
API alike; and the indicator import makes as many queries for 40 rows as for 4.

The URLs are walked from the resolver: every parameterless list or export URL must be in LISTS (with the
user who reads it) or in NOT_LISTS (with why not), so a new list is measured from the day it lands.
"""

import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from core.tests.sheets import xlsx

YEAR = 2025
# path: the demo user who reads it (a role that sees everything there is).
LISTS = {
    "/tasks/": "sysadmin",
    "/accounts/users/": "sysadmin",
    "/accounts/units/": "sysadmin",
    "/audit/": "auditor",
    "/audit/export.csv": "auditor",
    "/audit/export.xlsx": "auditor",
    "/projects/": "centre",
    "/projects/export.xlsx": "centre",
    "/projects/companies/": "centre",
    "/projects/partners/": "centre",
    "/projects/channels/": "centre",
    "/projects/resources/": "centre",
    "/projects/filings/": "centre",
    "/decisions/": "centre",
    "/decisions/minutes/": "centre",
    "/decisions/rules/": "centre",
    "/monitoring/findings/": "centre",
    f"/monitoring/data/?year={YEAR}": "shuiwu",
    f"/monitoring/data/template.xlsx?year={YEAR}": "shuiwu",
    "/monitoring/equity-changes/": "centre",
    "/incentives/": "centre",
    "/incentives/clawbacks/": "centre",
    "/incentives/policies/": "centre",
    "/assessment/": "centre",
    f"/assessment/dashboard/?year={YEAR + 1}": "leader",
    "/assessment/indicators/": "centre",
    "/oversight/": "deputy",
    "/oversight/decisions/": "deputy",
    "/oversight/projects/": "deputy",
    "/oversight/findings/": "deputy",
    "/oversight/assessment/": "deputy",
    "/oversight/proposals/": "centre",
    "/oversight/incentives/": "deputy",
    "/api/v1/units/": "centre",
    "/api/v1/users/": "sysadmin",
    "/api/v1/audit/entries/": "auditor",
    "/api/v1/projects/": "centre",
    "/api/v1/projects/?paginate=cursor": "centre",
    "/api/v1/companies/": "centre",
    "/api/v1/partners/": "centre",
    "/api/v1/parcels/": "centre",
    "/api/v1/factory-spaces/": "centre",
    "/api/v1/energy-quotas/": "centre",
    "/api/v1/allocations/": "centre",
    "/api/v1/filings/": "centre",
    "/api/v1/industries/": "centre",
    "/api/v1/minutes/": "centre",
    "/api/v1/tier-rules/": "centre",
    "/api/v1/decision-queue/": "centre",
    "/api/v1/findings/": "centre",
    "/api/v1/equity-changes/": "centre",
    f"/api/v1/indicator-data/missing/?year={YEAR}": "shuiwu",
    "/api/v1/funds/": "centre",
    "/api/v1/policies/": "centre",
    "/api/v1/incentive-requests/": "centre",
    "/api/v1/incentive-refusals/": "centre",
    "/api/v1/clawbacks/": "centre",
    "/api/v1/oversight/decisions/": "deputy",
    "/api/v1/oversight/projects/": "deputy",
    "/api/v1/oversight/findings/": "deputy",
}
# Parameterless GET URLs that are not lists or exports, and why.
NOT_LISTS = {
    "/": "home: the role's own page",
    "/login/": "a form",
    "/logout/": "a form",
    "/i18n/setlang/": "a form",
    "/healthz": "no data",
    "/accounts/users/new/": "a form",
    "/accounts/units/new/": "a form",
    "/accounts/security/": "the account lockouts: a handful of rows, measured by accounts' own tests",
    "/accounts/security/unlock/": "a form",
    "/accounts/password/": "a form",
    "/accounts/second-factor/": "a form",
    "/accounts/security/second-factor/reset/": "a form",
    "/projects/new/": "a form",
    "/projects/import/": "a form",
    "/projects/import/template.xlsx": "an empty template",
    "/projects/companies/new/": "a form",
    "/projects/partners/new/": "a form",
    "/monitoring/data/submit/": "a form",
    "/monitoring/data/import/": "a form",
    "/monitoring/equity-changes/template.xlsx": "an empty template",
    "/monitoring/equity-changes/import/": "a form",
    "/monitoring/checks/run/": "a form",
    "/assessment/publish/": "a form",
    "/oversight/search/": "a search form (its results are the lists above)",
    "/oversight/confidential/": "a notice",
    "/api/v1/auth/token/": "authentication",
    "/api/v1/me/": "one user",
    "/api/schema/": "the schema",
    "/api/docs/": "the documentation",
}


def _parameterless_urls():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif "<" not in str(p.pattern):
                yield "/" + prefix + str(p.pattern)

    return {path for path in walk(get_resolver().url_patterns) if not path.startswith("/admin/")}


def test_every_parameterless_url_is_measured_or_said_not_to_be_a_list():
    listed = {path.split("?")[0] for path in LISTS}
    unknown = _parameterless_urls() - listed - set(NOT_LISTS)
    assert not unknown, f"add these to LISTS (with a reader) or NOT_LISTS (with why): {sorted(unknown)}"


def _counts(client_for, api_for):
    """{path: number of queries} of one GET of each list, as its reader (after one warm-up GET)."""
    clients = {}
    counts, failures = {}, []
    for path, username in LISTS.items():
        key = (username, path.startswith("/api/"))
        if key not in clients:
            clients[key] = api_for(username) if key[1] else client_for(username)
        client = clients[key]
        client.get(path)  # warm-up: per-process caches (content types, permissions) are not the list's
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            failures.append(f"{path} as {username}: {response.status_code}")
        counts[path] = len(ctx.captured_queries)
    assert not failures, failures
    return counts


def _more_rows():
    """More of every kind the lists show: a generated city of 30 supervised projects (companies, contracts,
    agreements, indicators, equity changes) and a sweep over it (findings, grades, their history and audit)."""
    call_command("generate_scale", "--projects", "30", "--seed", "7", "--allow-sqlite", stdout=io.StringIO())
    from core.models import TaskRun
    from monitoring import checks

    run = TaskRun.objects.create(task="test.more_rows")
    checks.sweep(year=YEAR, run=run)


@pytest.mark.django_db(transaction=True)
def test_lists_exports_and_the_dashboard_make_as_many_queries_with_more_rows(city, client_for, api_for, settings):
    settings.MEDIA_ROOT = settings.VAR_DIR / "test-media"
    call_command("load_demo", "--sweep", "now", stdout=io.StringIO())
    few = _counts(client_for, api_for)
    _more_rows()
    more = _counts(client_for, api_for)
    grew = {path: (few[path], more[path]) for path in LISTS if more[path] != few[path]}
    assert not grew, f"queries that grew with the rows (few, more): {grew}"


# The indicator import ------------------------------------------------------------------------------------


def _sheet(rows):
    from monitoring import excel

    return xlsx(excel.SHEET, excel.HEADERS, rows)


def _supervised(city, n):
    import datetime

    from projects.models import Project
    from projects.stages import Stage
    from projects.tests.factories import make_project

    projects = [make_project(city["centre"]) for _ in range(n)]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        stage=Stage.OPERATING, production_start_date=datetime.date(2023, 4, 1)
    )
    return list(Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("pk"))


def _rows(projects, years):
    """A new tax figure per project and year."""
    rows = []
    for project, year in itertools.product(projects, years):
        rows.append([project.code, project.name, "纳税额（万元）", year, 12.5])
    return rows


def _import_queries(user, rows):
    """Every query of the import, its audit trail's included (written in bulk, sealed in the chain as it is
    written: on PostgreSQL the entries go in with one COPY, which the capture does not list)."""
    from monitoring import excel

    with CaptureQueriesContext(connection) as ctx:
        outcome = excel.import_indicators(actor=user, fileobj=_sheet(rows))
    return [" ".join(q["sql"].split()[:8]) for q in ctx.captured_queries], outcome


@pytest.mark.django_db(transaction=True)
def test_the_indicator_import_makes_as_many_queries_for_many_rows_as_for_few(city):
    from audit.models import AuditEntry
    from monitoring.models import IndicatorValue

    few_projects, many_projects = _supervised(city, 2), _supervised(city, 10)
    user = city["shuiwu"]
    _import_queries(user, _rows(few_projects, [2023]))  # warm-up: the user's roles are read once, then kept
    few, outcome = _import_queries(user, _rows(few_projects, [2024, 2025]))
    assert outcome.created == 4
    many, outcome = _import_queries(user, _rows(many_projects, [2022, 2023, 2024, 2025]))
    assert outcome.created == 40
    assert len(many) == len(few), (few, many)
    entries = AuditEntry.objects.filter(model_label="monitoring.IndicatorValue")
    assert entries.count() == 2 + 4 + 40 and not entries.filter(seq__isnull=True).exists()
    # Corrections and unchanged values together: still the same number whatever the rows.
    mixed = [[p.code, p.name, "纳税额（万元）", 2025, 12.5 if i % 2 else 13] for i, p in enumerate(many_projects)]
    corrected, outcome = _import_queries(user, mixed)
    assert (outcome.created, outcome.unchanged) == (5, 5)
    mixed_few = [[p.code, p.name, "纳税额（万元）", 2025, 14 if i % 2 else 12.5] for i, p in enumerate(few_projects)]
    corrected_few, outcome = _import_queries(user, mixed_few)
    assert (outcome.created, outcome.unchanged) == (1, 1)
    assert len(corrected) == len(corrected_few), (corrected_few, corrected)
    assert IndicatorValue.objects.filter(is_current=True).count() == 2 + 4 + 40


def _trail(project_ids):
    """What the indicator values of ``project_ids`` left: their rows, history and audit entries, without ids
    and times (so two runs over different projects compare)."""
    from audit.models import AuditEntry
    from monitoring.models import IndicatorValue

    rank = {pk: i for i, pk in enumerate(sorted(project_ids))}
    values = IndicatorValue.objects.filter(project_id__in=project_ids).order_by("project_id", "year", "version")
    number = {v.pk: (rank[v.project_id], v.year, v.version) for v in values}
    rows = [
        (rank[v.project_id], v.indicator, v.year, v.version, v.value, v.is_current, v.supplied_by_id, v.source)
        for v in values
    ]
    history = sorted(
        (number[h.id], h.history_type, h.value, h.is_current, h.version, h.history_user_id, h.history_change_reason)
        for h in IndicatorValue.history.filter(project_id__in=project_ids)
    )
    entries = [
        (
            e.action,
            e.model_label,
            number[int(e.object_id)],
            e.actor_id,
            [c for c in e.changes if c["field"] not in ("id", "project", "submitted_at")],
        )
        for e in AuditEntry.objects.filter(model_label="monitoring.IndicatorValue").order_by("id")
        if int(e.object_id) in number
    ]
    return rows, history, entries


@pytest.mark.django_db(transaction=True)
def test_the_import_leaves_the_same_rows_history_and_audit_as_one_submission_per_row(city):
    """The import's bulk path (services.indicator_submit_many) against indicator_submit row by row."""
    from monitoring import excel, services
    from monitoring.models import Indicator, IndicatorValue

    user = city["shuiwu"]
    first, second = _supervised(city, 3), _supervised(city, 3)
    # The same starting point for both: a recorded 2024 value for each project (version 1).
    for project in first + second:
        services.indicator_submit(actor=user, project=project, indicator=Indicator.TAX, year=2024, value=Decimal(1000))
    plan = [(2025, Decimal("125000.00")), (2024, Decimal(1000)), (2024, Decimal("2000.00"))]  # new, same, corrected

    def rows_for(projects):
        return [
            [project.code, project.name, "纳税额（万元）", year, float(value / 10000)]
            for project, (year, value) in zip(projects, plan, strict=True)
        ]

    excel.import_indicators(actor=user, fileobj=_sheet(rows_for(first)))
    for project, (year, value) in zip(second, plan, strict=True):
        services.indicator_submit(
            actor=user,
            project=project,
            indicator=Indicator.TAX,
            year=year,
            value=value,
            source=IndicatorValue.Source.IMPORT,
        )
    imported = _trail([p.pk for p in first])
    submitted = _trail([p.pk for p in second])
    assert imported[0] == submitted[0]
    assert imported[1] == submitted[1]
    assert imported[2] == submitted[2]
    assert len(imported[2]) == 3 + 3  # 3 first versions, then 1 new + 1 superseded + 1 correction
