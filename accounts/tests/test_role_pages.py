"""Each demo user sees only its own navigation and home. Who may open every other URL is in test_permission_matrix."""

import pytest

LIBRARIES = {
    "Findings",
    "Projects",
    "Investors",
    "Resource library",
    "Investment project library",
    "Channels",
    "Decisions",
    "Minutes",
    "Incentives",
    "Assessment",
}
EXPECTED = {
    # username: (where home lands, navigation labels in English)
    "centre": ("/", {"Home", "Oversight portal", "Task runs", "Indicator data"} | LIBRARIES),
    "fagai": ("/", {"Home", "Indicator data"} | LIBRARIES),
    "town_a": ("/", {"Home", "Indicator data"} | LIBRARIES),
    "platform": ("/", {"Home", "Indicator data"} | LIBRARIES),
    "evaluator": ("/", {"Home"} | LIBRARIES),
    "leader": ("/", {"Home", "Oversight portal", "Indicator data"} | LIBRARIES),
    "deputy": ("/oversight/", {"Home", "Oversight portal"}),  # the portal only: it masks what is confidential
    "sysadmin": ("/accounts/users/", {"Home", "Users", "Units", "Administration", "Task runs"}),
    "secadmin": ("/accounts/security/", {"Home", "Security"}),
    "auditor": ("/audit/", {"Home", "Audit trail"}),
}
HOME_TESTID = {
    "centre": "work-queue",
    "fagai": "data-tasks",
    "town_a": "our-projects",
    "platform": "our-projects",
    "evaluator": "assignments",
    "leader": "dashboard",
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_home_and_navigation_per_role(client_for, username):
    client = client_for(username)
    client.cookies["django_language"] = "en"
    response = client.get("/", follow=True)
    assert response.status_code == 200
    landed, nav = EXPECTED[username]
    assert response.request["PATH_INFO"] == landed
    assert {str(item["label"]) for item in response.context["nav_items"]} == nav
    if username in HOME_TESTID:
        assert f'data-testid="{HOME_TESTID[username]}"' in response.content.decode()


def test_admin_refuses_non_sysadmin_by_redirect_to_its_login(client_for):
    response = client_for("centre").get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
