"""CSRF is enforced (the test clients' default, which skips the check, is switched on here): a page form and a
session-authenticated API write without the token are refused with 403 and change nothing; with the token they
pass. A token-authenticated API call carries no cookie, so it needs no CSRF token."""

import re

import pytest
from rest_framework.test import APIClient

from projects.models import Partner

PARTNER = {"name": "杭州慈溪商会", "kind": "chamber"}


def _form_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def page(client_for):
    return client_for("centre", enforce_csrf=True)


def test_a_page_form_without_the_token_is_refused(page):
    refused = page.post("/projects/partners/new/", PARTNER)
    assert refused.status_code == 403
    assert not Partner.objects.filter(name=PARTNER["name"]).exists()
    # A token that does not match the cookie's is no better.
    page.get("/projects/partners/new/")
    forged = page.post("/projects/partners/new/", PARTNER | {"csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert not Partner.objects.filter(name=PARTNER["name"]).exists()


def test_a_page_form_with_the_token_passes(page):
    token = _form_token(page.get("/projects/partners/new/"))
    response = page.post("/projects/partners/new/", PARTNER | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Partner.objects.filter(name=PARTNER["name"]).exists()


@pytest.fixture
def session_api(city):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(city["centre"])
    return client


def test_a_session_api_write_without_the_token_is_refused(session_api):
    refused = session_api.post("/api/v1/partners/", PARTNER, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Partner.objects.filter(name=PARTNER["name"]).exists()


def test_a_session_api_write_with_the_token_passes(session_api):
    session_api.get("/projects/partners/new/")  # a page with a form sets the CSRF cookie
    token = session_api.cookies["csrftoken"].value
    response = session_api.post("/api/v1/partners/", PARTNER, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    assert Partner.objects.filter(name=PARTNER["name"]).exists()


def test_a_token_api_write_needs_no_csrf_token(city):
    from rest_framework.authtoken.models import Token

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=city['centre']).key}")
    assert client.post("/api/v1/partners/", PARTNER, format="json").status_code == 201


def test_logging_in_and_out_need_the_token_too(city, page):
    from django.test import Client

    from conftest import PASSWORD

    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/login/", {"username": "centre", "password": PASSWORD}).status_code == 403
    assert "_auth_user_id" not in anonymous.session
    assert page.post("/logout/").status_code == 403
    assert page.get("/projects/").status_code == 200  # still signed in
