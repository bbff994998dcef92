"""The same rules through the pages, the API and the admin."""

import pytest

from decisions import services
from decisions.models import Minute, StepRecord
from decisions.tests.helpers import major_project, minute, submit


def _payload(step, number, outcome="pass"):
    data = minute(number)
    data["meeting_date"] = data["meeting_date"].isoformat()
    return {
        "step": step,
        "outcome": outcome,
        "minute": data,
        "terms": [{"kind": "investment_subsidy", "amount": "5000000.00", "clause": "一事一议"}],
    }


def test_a_skipped_step_is_refused_through_the_api(city, api_for):
    project = major_project(city)
    submit(city, project)
    response = api_for("leader").post(
        f"/api/v1/projects/{project.pk}/decision/steps/", _payload("mayor", "纪M"), format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"]["step"]
    assert not StepRecord.objects.exists()
    ok = api_for("centre").post(
        f"/api/v1/projects/{project.pk}/decision/steps/", _payload("consultation", "纪1"), format="json"
    )
    assert ok.status_code == 201, ok.json()
    again = api_for("centre").post(
        f"/api/v1/projects/{project.pk}/decision/steps/", _payload("consultation", "纪1b"), format="json"
    )
    assert again.status_code == 409


def test_a_step_by_the_wrong_role_is_403_through_the_api(city, api_for):
    project = major_project(city)
    submit(city, project)
    response = api_for("town_a").post(
        f"/api/v1/projects/{project.pk}/decision/steps/", _payload("consultation", "纪1"), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_a_skipped_step_is_refused_through_the_page(city, client_for):
    project = major_project(city)
    submit(city, project)
    form = {
        "step": "review",
        "outcome": "pass",
        "number": "纪X",
        "chair": "主任",
        "meeting_date": "2026-11-20",
        "attendees": "a",
        "conclusion": "b",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
    }
    response = client_for("centre").post(f"/decisions/projects/{project.pk}/record/", form, follow=True)
    assert "会商" in response.content.decode() or "consultation" in response.content.decode().lower()
    assert not Minute.objects.exists()
    form["step"] = "consultation"
    client_for("centre").post(f"/decisions/projects/{project.pk}/record/", form)
    assert Minute.objects.get().number == "纪X"


def test_an_attracting_unit_member_is_refused_through_the_api(city, api_for):
    project = major_project(city, attracting_unit=city["town_a"].unit)
    response = api_for("centre").post(
        f"/api/v1/projects/{project.pk}/evaluation/members/", {"user": city["town_a"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "招评分离" in response.json()["detail"]


def test_the_page_shows_the_next_step_and_who_records_it(city, client_for):
    project = major_project(city)
    submit(city, project)
    page = client_for("leader").get(f"/decisions/projects/{project.pk}/").content.decode()
    assert 'data-testid="step-refused"' in page
    page = client_for("centre").get(f"/decisions/projects/{project.pk}/").content.decode()
    assert 'name="step" value="consultation"' in page
    queue = client_for("centre").get("/decisions/").context["queue"]
    assert [item["submission"].project for item in queue] == [project]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_issued_minutes_cannot_be_changed_through_the_api(city, api_for, method):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    issued = Minute.objects.get()
    response = getattr(api_for("centre"), method)(f"/api/v1/minutes/{issued.pk}/", {"conclusion": "x"}, format="json")
    assert response.status_code == 405
    assert Minute.objects.get().conclusion == "同意"


def test_issued_minutes_are_not_editable_in_the_admin(city, client_for):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    issued = Minute.objects.get()
    client = client_for("sysadmin")
    assert client.get(f"/admin/decisions/minute/{issued.pk}/change/").status_code == 404
    assert client.post(f"/admin/decisions/minute/{issued.pk}/delete/", {"post": "yes"}).status_code == 404
    assert Minute.objects.filter(pk=issued.pk).exists()


def test_superseding_through_the_api_keeps_both(city, api_for):
    project = major_project(city)
    submit(city, project)
    services.decision_record(
        actor=city["centre"], project=project, step="consultation", outcome="pass", minute=minute("纪1")
    )
    issued = Minute.objects.get()
    body = _payload("consultation", "纪1-更正")
    response = api_for("centre").post(
        f"/api/v1/minutes/{issued.pk}/supersede/", {"minute": body["minute"], "terms": body["terms"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    listed = api_for("leader").get("/api/v1/minutes/").json()["results"]
    assert {m["number"]: m["superseded_by"] for m in listed} == {"纪1": response.json()["id"], "纪1-更正": None}


def test_a_town_cannot_see_another_towns_decision(city, api_for, client_for):
    project = major_project(city)
    assert api_for("town_b").get(f"/api/v1/projects/{project.pk}/decision/").status_code == 404
    assert client_for("town_b").get(f"/decisions/projects/{project.pk}/").status_code == 404


def test_the_evaluation_group_and_opinion_through_the_api(city, api_for):
    from decisions.tests.helpers import OPINION

    project = major_project(city)
    added = api_for("town_a").post(
        f"/api/v1/projects/{project.pk}/evaluation/members/",
        {"user": city["evaluator"].pk, "is_lead": True},
        format="json",
    )
    assert added.status_code == 201, added.json()
    written = api_for("evaluator").post(
        f"/api/v1/projects/{project.pk}/evaluation/opinions/",
        {"ratings": OPINION, "conclusion": "建议引进", "recommend": True},
        format="json",
    )
    assert written.status_code == 201, written.json()
    listed = api_for("centre").get(f"/api/v1/projects/{project.pk}/evaluation/opinions/").json()
    assert [o["conclusion"] for o in listed] == ["建议引进"]
    partial = {k: v for k, v in OPINION.items() if k != "market"}
    refused = api_for("evaluator").post(
        f"/api/v1/projects/{project.pk}/evaluation/opinions/",
        {"ratings": partial, "conclusion": "x", "recommend": True},
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["market"]
