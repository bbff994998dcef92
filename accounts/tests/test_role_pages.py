"""Each demo user sees only its own navigation and home; everything else is a 403, never a 500."""

import re

import pytest
from django.urls import get_resolver

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


BUSINESS = {"centre", "fagai", "town_a", "platform", "evaluator", "leader", "deputy"}
CREATORS = {"centre", "town_a", "platform"}
PORTAL = {"deputy", "leader", "centre"}
VISIBLE_PROJECT = dict.fromkeys(["centre", "fagai", "leader", "deputy", "town_a"], 200) | {"*": 404}
# Every page and endpoint, with who may GET it: None for everyone, a set for those who get 200 (the
# others 403), or a mapping of user to status with "*" for the rest. A new URL must be added here.
PAGES = {
    "/projects/": BUSINESS,
    "/projects/new/": CREATORS,
    "/projects/{project}/": dict.fromkeys(["centre", "fagai", "leader", "deputy", "town_a"], 200) | {"*": 404},
    "/projects/{project}/edit/": {"centre": 200, "town_a": 200, "fagai": 403, "leader": 403, "deputy": 403, "*": 404},
    "/projects/{project}/transition/": {"*": 405},
    "/projects/{project}/attachments/": {"*": 405},
    "/projects/{project}/filings/": {"*": 405},
    "/projects/attachments/999999/": {"*": 404},
    "/projects/import/": CREATORS,
    "/projects/import/template.xlsx": BUSINESS,
    "/projects/import/999999/": {"*": 404},
    "/projects/import/999999/confirm/": {"*": 405},
    "/projects/export.xlsx": BUSINESS,
    "/projects/companies/": BUSINESS,
    "/projects/companies/new/": CREATORS,
    "/projects/companies/{company}/": dict.fromkeys(CREATORS, 200)
    | dict.fromkeys(BUSINESS - CREATORS, 403)
    | {"*": 404},
    "/projects/partners/": BUSINESS,
    "/projects/partners/new/": {"centre"},
    "/projects/partners/{partner}/": {"centre": 200} | dict.fromkeys(BUSINESS - {"centre"}, 403) | {"*": 404},
    "/projects/channels/": BUSINESS,
    "/projects/resources/": BUSINESS,
    "/projects/resources/parcel/": BUSINESS,
    "/projects/resources/parcel/{parcel}/allocate/": {"*": 405},
    "/projects/allocations/999999/release/": {"*": 405},
    "/projects/filings/": BUSINESS,
    "/decisions/": BUSINESS,
    "/decisions/projects/{project}/": dict.fromkeys(["centre", "fagai", "leader", "deputy", "town_a"], 200)
    | {"*": 404},
    "/decisions/projects/{project}/record/": {"*": 405},
    "/decisions/projects/{project}/members/": {"*": 405},
    "/decisions/projects/{project}/opinion/": dict.fromkeys(["centre", "fagai", "leader", "deputy", "town_a"], 403)
    | {"*": 404},
    "/decisions/projects/{project}/exemptions/": {"*": 405},
    "/decisions/exemptions/999999/decide/": {"*": 405},
    "/decisions/minutes/": BUSINESS,
    "/decisions/minutes/999999/": {"*": 404},
    "/decisions/minutes/999999/pdf/": {"*": 404},
    "/decisions/rules/": BUSINESS,
    "/monitoring/projects/{project}/": VISIBLE_PROJECT,
    "/monitoring/findings/": BUSINESS,
    "/monitoring/checks/run/": {"*": 405},
    "/monitoring/findings/{finding}/": dict.fromkeys(["centre", "fagai", "leader", "deputy", "town_a"], 200)
    | {"*": 404},
    "/monitoring/findings/{finding}/act/": {"*": 405},
    "/monitoring/data/": BUSINESS - {"evaluator"},
    "/monitoring/data/submit/": {"*": 405},
    "/monitoring/data/template.xlsx": BUSINESS - {"evaluator"},
    "/monitoring/data/import/": {"fagai"},
    "/monitoring/equity-changes/": BUSINESS,
    "/incentives/": BUSINESS,
    "/assessment/": BUSINESS,
    "/assessment/dashboard/": BUSINESS,
    "/assessment/indicators/": BUSINESS,
    "/assessment/publish/": {"*": 405},
    "/assessment/reports/999999/": dict.fromkeys(BUSINESS, 404) | {"*": 403},
    "/assessment/reports/999999/report.xlsx": dict.fromkeys(BUSINESS, 404) | {"*": 403},
    "/assessment/reports/999999/report.pdf": dict.fromkeys(BUSINESS, 404) | {"*": 403},
    "/incentives/funds/1999/": dict.fromkeys(BUSINESS, 404) | {"*": 403},
    "/incentives/projects/{project}/": VISIBLE_PROJECT,
    "/incentives/requests/999999/": {"*": 404},
    "/incentives/requests/999999/approve/": {"*": 405},
    "/incentives/requests/999999/notice/request.pdf": {"*": 404},
    "/incentives/clawbacks/": BUSINESS,
    "/incentives/clawbacks/999999/repay/": {"*": 405},
    "/incentives/policies/": BUSINESS,
    "/api/v1/funds/": BUSINESS,
    "/api/v1/funds/1999/": dict.fromkeys(BUSINESS, 404) | {"*": 403},
    "/api/v1/policies/": BUSINESS,
    "/api/v1/projects/{project}/incentives/": VISIBLE_PROJECT,
    "/api/v1/incentive-requests/": BUSINESS,
    "/api/v1/incentive-requests/999999/": {"*": 404},
    "/api/v1/incentive-requests/999999/approve/": {"*": 405},
    "/api/v1/incentive-requests/999999/refuse/": {"*": 405},
    "/api/v1/incentive-requests/999999/pay/": {"*": 405},
    "/api/v1/incentive-requests/999999/reverse/": {"*": 405},
    "/api/v1/incentive-refusals/": BUSINESS,
    "/api/v1/clawbacks/": BUSINESS,
    "/api/v1/clawbacks/999999/repayments/": {"*": 405},
    "/monitoring/equity-changes/template.xlsx": BUSINESS,
    "/monitoring/equity-changes/import/": set(),  # 市场监管局 only; no such user in this table
    "/api/v1/projects/{project}/indicators/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/indicators/tax/2025/": {"*": 405},
    "/api/v1/projects/{project}/grades/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/land-contracts/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/agreement/": {"*": 404},  # none signed yet
    "/api/v1/findings/": BUSINESS,
    "/api/v1/findings/{finding}/": VISIBLE_PROJECT,
    "/api/v1/findings/{finding}/actions/": {"*": 405},
    "/api/v1/equity-changes/": BUSINESS,
    "/api/v1/indicator-data/missing/": BUSINESS - {"evaluator"},
    "/api/v1/projects/": BUSINESS,
    "/api/v1/projects/{project}/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/transition/": VISIBLE_PROJECT,
    "/api/v1/companies/": BUSINESS,
    "/api/v1/companies/{company}/": dict.fromkeys(BUSINESS, 200) | {"*": 404},
    "/api/v1/partners/": BUSINESS,
    "/api/v1/partners/{partner}/": dict.fromkeys(BUSINESS, 200) | {"*": 404},
    "/api/v1/parcels/": BUSINESS,
    "/api/v1/factory-spaces/": BUSINESS,
    "/api/v1/energy-quotas/": BUSINESS,
    "/api/v1/allocations/": BUSINESS,
    "/api/v1/allocations/999999/release/": {"*": 405},
    "/api/v1/filings/": BUSINESS,
    "/api/v1/industries/": None,
    "/api/v1/projects/{project}/decision/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/decision/steps/": {"*": 405},
    "/api/v1/projects/{project}/evaluation/members/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/evaluation/opinions/": VISIBLE_PROJECT,
    "/api/v1/projects/{project}/exemptions/": {"*": 405},
    "/api/v1/exemptions/999999/decide/": {"*": 405},
    "/api/v1/minutes/": BUSINESS,
    "/api/v1/minutes/999999/": {"*": 404},
    "/api/v1/minutes/999999/supersede/": {"*": 405},
    "/api/v1/tier-rules/": None,
    "/api/v1/decision-queue/": None,
    "/": None,
    "/accounts/users/": {"sysadmin"},
    "/accounts/users/new/": {"sysadmin"},
    "/accounts/users/{town_a}/": {"sysadmin"},
    "/accounts/units/": {"sysadmin"},
    "/accounts/units/new/": {"sysadmin"},
    "/accounts/units/{unit}/": {"sysadmin"},
    "/accounts/security/": {"secadmin"},
    "/audit/": {"auditor"},
    "/audit/{entry}/": {"auditor"},
    "/audit/export.csv": {"auditor"},
    "/audit/export.xlsx": {"auditor"},
    "/tasks/": {"sysadmin", "centre"},
    "/oversight/": {"deputy", "leader", "centre"},
    "/oversight/proposals/": {"deputy", "leader", "centre"},
    "/oversight/decisions/": PORTAL,
    "/oversight/decisions/999999/": dict.fromkeys(PORTAL, 404) | {"*": 403},
    "/oversight/decisions/999999/minutes.pdf": dict.fromkeys(PORTAL, 404) | {"*": 403},
    "/oversight/projects/": PORTAL,
    "/oversight/projects/{project}/": PORTAL,
    "/oversight/findings/": PORTAL,
    "/oversight/findings/{finding}/": PORTAL,
    "/oversight/assessment/": PORTAL,
    "/oversight/assessment/999999/": dict.fromkeys(PORTAL, 404) | {"*": 403},
    "/oversight/assessment/999999/report.pdf": dict.fromkeys(PORTAL, 404) | {"*": 403},
    "/oversight/search/": PORTAL,
    "/oversight/confidential/": PORTAL,
    "/api/v1/oversight/decisions/": PORTAL,
    "/api/v1/oversight/decisions/999999/": dict.fromkeys(PORTAL, 404) | {"*": 403},
    "/api/v1/oversight/projects/": PORTAL,
    "/api/v1/oversight/projects/{project}/": PORTAL,
    "/api/v1/oversight/findings/": PORTAL,
    "/oversight/proposals/999999/": dict.fromkeys(["deputy", "leader", "centre"], 404) | {"*": 403},
    "/oversight/proposals/999999/report.pdf": dict.fromkeys(["deputy", "leader", "centre"], 404) | {"*": 403},
    "/oversight/proposals/999999/report.xlsx": dict.fromkeys(["deputy", "leader", "centre"], 404) | {"*": 403},
    "/oversight/proposals/measures/999999/status/": {"centre": 404, "*": 403},
    "/admin/": {"sysadmin"},
    "/api/v1/users/": {"sysadmin"},
    "/api/v1/users/{town_a}/": {"sysadmin", "secadmin"},
    "/api/v1/audit/entries/": {"auditor"},
    "/api/v1/me/": None,
    "/api/v1/units/": None,
}
ROLES = sorted(EXPECTED)


def test_the_page_table_covers_every_url():
    routes = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern) != "admin/":
                    walk(p.url_patterns, prefix + str(p.pattern))
            else:
                routes.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    unguarded = {"login/", "logout/", "i18n/setlang/", "healthz", "api/v1/auth/token/", "api/schema/", "api/docs/"}
    table = {re.sub(r"\{\w+\}|999999", "<int:pk>", url.lstrip("/")) for url in PAGES}
    concrete = {
        "resources/parcel/": "resources/<str:kind>/",
        "indicators/tax/2025/": "indicators/<str:indicator>/<int:year>/",
        "funds/1999/": "funds/<int:year>/",
        "incentives/requests/<int:pk>/approve/": "incentives/requests/<int:pk>/<str:action>/",
        "notice/request.pdf": "notice/<str:kind>.pdf",
    }
    for literal, route in concrete.items():
        table = {t.replace(literal, route) for t in table}
    missing = routes - unguarded - table - {"accounts/security/unlock/"}
    assert not missing, f"Add these URLs to PAGES with who may see them: {sorted(missing)}"


def _url(template, city):
    from accounts.models import Unit
    from audit.models import AuditEntry
    from monitoring.models import Finding
    from projects.models import Company, LandParcel, Partner, Project

    return template.format(
        town_a=city["town_a"].pk,
        unit=Unit.objects.get(code="zhouxiang").pk,
        entry=AuditEntry.objects.first().pk,
        project=Project.objects.get().pk,
        company=Company.objects.get().pk,
        partner=Partner.objects.get().pk,
        parcel=LandParcel.objects.get().pk,
        finding=Finding.objects.get().pk,
    )


@pytest.fixture
def business_data(city):
    from decimal import Decimal

    from accounts.models import Unit
    from monitoring.models import Finding
    from projects import services
    from projects.tests.factories import make_project

    project = make_project(city["centre"], unit_code="zhouxiang")
    Finding.objects.create(
        project=project, kind="missing_data", period="2025", severity="medium", owner=Unit.objects.get(code="centre")
    )
    services.partner_create(actor=city["centre"], name="上海慈溪商会", kind="chamber")
    services.resource_create(
        actor=city["zigui"], kind="parcel", code="P1", location="滨海", area_m2=Decimal(1), planned_use="工业"
    )


def _expected(spec, username, url=""):
    from accounts.middleware import deputy_may_open

    if username == "deputy" and not deputy_may_open(url):
        return 403  # the working pages, whatever the table says of the other roles: a deputy reads the portal
    if spec is None:
        return 200
    if isinstance(spec, set):
        return 200 if username in spec else 403
    return spec.get(username, spec.get("*", 403))


@pytest.mark.parametrize("username", ROLES)
def test_pages_outside_the_role_are_403_never_500(city, business_data, client_for, api_for, username):
    client = client_for(username)
    api = api_for(username)
    for template, spec in PAGES.items():
        url = _url(template, city)
        response = (api if url.startswith("/api/") else client).get(url, follow=url == "/")
        expected = _expected(spec, username, url)
        if expected != 403:
            assert response.status_code == expected, (url, response.status_code)
        elif url == "/admin/" and username != "deputy":  # the deputy is refused before the admin's own login
            assert response.status_code == 302, (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
            if url.startswith("/api/"):
                assert response.json()["detail"]
            else:
                assert 'data-testid="reason"' in response.content.decode()


def test_admin_refuses_non_sysadmin_by_redirect_to_its_login(client_for):
    response = client_for("centre").get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
