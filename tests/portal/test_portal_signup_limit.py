"""Sign-up says when an email is taken, so each such answer counts against the client
address's failed-login window: probing which emails have accounts is throttled like
password guessing, and never locks the account owner out."""

from __future__ import annotations

import httpx

from portal_server import PASSWORD, PortalServer, csrf_from, form_error
from rulehub.server.portal.login_limiter import LoginLimiter


def _signup(portal: PortalServer, email: str) -> httpx.Response:
    with portal.client() as c:
        return c.post("/signup", data={"csrf_token": csrf_from(c.get("/signup").text), "email": email,
                                       "password": PASSWORD})


def _login(portal: PortalServer, email: str) -> httpx.Response:
    with portal.client() as c:
        return c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                      "password": PASSWORD})


def test_probing_taken_emails_through_signup_is_throttled_per_address(strict_portal: PortalServer) -> None:
    portal = strict_portal
    # Sign-ups that succeed cost nothing: a team can create its accounts from one office.
    taken = [f"{portal.unique('member')}@example.test" for _ in range(3)]
    assert [_signup(portal, email).status_code for email in taken] == [303] * 3

    # Each "already exists" answer is one failure for this address (limit: 30 per 300 s).
    answers = [_signup(portal, taken[i % 3]) for i in range(30)]
    assert {r.status_code for r in answers} == {400}
    assert all("already exists" in r.text for r in answers)

    # The 31st probe, even of a new email, is refused before the form is looked at ...
    r = _signup(portal, f"{portal.unique('probe')}@example.test")
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 300
    assert "Too many attempts" in form_error(r.text)
    assert "already exists" not in r.text
    # ... and logging in from the address waits too: it is one window.
    assert _login(portal, taken[0]).status_code == 429


def test_signup_failures_count_for_the_address_only() -> None:
    limiter = LoginLimiter(per_key=2, per_ip=3, window=60)
    for _ in range(3):
        limiter.failed(None, "10.0.0.1")
    assert limiter.retry_after(None, "10.0.0.1") > 0
    assert limiter.retry_after("owner@x", "10.0.0.1") > 0  # the same address logging in
    assert limiter.retry_after("owner@x", "10.0.0.2") == 0  # the owner, elsewhere, is not locked out
