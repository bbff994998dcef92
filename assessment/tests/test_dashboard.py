"""Every dashboard number is the count of the rows its link lists; its cost does not grow with the data."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Unit
from monitoring.models import AnnualGrade, Finding
from projects.models import Project
from projects.stages import Stage
from projects.tests.factories import make_project


def _city(city):
    stages = [
        ("zhouxiang", Stage.LEAD),
        ("zhouxiang", Stage.SIGNED),
        ("guanhaiwei", Stage.SIGNED),
        ("guanhaiwei", Stage.OPERATING),
    ]
    for code, stage in stages:
        project = make_project(city["centre"], unit_code=code)
        Project.objects.filter(pk=project.pk).update(stage=stage, production_start_date=datetime.date(2024, 1, 1))
        if stage == Stage.OPERATING:
            AnnualGrade.objects.create(
                project=project,
                year=timezone.localdate().year - 1,
                year_after_production=2,
                ratio=Decimal(70),
                grade="C",
                graded_at=timezone.now(),
            )
            Finding.objects.create(
                project=project, kind="rectification", period="x", severity="medium", owner=Unit.objects.get(code=code)
            )


def _links(html, path):
    return re.findall(rf'<a href="({re.escape(path)}\?[^"]+)">(\d+)</a>', html)


def test_every_number_equals_the_rows_its_link_lists(city, client_for):
    _city(city)
    client = client_for("leader")
    html = client.get("/assessment/dashboard/").content.decode()
    checked = 0
    for path, context_key in (("/projects/", "page"), ("/monitoring/findings/", "page")):
        for url, number in _links(html, path):
            listed = client.get(url.replace("&amp;", "&"))
            assert listed.context[context_key].paginator.count == int(number), url
            checked += 1
    assert checked >= 8
    assert parse_qs(urlsplit(_links(html, "/projects/")[0][0]).query)


def test_a_town_sees_its_own_pipeline_only(city, client_for):
    _city(city)
    rows = client_for("town_a").get("/assessment/dashboard/").context["pipeline_units"]
    assert [u.code for u in rows] == ["zhouxiang"]


def test_the_dashboard_costs_the_same_for_10_and_1000_projects(city, client_for):
    from monitoring.tests.scale import supervised_projects

    assert connection.vendor == "postgresql"
    client = client_for("leader")

    def count(n):
        supervised_projects(city, n - Project.objects.filter(stage=Stage.OPERATING).count())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/assessment/dashboard/").status_code == 200
        return len(ctx.captured_queries)

    assert count(10) == count(1000)
