"""Each demo user logs in through a real browser and lands on the home of its role."""

import pytest

from accounts import totp
from accounts.models import SecondFactor
from conftest import PASSWORD

pytestmark = pytest.mark.browser

ADMINS = {"sysadmin", "secadmin", "auditor"}
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
    if username in ADMINS:  # then the second factor: the code of the pre-enrolled demo secret
        page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")
        page.fill("#id_code", totp.code_at(SecondFactor.objects.get(user__username=username).secret))
        page.click("[data-testid=second-factor-submit]")
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


def test_an_administrator_enrols_the_second_factor_at_the_first_login(live_server, city, page):
    SecondFactor.objects.filter(user__username="auditor").delete()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    assert page.get_by_test_id("totp-uri").inner_text().startswith("otpauth://totp/")
    page.goto(f"{live_server.url}/audit/")  # nothing else opens meanwhile
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/**")
    page.fill("#id_code", totp.code_at(secret))
    page.click("[data-testid=second-factor-submit]")
    page.wait_for_url(f"{live_server.url}/audit/")
    assert page.get_by_test_id("audit-entries").is_visible()


def test_an_expired_password_is_changed_first(live_server, city, page):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User

    User.objects.filter(username="town_a").update(password_changed_at=timezone.now() - timedelta(days=120))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "town_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{live_server.url}/accounts/password/**")
    assert page.get_by_test_id("password-expired").is_visible()
    page.fill("#id_current_password", PASSWORD)
    page.fill("#id_new_password", "Fresh-start-2027")
    page.fill("#id_new_password2", "Fresh-start-2027")
    page.click("[data-testid=password-change-submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("our-projects").is_visible()
