"""NPC deputies and the audit administrator change nothing: every non-GET is refused in one place."""

import pytest
from django.urls import get_resolver

from accounts.models import User


def _all_routes():
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                routes.append((prefix + str(p.pattern), p.name))

    walk(get_resolver().url_patterns)
    return routes


def _concrete(route, pk):
    import re

    path = "/" + re.sub(r"<(?:\w+:)?\w+>", str(pk), route)
    return path.replace("^", "").replace("$", "").replace("\\Z", "")


# Logging in and out, exchanging a password for a token, the language, and finishing one's own login (second
# factor, expired password): no business data, and every role must be able to (accounts.middleware).
EXEMPT = {"logout", "set_language", "login", "token", "second_factor", "password_change"}


def _row_counts():
    """Rows per table of every model but the audit trail's own (refusals are logged there)."""
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label != "audit" and not model._meta.proxy
    }


@pytest.mark.parametrize("username", ["deputy", "auditor"])
def test_every_non_get_url_is_403_for_read_only_roles(city, client_for, api_for, username):
    client = client_for(username)
    api = api_for(username)
    pk = city["town_a"].pk
    before = _row_counts()
    checked = 0
    for route, name in _all_routes():
        if name in EXEMPT or "(?P" in route:
            continue
        url = _concrete(route, pk)
        for method in ("post", "put", "patch", "delete"):
            for c in (client, api):
                response = getattr(c, method)(url, {}, content_type="application/json")
                assert response.status_code == 403, (method, url, response.status_code)
                checked += 1
    assert checked > 50
    assert User.objects.get(pk=pk).full_name == city["town_a"].full_name
    assert _row_counts() == before, "a refused request changed data"


def test_the_refusal_says_why(city, client_for, api_for):
    response = api_for("deputy").patch(f"/api/v1/users/{city['town_a'].pk}/", {"full_name": "x"}, format="json")
    assert response.status_code == 403
    assert "人大代表" in response.json()["detail"] or "NPC" in response.json()["detail"]
    page = client_for("deputy").post("/accounts/users/new/", {})
    assert page.status_code == 403
    assert 'data-testid="reason"' in page.content.decode()


def test_deputy_may_still_log_out_and_switch_language(client_for):
    client = client_for("deputy")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/logout/").status_code == 302
