"""Billing, teams and mailed links in a real headless Chromium, at a desktop width and at a
phone's 390 px: pricing, sign-up and email verification from the mail, an invitation
accepted from the mail in another browser, an upgrade paid on the (stand-in) Stripe
checkout page, a key created and reloaded (one key), revoke and cancel behind confirmation
pages, and a password reset from the mail.

Screenshots: test-artifacts/portal/billing/<viewport>-NN-<page>.png.
"""

from __future__ import annotations

import re

import pytest
from portal_server import PASSWORD, PortalServer
from test_portal_browser import shot

from rulehub.server.services import accounts
from tests.support.environment import require_browser
from tests.support.mailbox import Mailbox

pytestmark = pytest.mark.browser
require_browser()

VIEWPORTS = {"desktop": {"width": 1100, "height": 800}, "phone": {"width": 390, "height": 844}}


def _shot(page, viewport: str, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"billing/{viewport}-{name}")


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    """Nothing wider than the viewport (no sideways scrolling)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_billing_team_and_mail_journey(sqlite_portal: PortalServer, mailbox: Mailbox, browser, viewport: str) -> None:  # type: ignore[no-untyped-def]
    portal = sqlite_portal
    size = VIEWPORTS[viewport]
    owner_email = f"{portal.unique('olga')}@example.test"
    errors: list[str] = []

    def new_page():  # type: ignore[no-untyped-def]
        ctx = browser.new_context(base_url=portal.base_url, viewport=size)
        p = ctx.new_page()
        p.on("pageerror", lambda exc: errors.append(str(exc)))
        return ctx, p

    ctx, page = new_page()
    page.goto("/pricing")
    assert page.locator("table.pricing tbody tr").count() == 3
    assert page.locator("table.pricing td[data-label=Price]").first.inner_text() == "Free"
    _shot(page, viewport, "01-pricing")

    page.goto("/signup")
    page.get_by_label("Email").fill(owner_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/dashboard?welcome=1")
    assert page.locator("#verify-box").is_visible()
    page.goto(Mailbox.link(mailbox.wait_for(owner_email, "Verify your email")))
    page.get_by_role("button", name="Verify my email").click()
    page.wait_for_url("**/dashboard?verified=1")
    assert page.locator("#verify-box").count() == 0
    _shot(page, viewport, "02-dashboard-verified")

    # Invite a colleague; they accept from the mail in their own browser.
    colleague = f"{portal.unique('colin')}@example.test"
    page.goto("/team")
    page.get_by_label("Email").fill(colleague)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url("**/team?invited=1")
    assert colleague in page.locator("table.invitations").inner_text()
    _shot(page, viewport, "03-team-invited")
    ctx2, other = new_page()
    other.goto(Mailbox.link(mailbox.wait_for(colleague, "invited you")))
    _shot(other, viewport, "04-invite-accept")
    other.get_by_label("Choose a password").fill(PASSWORD)
    other.get_by_role("button", name="Join the team").click()
    other.wait_for_url("**/dashboard?joined=1")
    assert other.get_by_role("status").first.inner_text() == "Welcome to the team."
    ctx2.close()

    # Upgrade: confirmation, Stripe's page, back once paid.
    page.goto("/billing/change?plan=pro")
    _shot(page, viewport, "05-change-confirm")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/pay/cs_test_*")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/billing/return?session_id=cs_test_*")
    assert page.locator("#checkout-status").inner_text().startswith("Payment received")
    _shot(page, viewport, "06-payment-received")

    # A key with a 200-character name; reloading the page that shows it creates nothing.
    page.goto("/keys")
    name_field = page.get_by_label("Name", exact=True)
    assert name_field.get_attribute("maxlength") == "200"
    name_field.fill("ci-" + "k" * 300)  # the browser keeps 200
    assert len(name_field.input_value()) == 200
    page.get_by_role("button", name="Create key").click()
    page.wait_for_url("**/keys/new")
    secret = page.get_by_label("API key").input_value()
    assert secret.startswith("rh_")
    _shot(page, viewport, "07-key-created")
    page.reload()
    page.wait_for_url("**/keys")
    assert secret not in page.content()
    with portal.database.session() as s:
        assert len(accounts.list_api_keys(s, accounts.get_account(s, owner_email))) == 1
    page.get_by_role("link", name=re.compile(r"^Revoke key ci-k+ \(rh_")).click()
    page.wait_for_url("**/revoke")
    assert _fits(page), "the revoke confirmation scrolls sideways"
    _shot(page, viewport, "08-revoke-confirm")
    page.get_by_role("button", name="Revoke key").click()
    page.wait_for_url("**/keys?revoked=1")
    _shot(page, viewport, "09-key-revoked")

    # Cancel: a confirmation, then scheduled for the period end.
    page.goto("/dashboard")
    page.get_by_role("link", name="Cancel subscription…").click()
    _shot(page, viewport, "10-cancel-confirm")
    page.get_by_role("button", name="Cancel at period end").click()
    page.wait_for_url("**/dashboard?scheduled=1")
    assert page.locator("#scheduled").inner_text().startswith("moves to Free on ")
    _shot(page, viewport, "11-dashboard-scheduled")
    ctx.close()

    # Forgot password, from the mail, in a fresh browser.
    ctx3, fresh = new_page()
    fresh.goto("/login")
    fresh.get_by_role("link", name="Forgot your password?").click()
    fresh.get_by_label("Email").fill(owner_email)
    fresh.get_by_role("button", name="Mail me a link").click()
    fresh.wait_for_url("**/password/forgot?sent=1")
    _shot(fresh, viewport, "12-forgot-sent")
    fresh.goto(Mailbox.link(mailbox.wait_for(owner_email, "new RuleHub password")))
    fresh.get_by_label("New password").fill("another good password")
    fresh.get_by_role("button", name="Set password").click()
    fresh.wait_for_url("**/login?reset=1")
    fresh.get_by_label("Email").fill(owner_email)
    fresh.get_by_label("Password").fill("another good password")
    fresh.get_by_role("button", name="Log in").click()
    fresh.wait_for_url("**/dashboard")
    _shot(fresh, viewport, "13-logged-in-after-reset")
    ctx3.close()
    assert errors == []
