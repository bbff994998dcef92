from decimal import Decimal

from monitoring.models import IndicatorValue
from projects.tests.factories import make_project


def test_put_upserts_versions_and_repeats_change_nothing(city, api_for):
    project = make_project(city["centre"])
    api = api_for("shuiwu")
    url = f"/api/v1/projects/{project.pk}/indicators/tax/2025/"
    first = api.put(url, {"value": "1000000.00"}, format="json", HTTP_IDEMPOTENCY_KEY="tax-2025-a")
    assert first.status_code == 201 and first.json()["version"] == 1
    repeat = api.put(url, {"value": "1000000.00"}, format="json", HTTP_IDEMPOTENCY_KEY="tax-2025-a")
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]
    corrected = api.put(url, {"value": "1100000.00"}, format="json")
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    history = api_for("centre").get(f"/api/v1/projects/{project.pk}/indicators/?history=1").json()
    assert [(r["version"], r["is_current"]) for r in history] == [(1, False), (2, True)]
    current = api_for("centre").get(f"/api/v1/projects/{project.pk}/indicators/").json()
    assert [Decimal(r["value"]) for r in current] == [Decimal("1100000.00")]


def test_a_bureau_cannot_submit_another_bureaus_indicator(city, api_for):
    project = make_project(city["centre"])
    response = api_for("tongji").put(
        f"/api/v1/projects/{project.pk}/indicators/tax/2025/", {"value": "1"}, format="json"
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not IndicatorValue.objects.exists()


def test_bad_input_is_refused_by_field(city, api_for):
    project = make_project(city["centre"])
    api = api_for("shuiwu")
    assert api.put(f"/api/v1/projects/{project.pk}/indicators/tax/2025/", {"value": "-5"}, format="json").json()[
        "errors"
    ]["value"]
    assert (
        api.put(f"/api/v1/projects/{project.pk}/indicators/nonsense/2025/", {"value": "5"}, format="json").status_code
        == 404
    )
    assert api.put(f"/api/v1/projects/{project.pk}/indicators/tax/1900/", {"value": "5"}, format="json").json()[
        "errors"
    ]["year"]


def test_a_town_cannot_read_another_towns_indicators(city, api_for):
    project = make_project(city["centre"], unit_code="guanhaiwei")
    assert api_for("town_a").get(f"/api/v1/projects/{project.pk}/indicators/").status_code == 404
    assert api_for("town_a").get(f"/api/v1/projects/{project.pk}/grades/").status_code == 404
