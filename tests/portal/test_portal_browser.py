"""The portal in a real headless Chromium (Debian's /usr/bin/chromium) against the live server.

The main flow is the one a new customer follows: sign up, log in, create an API key, use
it through the API (a free pack downloads, a pro pack is refused), upgrade, download the
pro pack, browse the catalogue and read a rule's docs, check usage, log out.  Every page
is saved as a screenshot under test-artifacts/portal/.
"""

from __future__ import annotations

import re

import httpx
import pytest

from portal_server import ARTIFACTS, PASSWORD, PortalServer
from tests.support.environment import require_browser

pytestmark = pytest.mark.browser
require_browser()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save the page under test-artifacts/portal/ (`name` may have a folder), after checking
    every field on it has a <label>."""
    unlabelled = page.evaluate(
        "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
        ".filter(el => !el.labels || el.labels.length === 0).map(el => el.outerHTML)"
    )
    assert unlabelled == [], f"{name}: fields without a label: {unlabelled}"
    (ARTIFACTS / name).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _api_download(portal: PortalServer, api_key: str, name: str, version: str) -> httpx.Response:
    with httpx.Client(base_url=portal.base_url, timeout=30) as c:
        r = c.post("/v1/auth/token", json={"api_key": api_key})
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return c.get(f"/v1/packs/{name}/{version}/download", headers=headers)


def test_customer_journey(sqlite_portal: PortalServer, browser) -> None:  # type: ignore[no-untyped-def]
    portal = sqlite_portal
    pub = portal.publisher(password=PASSWORD)
    free_pack = portal.publish(pub, "http-basics", "1.4.0", tier="free", tags=("http", "security"), go=">=1.18")
    pro_pack = portal.publish(pub, "http-pro", "2.1.0", tier="pro", tags=("http", "performance"))
    email = f"{portal.unique('dana')}@example.test"

    context = browser.new_context(base_url=portal.base_url, viewport={"width": 1100, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Home: what it is, plans side by side.
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Rule packs for gocheck")
    plans = page.locator("table.plans thead th")
    assert plans.all_inner_texts() == ["Feature", "Free", "Pro", "Enterprise"]
    shot(page, "01-home")

    # Sign up (an inline error first, then for real).
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    assert page.locator("#password-error").inner_text() == "Use at least 8 characters."
    assert page.get_by_label("Password").get_attribute("aria-describedby") == "password-error"
    shot(page, "02-signup-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Team or organisation name").fill("Dana's Platform Team")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/dashboard?welcome=1")
    assert page.locator(".plan-name").inner_text() == "Free"
    shot(page, "03-dashboard-free")

    # Log out and back in.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/?signed_out=1")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#form-error").inner_text() == "Email or password is incorrect."
    shot(page, "04-login-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")

    # Create an API key: shown once, with a copy button (JS is on here).
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name", exact=True).fill("CI")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("API key").input_value()
    assert re.fullmatch(r"rh_[0-9a-f]{12}_[A-Za-z0-9_-]+", secret)
    assert page.get_by_role("button", name="Copy").is_visible()
    shot(page, "05-api-key-created")
    page.goto("/keys")
    assert secret not in page.content()
    assert page.locator("table.keys tbody tr").count() == 1

    # Use it through the API: the free plan covers the free pack only.
    assert _api_download(portal, secret, free_pack, "1.4.0").status_code == 200
    refused = _api_download(portal, secret, pro_pack, "2.1.0")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "plan_does_not_cover_tier"

    # Upgrade to Pro: a confirmation, Stripe's checkout page (the stand-in), then the plan starts
    # once the signed webhook says the payment is complete.
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_label(re.compile(r"^Pro \(")).check()
    page.get_by_role("button", name="Review the change…").click()
    page.wait_for_url("**/billing/change?plan=pro")
    assert "starts as soon as Stripe confirms the payment" in page.locator("#change-explanation").inner_text()
    shot(page, "06a-change-confirm")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/pay/cs_test_*")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/billing/return?session_id=cs_test_*")
    assert page.locator("#checkout-status").inner_text().startswith("Payment received")
    shot(page, "06b-payment-received")
    page.get_by_role("link", name="Go to the dashboard").click()
    assert page.locator(".plan-name").inner_text() == "Pro"
    shot(page, "06-dashboard-pro")
    assert _api_download(portal, secret, pro_pack, "2.1.0").status_code == 200

    # Usage: the chart and the per-pack table count those downloads.
    page.get_by_role("link", name="Usage").click()
    assert page.locator("svg.chart rect.bar").count() == 30
    assert "Downloads per day (last 30 days): 2" in page.get_by_role("heading", level=2).first.inner_text()
    rows = page.locator("table").last.locator("tbody tr")
    by_pack = {r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text() for r in rows.all()}
    assert by_pack == {free_pack: "1", pro_pack: "1"}
    shot(page, "07-usage")

    # Catalogue: filter by tag and tier, open a pack, read a rule's docs and the install snippet.
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_label("Search").fill(pub.namespace)
    page.get_by_label("Tier").select_option("pro")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("ul.packs li h2").all_inner_texts() == [pro_pack]
    page.get_by_label("Tier").select_option("")
    page.get_by_label("Tag").select_option("security")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("ul.packs li h2").all_inner_texts() == [free_pack]
    page.get_by_label("Tag").select_option("")
    page.get_by_label("Go version").fill("1.16")
    page.get_by_role("button", name="Filter").click()
    assert free_pack not in page.locator("ul.packs").inner_text()  # needs Go >= 1.18
    page.get_by_label("Go version").fill("1.22")
    page.get_by_role("button", name="Filter").click()
    shot(page, "08-catalog")
    page.get_by_role("link", name=free_pack).click()
    rule = page.locator("article.rule").first
    assert rule.get_by_role("heading", name="What it does").is_visible()
    assert "defer resp.Body.Close()" in rule.locator("pre code").last.inner_text()
    assert '<script>alert("xss")</script>' in rule.inner_text()  # shown as text, not run
    assert page.locator("#snippet").inner_text() == f'[packs]\n"{free_pack}" = "^1.4"'
    shot(page, "09-pack-docs")

    # Log out: the dashboard is gone.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/?signed_out=1")
    assert page.get_by_role("status").inner_text() == "You are logged out."
    page.goto("/dashboard")
    assert "/login" in page.url
    shot(page, "10-logged-out-login")
    assert errors == []
    context.close()


def test_publisher_pages_and_yank(sqlite_portal: PortalServer, browser) -> None:  # type: ignore[no-untyped-def]
    portal = sqlite_portal
    pub = portal.publisher(password=PASSWORD)
    name = portal.publish(pub, "nilness-plus", "0.9.0", tier="enterprise", tags=("nil",))
    portal.publish(pub, "nilness-plus", "1.0.0", tier="enterprise", tags=("nil",))
    context = browser.new_context(base_url=portal.base_url, viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(pub.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    page.get_by_role("link", name="Publisher").click()
    assert page.get_by_role("heading", name=f"Namespace {pub.namespace}").is_visible()
    page.get_by_role("button", name=f"Yank {name} 1.0.0").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Yank {name} 1.0.0?"  # a confirmation step
    page.get_by_role("button", name="Yank 1.0.0").click()
    page.wait_for_url("**/publisher")
    assert page.get_by_role("button", name=f"Unyank {name} 1.0.0").is_visible()
    shot(page, "11-publisher-yanked")
    page.goto(f"/catalog/{name}")
    assert "yanked" in page.locator("table").first.inner_text()
    assert page.locator("#snippet").inner_text() == f'[packs]\n"{name}" = "^0.9"'
    context.close()


def test_core_flows_work_without_javascript_and_from_the_keyboard(sqlite_portal: PortalServer, browser) -> None:  # type: ignore[no-untyped-def]
    portal = sqlite_portal
    context = browser.new_context(base_url=portal.base_url, java_script_enabled=False)
    page = context.new_page()
    email = f"{portal.unique('kbd')}@example.test"
    page.goto("/signup")

    def tab_to(element_id: str) -> None:
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return
        raise AssertionError(f"#{element_id} is not reachable with Tab")

    # evaluate() works with page JS disabled (it runs in Playwright's isolated world).
    tab_to("email")
    page.keyboard.type(email)
    tab_to("password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard?welcome=1")

    page.goto("/keys")
    tab_to("key-name")
    page.keyboard.type("no-js")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    secret = page.get_by_label("API key").input_value()
    assert secret.startswith("rh_")
    assert not page.get_by_role("button", name="Copy").is_visible()  # the enhancement stays hidden without JS
    shot(page, "12-no-js-key")

    page.goto("/dashboard")
    page.get_by_label(re.compile(r"^Pro \(")).check()
    page.get_by_role("button", name="Review the change…").click()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/billing/return?session_id=cs_test_*")
    page.goto("/dashboard")
    assert page.locator(".plan-name").inner_text() == "Pro"
    page.get_by_role("link", name="Cancel subscription…").click()
    page.wait_for_url("**/dashboard/cancel")
    page.get_by_role("button", name="Cancel at period end").click()
    page.wait_for_url("**/dashboard?scheduled=1")
    assert page.locator(".plan-name").inner_text() == "Pro"  # paid until the period end
    assert page.locator("#scheduled").inner_text().startswith("moves to Free on ")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/?signed_out=1")
    page.goto("/nonexistent-page")  # the API's 404 for unknown paths, still no trace
    assert "Traceback" not in page.content()
    context.close()
