"""Seats on the dashboard: used and available next to the plan, and a downgrade below the
team's size shown, not hidden (nobody loses access)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from portal_server import PASSWORD, PortalServer, csrf_from
from rulehub.server.models import utcnow
from rulehub.server.services import accounts, billing


def _seats(html: str) -> str:
    match = re.search(r'<dd id="seats">(.*?)</dd>', html, re.S)
    assert match, "the dashboard shows no seats"
    return " ".join(match.group(1).split())


def _add_members(portal: PortalServer, owner: str, count: int, *, password: str | None = None) -> list[str]:
    emails = [f"{portal.unique('member')}@example.test" for _ in range(count)]
    with portal.database.write_session() as s:
        slug = accounts.get_account(s, owner).tenant.slug
        for email in emails:
            accounts.create_account(s, email, slug, password=password)
    return emails


def _switch(c: httpx.Client, plan: str) -> httpx.Response:
    """Choose `plan` through its confirmation page (a downgrade: scheduled for the period end)."""
    return c.post("/billing/change", data={"csrf_token": csrf_from(c.get(f"/billing/change?plan={plan}").text),
                                           "plan": plan})


def _period_ends(portal: PortalServer, email: str) -> None:
    """The paid period is over: the scheduled change is carried out (`rulehub admin billing settle`)."""
    with portal.database.write_session() as s:
        tenant = accounts.get_account(s, email).tenant
        sub, _ = accounts.subscription_for(s, tenant.id)  # type: ignore[misc]
        sub.current_period_end = utcnow() - timedelta(seconds=1)
        billing.settle(s, tenant)


def test_dashboard_shows_seats_used_and_available(portal: PortalServer, user: tuple[str, str]) -> None:
    email, _ = user
    with portal.login(email) as c:
        assert _seats(c.get("/dashboard").text) == "1 of 3 used, 2 available"
        _add_members(portal, email, 2)
        page = c.get("/dashboard").text
        assert _seats(page) == "3 of 3 used, 0 available" and 'id="seats-over"' not in page
        with portal.database.write_session() as s:  # paid for (tests/portal/test_portal_billing.py pays)
            accounts.grant_plan(s, accounts.get_account(s, email).tenant.slug, "pro")
        assert _seats(c.get("/dashboard").text) == "3 of 25 used, 22 available"
        r = c.post("/dashboard/cancel", data={"csrf_token": csrf_from(c.get("/dashboard/cancel").text)})
        assert r.status_code == 303
        assert _seats(c.get("/dashboard").text) == "3 of 25 used, 22 available"  # until the period end
        with portal.database.write_session() as s:
            tenant = accounts.get_account(s, email).tenant
            accounts.subscription_for(s, tenant.id)[0].current_period_end = utcnow() - timedelta(seconds=1)  # type: ignore[index]
        assert _seats(c.get("/dashboard").text) == (
            "3 of 3 used, 0 available (the free plan's seats while your team has no active subscription)")
        _period_ends(portal, email)
        assert _seats(c.get("/dashboard").text) == "3 of 3 used, 0 available"


def test_downgrade_below_the_team_is_shown_and_locks_nobody_out(portal: PortalServer) -> None:
    owner = portal.publisher(password=PASSWORD).email  # enterprise
    members = _add_members(portal, owner, 3, password=PASSWORD)
    with portal.login(owner) as c:
        page = c.get("/dashboard").text
        assert _seats(page) == "4 of 1,000 used, 996 available"
        free_choice = re.search(r'<label for="plan-free">(.*?)</label>', page, re.S)
        assert free_choice and "3 seats" in free_choice.group(1)
        assert "fewer than your 4 accounts" in free_choice.group(1)

        assert _switch(c, "free").status_code == 303  # allowed
        page = c.get("/dashboard?scheduled=1").text
        assert "takes effect at the end of the current period" in page
        assert _seats(page) == "4 of 1,000 used, 996 available"
        _period_ends(portal, owner)
        page = c.get("/dashboard").text
        assert _seats(page) == "4 of 3 used, 0 available"
        over = re.search(r'<p class="warn" id="seats-over"[^>]*>(.*?)</p>', page, re.S)
        assert over and "Everyone keeps access, but nobody new can join" in over.group(1)
    for member in members:  # every member still signs in
        with portal.login(member) as c:
            assert _seats(c.get("/dashboard").text) == "4 of 3 used, 0 available"
