"""An API token is looked up once a request, however many layers (middlewares, DRF) ask who is calling."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.tests.factories import make_project


def token_queries(captured):
    return [q["sql"] for q in captured.captured_queries if '"authtoken_token"' in q["sql"]]


@pytest.mark.parametrize("username", ["centre", "deputy"])
def test_a_token_request_looks_the_token_up_once(city, api_for, username):
    project = make_project(city["centre"])
    api = api_for(username)
    path = f"/api/v1/projects/{project.pk}/" if username == "centre" else f"/api/v1/oversight/projects/{project.pk}/"
    api.get(path)  # warm: content types, the schema of the permission cache
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content[:300]
    assert len(token_queries(captured)) == 1, token_queries(captured)


def test_a_wrong_token_is_refused_once_and_plainly(city, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert len(token_queries(captured)) == 1
