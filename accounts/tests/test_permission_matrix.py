"""Who may open what: every URL pattern the resolver knows, for every role, in one table.

A URL the table does not name fails ``test_the_matrix_names_every_url``: a new page or endpoint cannot ship without
a decision about who sees it. Each row says what each role gets on GET and, for a door that writes, what it gets
when it writes (pages and API alike). The scoped rows ask for REAL objects of another unit: town_b's 观海卫镇
owns the project, its minutes, finding, document, exemption, incentive request, claw-back and import job, and
town_a, the platform and the evaluator asking for them by id get 404 (IDOR), while the units that see every
project get them. Codes: 200/201 done, 302 redirected (a page's refusal or outcome in a message), 400 the form or
body refused, 403 not allowed (with the reason), 404 outside the user's scope, 405 method not allowed, 409 refused
by the workflow's state. Never a 500.
"""

import datetime
import secrets
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver
from rest_framework.test import APIClient

ROLES = (
    "centre",
    "leader",
    "fagai",
    "jingxin",
    "zigui",
    "caizheng",
    "tongji",
    "shichang",
    "town_a",
    "town_b",
    "platform",
    "evaluator",
    "deputy",
    "sysadmin",
    "secadmin",
    "auditor",
)
BUREAUS = frozenset({"fagai", "jingxin", "zigui", "caizheng", "tongji", "shichang"})
LANDING = frozenset({"town_a", "town_b", "platform"})
# The working pages: every business role but the NPC deputy, who reads the oversight portal only.
STAFF = frozenset({"centre", "leader", "evaluator"}) | BUREAUS | LANDING
# The roles that see every project on the working pages (the deputy sees them too, in the portal).
SEE_ALL = frozenset({"centre", "leader"}) | BUREAUS
OWNER = "town_b"  # its unit owns every scoped object below
SEES_THEIRS = SEE_ALL | {OWNER}
PORTAL = frozenset({"centre", "leader", "deputy"})
READ_ONLY = frozenset({"deputy", "auditor"})  # every write refused, in one place (accounts.middleware)
INDICATOR_SUPPLIERS = frozenset({"fagai", "jingxin", "tongji"})  # of the bureaus here: shuiwu supplies tax


def answers(*pairs, rest):
    """{role: status}: the first group that names a role decides; ``rest`` for the others."""
    table = {}
    for group, status in pairs:
        for role in [group] if isinstance(group, str) else sorted(group):
            table.setdefault(role, status)
    unknown = set(table) - set(ROLES)
    assert not unknown, unknown
    return {role: table.get(role, rest) for role in ROLES}


def only(group, status=200, *, rest=403):
    return answers((group, status), rest=rest)


# Reads.
EVERYONE = answers(("deputy", 403), rest=200)  # signed-in reference data; the deputy keeps to the portal
WORK = only(STAFF)  # the shared libraries and lists: each list is scoped by its selector
SCOPED = answers((SEES_THEIRS, 200), ("deputy", 403), rest=404)  # another unit's object: not found
PORTAL_ONLY = only(PORTAL)
POST_ONLY = answers(("deputy", 403), rest=405)  # GET on a write-only door
CREATORS = frozenset({"centre"}) | LANDING


def write_scoped(allowed, status, *, also_seen_by=()):
    """A write on town_b's object: ``allowed`` get ``status``; those who see it but may not, 403; the rest, 404
    (the object is outside their scope); the read-only roles, 403 before the view. ``also_seen_by``: the evaluator
    sees the pending project, being in its evaluation group."""
    return answers((allowed, status), (READ_ONLY, 403), (SEES_THEIRS | set(also_seen_by), 403), rest=404)


def write_flat(allowed, status):
    return answers((allowed, status), rest=403)


class Write(NamedTuple):
    method: str  # post, put, patch
    expect: dict
    body: object = None  # ids -> the request body (pages: form fields; API: JSON)
    url: str = ""  # when it differs from the row's


class Row(NamedTuple):
    url: str
    get: dict
    writes: tuple = ()
    anonymous: int | None = None  # None: a page sends to the login (302), the API asks for credentials (401)


def _minute_body(number):
    return {
        "number": number,
        "meeting_date": "2026-03-02",
        "chair": "观海卫镇镇长",
        "attendees": "观海卫镇党政班子",
        "conclusion": "同意",
        "conditions": "",
    }


NO_TERMS = {"terms-TOTAL_FORMS": "0", "terms-INITIAL_FORMS": "0"}
OPINION = {
    d: {"rating": "good", "text": "符合要求"}
    for d in ("investor", "market", "technology", "finance", "output", "policy", "ecology")  # decisions.Dimension
}


def _exe(ids):
    # A program named as one: the upload is refused after the rule (the allowed user is told why, no file kept).
    return {"kind": "general", "file": SimpleUploadedFile("说明.exe", b"MZ\x90\x00")}


def _project_body(ids):
    return {
        "name": "矩阵项目",
        "investor": ids["company"],
        "industry": "38",
        "landing_unit": ids["unit"],
        "attracting_unit": ids["unit"],
        "channel": "direct",
        "total_investment": "30000000",
        "land_mode": "new_land",
        "land_area_m2": "20000",
    }


MATRIX = {
    # Shell and accounts ---------------------------------------------------------------------------------------
    "": Row("/", answers((READ_ONLY | {"sysadmin", "secadmin"}, 302), rest=200)),  # each role's home
    "login/": Row("/login/", answers(rest=302), anonymous=200),  # signed in already: sent home
    "logout/": Row("/logout/", answers(rest=405), anonymous=405),  # POST only
    "i18n/setlang/": Row("/i18n/setlang/", answers(rest=302), anonymous=302),
    "healthz": Row("/healthz", answers(rest=200), anonymous=200),
    "tasks/": Row("/tasks/", only({"centre", "sysadmin"})),
    "accounts/users/": Row("/accounts/users/", only("sysadmin")),
    "accounts/users/new/": Row(
        "/accounts/users/new/", only("sysadmin"), (Write("post", write_flat("sysadmin", 200), lambda ids: {}),)
    ),
    "accounts/users/<int:pk>/": Row(
        "/accounts/users/{user}/", only("sysadmin"), (Write("post", write_flat("sysadmin", 200), lambda ids: {}),)
    ),
    "accounts/units/": Row("/accounts/units/", only("sysadmin")),
    "accounts/units/new/": Row(
        "/accounts/units/new/", only("sysadmin"), (Write("post", write_flat("sysadmin", 200), lambda ids: {}),)
    ),
    "accounts/units/<int:pk>/": Row(
        "/accounts/units/{unit}/", only("sysadmin"), (Write("post", write_flat("sysadmin", 200), lambda ids: {}),)
    ),
    "accounts/security/": Row(
        "/accounts/security/", only("secadmin"), (Write("post", write_flat("secadmin", 200), lambda ids: {}),)
    ),
    "accounts/security/second-factor/reset/": Row(
        "/accounts/security/second-factor/reset/",
        POST_ONLY,
        (Write("post", write_flat("secadmin", 302), lambda ids: {"username": "sysadmin"}),),
    ),
    # Completing one's own login: every user changes their own password (the read-only roles too); the
    # administrators give their second factor (verified already here: sent on).
    "accounts/password/": Row(
        "/accounts/password/", answers(rest=200), (Write("post", answers(rest=200), lambda ids: {}),)
    ),
    "accounts/second-factor/": Row(
        "/accounts/second-factor/",
        only({"sysadmin", "secadmin", "auditor"}, 302),
        (Write("post", write_flat({"sysadmin", "secadmin", "auditor"}, 302), lambda ids: {}),),
    ),
    "accounts/security/unlock/": Row(
        "/accounts/security/unlock/",
        POST_ONLY,
        (Write("post", write_flat("secadmin", 302), lambda ids: {"username": "town_a"}),),  # not locked: told so
    ),
    "audit/": Row("/audit/", only("auditor")),
    "audit/export.csv": Row("/audit/export.csv", only("auditor")),
    "audit/export.xlsx": Row("/audit/export.xlsx", only("auditor")),
    "audit/<int:pk>/": Row("/audit/{entry}/", only("auditor")),
    "admin/": Row("/admin/", answers(("sysadmin", 200), ("deputy", 403), rest=302), anonymous=302),  # the admin's login
    # Projects --------------------------------------------------------------------------------------------------
    "projects/": Row("/projects/", WORK),
    "projects/new/": Row(
        "/projects/new/",
        answers((CREATORS, 200), rest=403),
        (Write("post", write_flat(CREATORS, 200), lambda ids: {}),),
    ),
    "projects/<int:pk>/": Row("/projects/{project}/", SCOPED),
    "projects/<int:pk>/edit/": Row(
        "/projects/{project}/edit/",
        answers(({"centre", OWNER}, 200), (SEES_THEIRS | {"deputy"}, 403), rest=404),
        (Write("post", write_scoped({"centre", OWNER}, 200), lambda ids: {}),),
    ),
    "projects/<int:pk>/transition/": Row(
        "/projects/{project}/transition/",
        POST_ONLY,
        # A move the state machine refuses: the allowed are told why (302), nothing moves.
        (Write("post", write_scoped({"centre", OWNER}, 302), lambda ids: {"target": "completed"}),),
    ),
    "projects/<int:pk>/attachments/": Row(
        "/projects/{project}/attachments/", POST_ONLY, (Write("post", write_scoped({"centre", OWNER}, 302), _exe),)
    ),
    "projects/<int:pk>/filings/": Row(
        "/projects/{project}/filings/",
        POST_ONLY,
        (
            Write(
                "post",
                write_scoped("fagai", 302),
                lambda ids: {
                    "kind": "filing",
                    "national_code": "2601-330282-04-01-000001",
                    "approving_unit": ids["fagai_unit"],
                    "date": "2026-03-01",
                },
            ),
        ),
    ),
    "projects/attachments/<int:pk>/": Row("/projects/attachments/{attachment}/", SCOPED),
    "projects/import/": Row(
        "/projects/import/", only(CREATORS), (Write("post", write_flat(CREATORS, 200), lambda ids: {}),)
    ),
    "projects/import/template.xlsx": Row("/projects/import/template.xlsx", WORK),
    # An import job is its uploader's alone.
    "projects/import/<int:pk>/": Row(
        "/projects/import/{import_job}/", answers((OWNER, 200), ("deputy", 403), rest=404)
    ),
    "projects/import/<int:pk>/confirm/": Row(
        "/projects/import/{import_job}/confirm/",
        POST_ONLY,
        (Write("post", answers((OWNER, 302), (READ_ONLY, 403), rest=404), lambda ids: {}),),  # refused job: 302
    ),
    "projects/export.xlsx": Row("/projects/export.xlsx", WORK),
    "projects/companies/": Row("/projects/companies/", WORK),
    "projects/companies/new/": Row(
        "/projects/companies/new/", only(CREATORS), (Write("post", write_flat(CREATORS, 200), lambda ids: {}),)
    ),
    "projects/companies/<int:pk>/": Row(
        "/projects/companies/{company}/",
        answers((CREATORS, 200), (STAFF | {"deputy"}, 403), rest=404),
        (Write("post", answers((CREATORS, 200), (STAFF | READ_ONLY, 403), rest=404), lambda ids: {}),),
    ),
    "projects/partners/": Row("/projects/partners/", WORK),
    "projects/partners/new/": Row(
        "/projects/partners/new/", only("centre"), (Write("post", write_flat("centre", 200), lambda ids: {}),)
    ),
    "projects/partners/<int:pk>/": Row(
        "/projects/partners/{partner}/",
        answers(("centre", 200), (STAFF | {"deputy"}, 403), rest=404),
        (Write("post", answers(("centre", 200), (STAFF | READ_ONLY, 403), rest=404), lambda ids: {}),),
    ),
    "projects/channels/": Row("/projects/channels/", WORK),
    "projects/resources/": Row("/projects/resources/", WORK),
    "projects/resources/<str:kind>/": Row(
        "/projects/resources/parcel/", WORK, (Write("post", write_flat("zigui", 200), lambda ids: {}),)
    ),
    "projects/resources/<str:kind>/<int:pk>/allocate/": Row(
        "/projects/resources/parcel/{spare_parcel}/allocate/",
        POST_ONLY,
        (
            Write(
                "post",
                answers(("zigui", 302), (STAFF | READ_ONLY, 403), rest=404),
                lambda ids: {"project": ids["project"]},
            ),
        ),
    ),
    "projects/allocations/<int:pk>/release/": Row(
        "/projects/allocations/{allocation}/release/",
        POST_ONLY,
        (Write("post", answers(("zigui", 302), (STAFF | READ_ONLY, 403), rest=404), lambda ids: {}),),
    ),
    "projects/filings/": Row("/projects/filings/", WORK),
    # Decisions -------------------------------------------------------------------------------------------------
    "decisions/": Row("/decisions/", WORK),
    "decisions/projects/<int:pk>/": Row("/decisions/projects/{project}/", SCOPED),
    "decisions/projects/<int:pk>/record/": Row(
        "/decisions/projects/{pending}/record/",
        POST_ONLY,
        (
            Write(
                "post",
                write_scoped(OWNER, 302, also_seen_by={"evaluator"}),  # the town's own decision
                lambda ids: {
                    "step": "local",
                    "outcome": "pass",
                    **_minute_body("观海卫决〔2026〕9号"),
                    **NO_TERMS,
                },
            ),
        ),
    ),
    "decisions/projects/<int:pk>/members/": Row(
        "/decisions/projects/{pending}/members/",
        POST_ONLY,
        (
            Write(
                "post",
                write_scoped({"centre", OWNER}, 302, also_seen_by={"evaluator"}),
                lambda ids: {"user": ids["tongji"]},
            ),
        ),
    ),
    "decisions/projects/<int:pk>/opinion/": Row(
        "/decisions/projects/{pending}/opinion/",
        answers(("evaluator", 200), (SEES_THEIRS | {"deputy"}, 403), rest=404),  # the group's members only
        (Write("post", write_scoped("evaluator", 200), lambda ids: {}),),
    ),
    "decisions/projects/<int:pk>/exemptions/": Row(
        "/decisions/projects/{project}/exemptions/",
        POST_ONLY,
        (
            Write(
                "post",
                write_scoped({"centre", OWNER}, 302),
                lambda ids: {"officials": "王某", "reason": "按规定履职，因市场变化未达产"},
            ),
        ),
    ),
    "decisions/exemptions/<int:pk>/decide/": Row(
        "/decisions/exemptions/{exemption}/decide/",
        POST_ONLY,
        (Write("post", write_scoped("leader", 302), lambda ids: {"approve": "0", "note": "证据不足"}),),
    ),
    "decisions/minutes/": Row("/decisions/minutes/", WORK),
    "decisions/minutes/<int:pk>/": Row(
        "/decisions/minutes/{minute}/",
        SCOPED,
        (Write("post", write_scoped(OWNER, 200), lambda ids: {}),),  # superseded by who issued it
    ),
    "decisions/minutes/<int:pk>/pdf/": Row("/decisions/minutes/{minute}/pdf/", SCOPED),
    "decisions/rules/": Row("/decisions/rules/", WORK, (Write("post", write_flat("centre", 200), lambda ids: {}),)),
    # Monitoring ------------------------------------------------------------------------------------------------
    "monitoring/projects/<int:pk>/": Row("/monitoring/projects/{project}/", SCOPED),
    "monitoring/findings/": Row("/monitoring/findings/", WORK),
    "monitoring/findings/<int:pk>/": Row("/monitoring/findings/{finding}/", SCOPED),
    "monitoring/findings/<int:pk>/act/": Row(
        "/monitoring/findings/{finding}/act/",
        POST_ONLY,
        (Write("post", write_scoped({"centre", OWNER}, 302), lambda ids: {"action": "rectify", "note": "整改中"}),),
    ),
    "monitoring/data/": Row("/monitoring/data/", only(STAFF - {"evaluator"})),
    "monitoring/data/submit/": Row(
        "/monitoring/data/submit/", POST_ONLY, (Write("post", write_flat(INDICATOR_SUPPLIERS, 302), lambda ids: {}),)
    ),
    "monitoring/data/template.xlsx": Row("/monitoring/data/template.xlsx", only(STAFF - {"evaluator"})),
    "monitoring/data/import/": Row(
        "/monitoring/data/import/",
        only(INDICATOR_SUPPLIERS),
        (Write("post", write_flat(INDICATOR_SUPPLIERS, 200), lambda ids: {}),),
    ),
    "monitoring/equity-changes/": Row(
        "/monitoring/equity-changes/", WORK, (Write("post", write_flat("shichang", 200), lambda ids: {}),)
    ),
    "monitoring/equity-changes/template.xlsx": Row("/monitoring/equity-changes/template.xlsx", WORK),
    "monitoring/equity-changes/import/": Row(
        "/monitoring/equity-changes/import/",
        only("shichang"),
        (Write("post", write_flat("shichang", 200), lambda ids: {}),),
    ),
    "monitoring/checks/run/": Row(
        "/monitoring/checks/run/", POST_ONLY, (Write("post", write_flat("centre", 302), lambda ids: {}),)
    ),
    # Incentives ------------------------------------------------------------------------------------------------
    "incentives/": Row("/incentives/", WORK, (Write("post", write_flat("caizheng", 200), lambda ids: {}),)),
    "incentives/funds/<int:year>/": Row(
        "/incentives/funds/{year}/",
        WORK,
        (Write("post", write_flat("caizheng", 302), lambda ids: {"budget_wan": "1"}),),  # under the floor: told so
    ),
    "incentives/projects/<int:pk>/": Row(
        "/incentives/projects/{project}/",
        SCOPED,
        (
            Write("post", write_scoped("centre", 400), lambda ids: {"form": "item"}),
            Write(
                "post",
                write_scoped(OWNER, 302),  # filed too early: refused by the rule, and recorded
                lambda ids: {"form": "req", "req-item": ids["item"], "req-amount_wan": "1", "req-evidence": "发票"},
            ),
        ),
    ),
    "incentives/requests/<int:pk>/": Row("/incentives/requests/{request}/", SCOPED),
    "incentives/requests/<int:pk>/<str:action>/": Row(
        "/incentives/requests/{request}/approve/",
        POST_ONLY,
        (
            Write("post", write_scoped("centre", 302), lambda ids: {}),
            Write(
                "post",
                write_scoped("centre", 302),
                lambda ids: {"reason": "材料不全"},
                "/incentives/requests/{request}/refuse/",
            ),
            Write("post", write_scoped("caizheng", 302), lambda ids: {}, "/incentives/requests/{request}/pay/"),
            Write(
                "post",
                write_scoped("caizheng", 302),
                lambda ids: {"reason": "错付"},
                "/incentives/requests/{request}/reverse/",
            ),
            Write("post", write_scoped((), 403), lambda ids: {}, "/incentives/requests/{request}/delete/"),
        ),
    ),
    "incentives/requests/<int:pk>/notice/<str:kind>.pdf": Row(
        "/incentives/requests/{request}/notice/request.pdf", SCOPED
    ),
    "incentives/clawbacks/": Row("/incentives/clawbacks/", WORK),
    "incentives/clawbacks/<int:pk>/repay/": Row(
        "/incentives/clawbacks/{clawback}/repay/",
        POST_ONLY,
        (Write("post", write_scoped("caizheng", 302), lambda ids: {"amount_wan": "1"}),),
    ),
    "incentives/policies/": Row("/incentives/policies/", WORK),
    # Assessment ------------------------------------------------------------------------------------------------
    # An empty POST leaves these forms unbound: the page again (200).
    "assessment/": Row("/assessment/", WORK, (Write("post", write_flat("centre", 200), lambda ids: {}),)),
    "assessment/dashboard/": Row("/assessment/dashboard/", WORK),
    "assessment/indicators/": Row(
        "/assessment/indicators/", WORK, (Write("post", write_flat("centre", 200), lambda ids: {}),)
    ),
    "assessment/publish/": Row(
        "/assessment/publish/", POST_ONLY, (Write("post", write_flat("centre", 302), lambda ids: {}),)
    ),
    # Every unit's rank and total; the per-metric detail of another unit is masked in the rows (assessment.detail).
    "assessment/reports/<int:pk>/": Row("/assessment/reports/{report}/", WORK),
    "assessment/reports/<int:pk>/report.xlsx": Row("/assessment/reports/{report}/report.xlsx", WORK),
    "assessment/reports/<int:pk>/report.pdf": Row("/assessment/reports/{report}/report.pdf", WORK),
    # The oversight portal --------------------------------------------------------------------------------------
    "oversight/": Row("/oversight/", PORTAL_ONLY),
    "oversight/decisions/": Row("/oversight/decisions/", PORTAL_ONLY),
    "oversight/decisions/<int:pk>/": Row("/oversight/decisions/{minute}/", PORTAL_ONLY),
    "oversight/decisions/<int:pk>/minutes.pdf": Row("/oversight/decisions/{minute}/minutes.pdf", PORTAL_ONLY),
    "oversight/projects/": Row("/oversight/projects/", PORTAL_ONLY),
    "oversight/projects/<int:pk>/": Row("/oversight/projects/{project}/", PORTAL_ONLY),
    "oversight/incentives/": Row("/oversight/incentives/", PORTAL_ONLY),
    "oversight/findings/": Row("/oversight/findings/", PORTAL_ONLY),
    "oversight/findings/<int:pk>/": Row("/oversight/findings/{finding}/", PORTAL_ONLY),
    "oversight/assessment/": Row("/oversight/assessment/", PORTAL_ONLY),
    "oversight/assessment/<int:pk>/": Row("/oversight/assessment/{report}/", PORTAL_ONLY),
    "oversight/assessment/<int:pk>/report.pdf": Row("/oversight/assessment/{report}/report.pdf", PORTAL_ONLY),
    "oversight/search/": Row("/oversight/search/?q=观海卫", PORTAL_ONLY),
    "oversight/confidential/": Row(
        "/oversight/confidential/", PORTAL_ONLY, (Write("post", write_flat("centre", 200), lambda ids: {}),)
    ),
    "oversight/proposals/": Row("/oversight/proposals/", PORTAL_ONLY),
    "oversight/proposals/<int:pk>/": Row("/oversight/proposals/{proposal}/", PORTAL_ONLY),
    "oversight/proposals/<int:pk>/report.pdf": Row("/oversight/proposals/{proposal}/report.pdf", PORTAL_ONLY),
    "oversight/proposals/<int:pk>/report.xlsx": Row("/oversight/proposals/{proposal}/report.xlsx", PORTAL_ONLY),
    "oversight/proposals/measures/<int:pk>/status/": Row(
        "/oversight/proposals/measures/{measure}/status/",
        only("centre"),
        (Write("post", write_flat("centre", 200), lambda ids: {}),),
    ),
    # The API: accounts and the audit trail ---------------------------------------------------------------------
    "api/v1/auth/token/": Row("/api/v1/auth/token/", answers(("deputy", 405), rest=405), anonymous=405),
    "api/v1/me/": Row("/api/v1/me/", answers(rest=200)),
    "api/v1/units/": Row("/api/v1/units/", EVERYONE),
    "api/v1/users/": Row(
        "/api/v1/users/",
        only("sysadmin"),
        (
            Write(
                "post",
                write_flat("sysadmin", 201),
                lambda ids: {
                    "username": "matrix_user",
                    "password": "Matrix-Passw0rd-2026",
                    "unit": ids["unit"],
                    "roles": ["landing_staff"],
                },
            ),
        ),
    ),
    "api/v1/users/<int:pk>/": Row(
        "/api/v1/users/{user}/",
        only({"sysadmin", "secadmin"}),
        # Everyone sees their own account; only the system administrator changes one.
        (
            Write(
                "patch",
                answers(("sysadmin", 200), ({"secadmin", OWNER} | READ_ONLY, 403), rest=404),
                lambda ids: {"full_name": "关落地"},
            ),
        ),
    ),
    "api/v1/audit/entries/": Row("/api/v1/audit/entries/", only("auditor")),
    # The API: projects and the shared libraries ----------------------------------------------------------------
    "api/v1/projects/": Row(
        "/api/v1/projects/",
        WORK,
        # Registered for town_b's unit: the centre and town_b may; another town may not (403).
        (Write("post", write_flat({"centre", OWNER}, 201), _project_body),),
    ),
    "api/v1/projects/<int:pk>/": Row(
        "/api/v1/projects/{project}/",
        SCOPED,
        (Write("patch", write_scoped({"centre", OWNER}, 200), lambda ids: {"description": "矩阵"}),),
    ),
    "api/v1/projects/<int:pk>/transition/": Row(
        "/api/v1/projects/{project}/transition/",
        SCOPED,
        (Write("post", write_scoped({"centre", OWNER}, 409), lambda ids: {"target": "completed"}),),
    ),
    "api/v1/companies/": Row(
        "/api/v1/companies/",
        WORK,
        (
            Write(
                "post",
                write_flat(CREATORS, 201),
                lambda ids: {"name": "矩阵企业有限公司", "uscc": "91330100716105852F"},
            ),
        ),
    ),
    "api/v1/companies/<int:pk>/": Row(
        "/api/v1/companies/{company}/",
        answers((STAFF, 200), ("deputy", 403), rest=404),
        (
            Write(
                "patch",
                answers((CREATORS, 200), (STAFF | READ_ONLY, 403), rest=404),
                lambda ids: {"contact_name": "王经理"},
            ),
        ),
    ),
    "api/v1/partners/": Row(
        "/api/v1/partners/",
        WORK,
        (Write("post", write_flat("centre", 201), lambda ids: {"name": "矩阵商会", "kind": "chamber"}),),
    ),
    "api/v1/partners/<int:pk>/": Row("/api/v1/partners/{partner}/", answers((STAFF, 200), ("deputy", 403), rest=404)),
    "api/v1/parcels/": Row(
        "/api/v1/parcels/",
        WORK,
        (
            Write(
                "post",
                write_flat("zigui", 201),
                lambda ids: {"code": "MX-01", "location": "观海卫", "area_m2": "1000", "planned_use": "工业"},
            ),
        ),
    ),
    "api/v1/factory-spaces/": Row(
        "/api/v1/factory-spaces/",
        WORK,
        (
            Write(
                "post",
                write_flat("jingxin", 201),
                lambda ids: {"code": "MX-F1", "location": "观海卫", "area_m2": "500"},
            ),
        ),
    ),
    "api/v1/energy-quotas/": Row(
        "/api/v1/energy-quotas/",
        WORK,
        (
            Write(
                "post",
                write_flat("jingxin", 201),
                lambda ids: {"code": "MX-E1", "description": "能耗", "amount_tce": "100"},
            ),
        ),
    ),
    "api/v1/allocations/": Row(
        "/api/v1/allocations/",
        WORK,
        (
            Write(
                "post",
                write_scoped("zigui", 201),
                lambda ids: {"project": ids["project"], "parcel": ids["api_parcel"]},
            ),
        ),
    ),
    "api/v1/allocations/<int:pk>/release/": Row(
        "/api/v1/allocations/{allocation}/release/",
        POST_ONLY,
        (  # Released on the page a moment ago: 409.
            Write("post", answers(("zigui", 409), (STAFF | READ_ONLY, 403), rest=404), lambda ids: {}),
        ),
    ),
    "api/v1/filings/": Row(
        "/api/v1/filings/",
        WORK,
        (
            Write(
                "post",
                write_scoped("fagai", 201),
                lambda ids: {
                    "project": ids["project"],
                    "kind": "filing",
                    "national_code": "2601-330282-04-01-000002",
                    "approving_unit": ids["fagai_unit"],
                    "date": "2026-03-01",
                },
            ),
        ),
    ),
    "api/v1/industries/": Row("/api/v1/industries/", EVERYONE),
    # The API: decisions ----------------------------------------------------------------------------------------
    "api/v1/projects/<int:pk>/decision/": Row("/api/v1/projects/{project}/decision/", SCOPED),
    "api/v1/projects/<int:pk>/decision/steps/": Row(
        "/api/v1/projects/{pending}/decision/steps/",
        POST_ONLY,
        (
            Write(
                "post",
                # town_b recorded it on the page a moment ago: nothing is waiting any more (409).
                write_scoped(OWNER, 409, also_seen_by={"evaluator"}),
                lambda ids: {"step": "local", "outcome": "pass", "minute": _minute_body("观海卫决〔2026〕10号")},
            ),
        ),
    ),
    "api/v1/projects/<int:pk>/evaluation/members/": Row(
        "/api/v1/projects/{pending}/evaluation/members/",
        answers((SEES_THEIRS | {"evaluator"}, 200), ("deputy", 403), rest=404),
        (
            Write(
                "post",
                write_scoped({"centre", OWNER}, 400, also_seen_by={"evaluator"}),  # already in the group
                lambda ids: {"user": ids["tongji"]},
            ),
        ),
    ),
    "api/v1/projects/<int:pk>/evaluation/opinions/": Row(
        "/api/v1/projects/{pending}/evaluation/opinions/",
        answers((SEES_THEIRS | {"evaluator"}, 200), ("deputy", 403), rest=404),
        (
            Write(
                "post",
                write_scoped("evaluator", 201),
                lambda ids: {"ratings": OPINION, "conclusion": "建议引进", "recommend": True},
            ),
        ),
    ),
    "api/v1/projects/<int:pk>/exemptions/": Row(
        "/api/v1/projects/{project}/exemptions/",
        POST_ONLY,
        (
            Write(
                "post", write_scoped({"centre", OWNER}, 201), lambda ids: {"officials": "王某", "reason": "按规定履职"}
            ),
        ),
    ),
    "api/v1/exemptions/<int:pk>/decide/": Row(
        "/api/v1/exemptions/{exemption}/decide/",
        POST_ONLY,
        (Write("post", write_scoped("leader", 409), lambda ids: {"approve": False}),),  # decided on the page
    ),
    "api/v1/minutes/": Row("/api/v1/minutes/", WORK),
    "api/v1/minutes/<int:pk>/": Row("/api/v1/minutes/{minute}/", SCOPED),
    "api/v1/minutes/<int:pk>/supersede/": Row(
        "/api/v1/minutes/{minute}/supersede/",
        POST_ONLY,
        (Write("post", write_scoped(OWNER, 201), lambda ids: {"minute": _minute_body("观海卫决〔2026〕1号之一")}),),
    ),
    "api/v1/tier-rules/": Row(
        "/api/v1/tier-rules/",
        EVERYONE,  # the administrators' list is empty
        (
            Write(
                "post",
                write_flat("centre", 201),
                lambda ids: {
                    "effective_from": "2027-01-01",
                    "major_land_mu": "200",
                    "major_investment": "1000000000",
                    "office_land_mu": "50",
                    "office_investment": "100000000",
                },
            ),
        ),
    ),
    "api/v1/decision-queue/": Row("/api/v1/decision-queue/", EVERYONE),
    # The API: monitoring ---------------------------------------------------------------------------------------
    "api/v1/projects/<int:pk>/indicators/": Row("/api/v1/projects/{project}/indicators/", SCOPED),
    "api/v1/projects/<int:pk>/indicators/<str:indicator>/<int:year>/": Row(
        "/api/v1/projects/{project}/indicators/value_added/2025/",
        POST_ONLY,
        (Write("put", write_scoped("tongji", 201), lambda ids: {"value": "1000000"}),),  # the statistics bureau's
    ),
    "api/v1/projects/<int:pk>/grades/": Row("/api/v1/projects/{project}/grades/", SCOPED),
    "api/v1/projects/<int:pk>/land-contracts/": Row(
        "/api/v1/projects/{project}/land-contracts/",
        SCOPED,
        (
            Write(
                "post",
                write_scoped("zigui", 201),
                lambda ids: {
                    "number": "3302822026A00001",
                    "area_m2": "20000.00",
                    "price": "9000000.00",
                    "signed_on": "2026-03-10",
                    "delivery_date": "2026-04-01",
                    "construction_start_deadline": "2026-09-01",
                    "completion_deadline": "2027-09-01",
                },
            ),
        ),
    ),
    "api/v1/projects/<int:pk>/agreement/": Row(
        "/api/v1/projects/{project}/agreement/",
        SCOPED,
        (
            Write(
                "post",
                write_scoped({"centre", OWNER}, 409),  # signed already
                lambda ids: {
                    "number": "观履约〔2026〕2号",
                    "signed_on": "2026-03-10",
                    "investment_per_mu": "3000000",
                    "tax_per_mu": "300000",
                    "value_added_per_energy": "20000",
                },
            ),
        ),
    ),
    "api/v1/findings/": Row("/api/v1/findings/", WORK),
    "api/v1/findings/<int:pk>/": Row("/api/v1/findings/{finding}/", SCOPED),
    "api/v1/findings/<int:pk>/actions/": Row(
        "/api/v1/findings/{finding}/actions/",
        POST_ONLY,
        # Rectification started on the page a moment ago: the API resolves it.
        (Write("post", write_scoped({"centre", OWNER}, 200), lambda ids: {"action": "resolve", "note": "已整改"}),),
    ),
    "api/v1/equity-changes/": Row(
        "/api/v1/equity-changes/",
        WORK,
        (
            Write(
                "post",
                write_flat("shichang", 201),
                lambda ids: {
                    "company": ids["company"],
                    "registered_on": "2026-03-01",
                    "transferor": "甲",
                    "transferee": "乙",
                    "share": "10",
                    "change_of_control": False,
                    "approved": False,
                    "approval_reference": "",
                },
            ),
        ),
    ),
    "api/v1/indicator-data/missing/": Row("/api/v1/indicator-data/missing/", only(STAFF - {"evaluator"})),
    # The API: incentives ---------------------------------------------------------------------------------------
    "api/v1/funds/": Row(
        "/api/v1/funds/",
        WORK,
        (Write("post", write_flat("caizheng", 201), lambda ids: {"year": 2031, "budget": "20000000"}),),
    ),
    "api/v1/funds/<int:year>/": Row("/api/v1/funds/{year}/", WORK),
    "api/v1/policies/": Row(
        "/api/v1/policies/",
        WORK,
        (
            Write(
                "post",
                write_flat("centre", 201),
                lambda ids: {
                    "name": "矩阵政策",
                    "kind": "industry",
                    "document_number": "慈政发〔2026〕99号",
                    "issued_by": "慈溪市人民政府",
                    "valid_from": "2026-01-01",
                    "clauses": [],
                },
            ),
        ),
    ),
    "api/v1/projects/<int:pk>/incentives/": Row(
        "/api/v1/projects/{project}/incentives/",
        SCOPED,
        (
            Write(
                "post",
                write_scoped("centre", 201),
                lambda ids: {
                    "fund": ids["year"],
                    "clause": ids["clause"],
                    "title": "矩阵奖励",
                    "cap": "10000",
                    "condition": "stage",
                    "stage": "construction",
                    "earliest": "2026-06-01",
                },
            ),
        ),
    ),
    "api/v1/incentive-requests/": Row(
        "/api/v1/incentive-requests/",
        WORK,
        # Filed before the condition is met: refused by the rule (409), and recorded.
        (
            Write(
                "post",
                write_scoped(OWNER, 409),
                lambda ids: {"item": ids["item"], "amount": "1000", "evidence": "发票"},
            ),
        ),
    ),
    "api/v1/incentive-requests/<int:pk>/": Row("/api/v1/incentive-requests/{request}/", SCOPED),
    "api/v1/incentive-requests/<int:pk>/approve/": Row(
        "/api/v1/incentive-requests/{request}/approve/",
        POST_ONLY,
        (Write("post", write_scoped("centre", 409), lambda ids: {}),),  # refused on the page already
    ),
    "api/v1/incentive-requests/<int:pk>/refuse/": Row(
        "/api/v1/incentive-requests/{request}/refuse/",
        POST_ONLY,
        (Write("post", write_scoped("centre", 409), lambda ids: {"reason": "材料不全"}),),
    ),
    "api/v1/incentive-requests/<int:pk>/pay/": Row(
        "/api/v1/incentive-requests/{request}/pay/",
        POST_ONLY,
        (Write("post", write_scoped("caizheng", 409), lambda ids: {}),),  # not approved
    ),
    "api/v1/incentive-requests/<int:pk>/reverse/": Row(
        "/api/v1/incentive-requests/{request}/reverse/",
        POST_ONLY,
        (Write("post", write_scoped("caizheng", 409), lambda ids: {"reason": "错付"}),),  # not paid
    ),
    "api/v1/incentive-refusals/": Row("/api/v1/incentive-refusals/", WORK),
    "api/v1/clawbacks/": Row("/api/v1/clawbacks/", WORK),
    "api/v1/clawbacks/<int:pk>/repayments/": Row(
        "/api/v1/clawbacks/{clawback}/repayments/",
        POST_ONLY,
        (Write("post", write_scoped("caizheng", 201), lambda ids: {"amount": "1000"}),),
    ),
    # The API: the oversight portal -----------------------------------------------------------------------------
    "api/v1/oversight/decisions/": Row("/api/v1/oversight/decisions/", PORTAL_ONLY),
    "api/v1/oversight/decisions/<int:pk>/": Row("/api/v1/oversight/decisions/{minute}/", PORTAL_ONLY),
    "api/v1/oversight/projects/": Row("/api/v1/oversight/projects/", PORTAL_ONLY),
    "api/v1/oversight/projects/<int:pk>/": Row("/api/v1/oversight/projects/{project}/", PORTAL_ONLY),
    "api/v1/oversight/findings/": Row("/api/v1/oversight/findings/", PORTAL_ONLY),
    # The schema and its documentation are public (they say how to authenticate).
    "api/schema/": Row("/api/schema/", answers(rest=200), anonymous=200),
    "api/docs/": Row("/api/docs/", answers(rest=200), anonymous=200),
}


def _routes():
    """Every URL pattern of the project: the admin site as one (it checks its own permission)."""
    routes = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern) == "admin/":
                    routes["admin/"] = None
                else:
                    walk(p.url_patterns, prefix + str(p.pattern))
            else:
                routes[prefix + str(p.pattern)] = p.callback

    walk(get_resolver().url_patterns)
    return routes


def test_the_matrix_names_every_url():
    routes = set(_routes())
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"Decide who may open these URLs and add them to MATRIX: {missing}"
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


def test_the_matrix_names_every_write_method_of_the_api():
    """An API view's write methods are each in the table (the pages' writes are probed by the table's rows)."""
    unlisted = []
    for route, callback in _routes().items():
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not route.startswith("api/v1/") or route == "api/v1/auth/token/":
            continue
        methods = {m for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)}
        listed = {w.method for w in MATRIX[route].writes}
        if methods != listed:
            unlisted.append((route, sorted(methods), sorted(listed)))
    assert not unlisted, unlisted


def build_world(city):
    """Real objects of one landing unit (town_b's 观海卫镇), for the scoped cases. Returns {name: object}."""
    from accounts.models import Unit
    from assessment import services as assessment
    from audit.models import AuditEntry
    from decisions import services as decisions
    from decisions.models import Step
    from incentives import services as incentives
    from incentives.models import ClawBack, CommitmentItem, Policy, Request
    from monitoring import services as monitoring
    from monitoring.models import Finding
    from oversight.models import Measure, Proposal
    from projects import services as projects
    from projects.models import ImportJob
    from projects.services import project_move
    from projects.stages import Stage
    from projects.tests.factories import make_company, make_project

    centre, town_b, zigui = city["centre"], city["town_b"], city["zigui"]
    unit = Unit.objects.get(code="guanhaiwei")
    company = make_company(centre)
    small = {"land_area_m2": Decimal(20000), "total_investment": Decimal(30_000_000), "company": company}
    # The project the rows ask for: decided by the town (its minutes), with a finding, a document, an
    # exemption, a parcel, a performance agreement, an incentive item, a filed request and a claw-back.
    project = make_project(centre, unit_code="guanhaiwei", **small)
    # The project waiting for the town's decision, the evaluator in its evaluation group.
    pending = make_project(centre, unit_code="guanhaiwei", **small)
    for p in (project, pending):
        for stage in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION):
            project_move(actor=centre, project=p, target=stage)
    decisions.evaluation_member_add(actor=centre, project=pending, user=city["evaluator"])
    minute_fields = _minute_body("观海卫决〔2026〕1号") | {"meeting_date": datetime.date(2026, 3, 2)}
    decisions.decision_record(actor=town_b, project=project, step=Step.LOCAL, outcome="pass", minute=minute_fields)
    project.refresh_from_db()
    parcel, spare_parcel, api_parcel = (
        projects.resource_create(
            actor=zigui, kind="parcel", code=f"GHW-0{n}", location="观海卫", area_m2=Decimal(20000), planned_use="工业"
        )
        for n in (1, 2, 3)
    )
    fund = incentives.fund_create(actor=city["caizheng"], year=2026, budget=Decimal(50_000_000))
    policy = incentives.policy_create(
        actor=centre,
        name="慈溪市促进制造业高质量发展若干政策",
        kind=Policy.Kind.INDUSTRY,
        document_number="慈政发〔2025〕1号",
        issued_by="慈溪市人民政府",
        valid_from=datetime.date(2025, 1, 1),
        valid_to=None,
        clauses=[{"number": "第五条", "title": "设备投资补助", "reward": "subsidy", "rate": 10, "cap": 5_000_000}],
    )
    item = incentives.item_create(
        actor=centre,
        project=project,
        fund=fund,
        clause=policy.clauses.get(),
        title="设备投资补助",
        cap=Decimal(1_000_000),
        condition=CommitmentItem.Condition.STAGE,
        stage=Stage.CONSTRUCTION,
        earliest=datetime.date(2026, 1, 1),
    )
    clawback = ClawBack.objects.create(project=project, amount=Decimal(50_000), reason="未达履约协议约定")
    clawback.items.add(item)
    monitoring.agreement_create(
        actor=town_b,
        project=project,
        number="观履约〔2026〕1号",
        signed_on=datetime.date(2026, 3, 10),
        investment_per_mu=Decimal(3_000_000),
        tax_per_mu=Decimal(300_000),
        value_added_per_energy=Decimal(20_000),
    )
    proposal = Proposal.objects.create(
        number="102",
        kind=Proposal.Kind.PROPOSAL,
        session="市十八届人大二次会议",
        year=2026,
        title="关于加强招商引资后续管理的建议",
        proposers="陈代表",
    )
    return {
        "project": project,
        "pending": pending,
        "minute": project.minutes.get(),
        "finding": Finding.objects.create(
            project=project, kind="missing_data", period="2025", severity="medium", owner=unit
        ),
        "attachment": projects.attachment_add(
            actor=town_b,
            project=project,
            uploaded_file=SimpleUploadedFile("尽调报告.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf"),
        ),
        "exemption": decisions.exemption_request(actor=town_b, project=project, officials="王某", reason="按规定履职"),
        "parcel": parcel,
        "spare_parcel": spare_parcel,
        "api_parcel": api_parcel,
        "allocation": projects.resource_allocate(actor=zigui, project=project, resource=parcel),
        "company": company,
        "partner": projects.partner_create(actor=centre, name="宁波观海卫商会", kind="chamber"),
        "fund": fund,
        "item": item,
        "request": Request.objects.create(item=item, amount=Decimal(100_000), evidence="设备发票", filed_by=town_b),
        "clawback": clawback,
        "import_job": ImportJob.objects.create(
            user=town_b, token=secrets.token_hex(16), original_name="观海卫项目.xlsx", status=ImportJob.Status.REFUSED
        ),
        "proposal": proposal,
        "measure": Measure.objects.create(
            proposal=proposal, order=1, title="项目库", reply_section="（一）", commitment="建立招商项目库"
        ),
        "report": assessment.report_publish(actor=centre, kind="monthly", year=2026, period=1),
        "unit": unit,
        "user": town_b,
        "entry": AuditEntry.objects.order_by("pk").first(),
    }


def world_ids(city, world):
    """The ids the rows' URLs and bodies name."""
    from accounts.models import Unit

    ids = {name: obj.pk for name, obj in world.items()}
    ids |= {
        "year": world["fund"].year,
        "clause": world["item"].clause_id,
        "fagai_unit": Unit.objects.get(code="fagai").pk,
        "tongji": city["tongji"].pk,
    }
    return ids


@pytest.fixture
def cheap_renderers(monkeypatch):
    """The documents' renderers stubbed: the matrix asks who gets a document, not how it looks (their own tests
    render them); WeasyPrint and the OpenAPI generator would take most of its time."""
    from drf_spectacular.views import SpectacularAPIView
    from rest_framework.response import Response

    pdf = b"%PDF-1.4\n%stub\n"
    monkeypatch.setattr("decisions.views_pdf.minute_pdf", lambda *a, **k: pdf)
    monkeypatch.setattr("decisions.pdf.minute_pdf", lambda *a, **k: pdf)
    monkeypatch.setattr("assessment.pdf.report_pdf", lambda *a, **k: pdf)
    monkeypatch.setattr("oversight.proposal_report.proposal_pdf", lambda *a, **k: pdf)
    monkeypatch.setattr("incentives.pdf.notice_pdf", lambda *a, **k: (pdf, "申请表"))
    monkeypatch.setattr(SpectacularAPIView, "_get_schema_response", lambda self, request: Response({}))


def _send(client, method, url, body):
    if url.startswith("/api/"):
        return getattr(client, method)(url, body, format="json")
    return client.post(url, body)


def _why_missing(response, url):
    """A 403 says why: the API's detail, the page's reason."""
    if url.startswith("/api/"):
        return "" if response.json().get("detail") else "no detail"
    return "" if 'data-testid="reason"' in response.content.decode() else "no reason shown"


def _check(wrong, method, url, expected, response):
    got = response.status_code
    if got != expected:
        wrong.append(f"{method} {url}: expected {expected}, got {got}")
    elif got == 403:
        problem = _why_missing(response, url)
        if problem:
            wrong.append(f"{method} {url}: 403 with {problem}")


@pytest.mark.parametrize("username", ROLES)
def test_the_matrix(city, client_for, api_for, cheap_renderers, settings, tmp_path, username):
    """Every row for one role: GET everything, then each write with its minimal body (what the allowed get is in
    the row); where the role may write, again with an empty body, which is refused cleanly (never a 500)."""
    settings.MEDIA_ROOT = tmp_path  # the documents and imports uploaded here
    ids = world_ids(city, build_world(city))
    page, api = client_for(username), api_for(username)
    wrong = []
    for row in MATRIX.values():
        url = row.url.format(**ids)
        _check(wrong, "GET", url, row.get[username], (api if url.startswith("/api/") else page).get(url))
    writes = [(write, (write.url or row.url).format(**ids)) for row in MATRIX.values() for write in row.writes]
    for write, url in writes:
        response = _send(api if url.startswith("/api/") else page, write.method, url, write.body(ids))
        _check(wrong, write.method.upper(), url, write.expect[username], response)
    for write, url in writes:
        if write.expect[username] not in (403, 404):
            got = _send(api if url.startswith("/api/") else page, write.method, url, {}).status_code
            if got >= 500 or got == 201:  # nothing is created from nothing
                wrong.append(f"{write.method.upper()} {url} with an empty body: {got}")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


class _AnyId(dict):
    def __missing__(self, key):
        return 1


def test_anonymous_users_are_sent_to_log_in(db, cheap_renderers):
    """Signed out: a page sends to the login, the API asks for credentials; only the rows that say so are open."""
    ids = _AnyId(year=2026)  # signed out, no object is looked up: any id will do
    client = Client()
    wrong = []
    for row in MATRIX.values():
        url = row.url.format_map(ids)
        expected = row.anonymous or (401 if url.startswith("/api/") else 302)
        response = client.get(url)
        if response.status_code != expected:
            wrong.append(f"GET {url}: expected {expected}, got {response.status_code}")
        elif expected == 302 and row.anonymous is None and not response["Location"].startswith("/login/"):
            wrong.append(f"GET {url}: sent to {response['Location']}, not the login")
        for write in row.writes:
            wurl = (write.url or row.url).format_map(ids)
            got = _send(APIClient() if wurl.startswith("/api/") else client, write.method, wurl, {}).status_code
            if got != (401 if wurl.startswith("/api/") else 302):
                wrong.append(f"{write.method.upper()} {wurl}: {got}")
    assert not wrong, "\n".join(wrong)
