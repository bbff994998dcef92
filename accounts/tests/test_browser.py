"""Each demo user logs in through a real browser and lands on the home of its role."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LANDING = {
    "centre": ("/", "work-queue"),
    "fagai": ("/", "data-tasks"),
    "shuiwu": ("/", "data-tasks"),
    "town_a": ("/", "our-projects"),
    "town_b": ("/", "our-projects"),
    "platform": ("/", "our-projects"),
    "evaluator": ("/", "assignments"),
    "leader": ("/", "dashboard"),
    "deputy": ("/oversight/", None),
    "sysadmin": ("/accounts/users/", None),
    "secadmin": ("/accounts/security/", "locked-accounts"),
    "auditor": ("/audit/", "audit-entries"),
}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"Browser console errors: {errors}"


@pytest.mark.parametrize("username", sorted(LANDING))
def test_login_lands_on_the_role_home(live_server, city, page, username):
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].w-100")
    path, testid = LANDING[username]
    page.wait_for_url(f"{live_server.url}{path}")
    assert page.get_by_test_id("home-title").is_visible()
    if testid:
        assert page.get_by_test_id(testid).is_visible()
    assert city[username].full_name in page.get_by_test_id("whoami").inner_text()
    # Bootstrap's stylesheet really loaded: the navbar is laid out as a flex row.
    assert page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).display") == "flex"


def test_wrong_password_shows_the_reason_in_chinese(live_server, city, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "town_a")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit].w-100")
    assert "用户名或密码错误" in page.content()


def test_language_switch_to_english(live_server, city, page):
    page.goto(f"{live_server.url}/login/")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Investment project follow-up system"
