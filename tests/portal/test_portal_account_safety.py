"""Login throttling that strangers cannot turn into a lockout, end to end on SQLite and
PostgreSQL (issue 19 item 3; the policy is rulehub.server.portal.login_limiter):

- a stranger's wrong passwords slow down unknown browsers, never the owner's own browser
  (it carries the device cookie of an earlier sign-in);
- `X-Forwarded-For` moves a client to another address only when it comes from a trusted
  proxy (RULEHUB_TRUSTED_PROXIES), so nobody resets their own per-address count with it.
"""

from __future__ import annotations

import httpx

from portal_server import PASSWORD, PortalServer, csrf_from, form_error


def _login(client: httpx.Client, email: str, password: str, headers: dict[str, str] | None = None) -> httpx.Response:
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password}, headers=headers)


def _stranger(portal: PortalServer, email: str, password: str, headers: dict[str, str] | None = None) -> int:
    with portal.client() as c:
        return _login(c, email, password, headers).status_code


def test_strangers_wrong_passwords_do_not_lock_out_the_owner(portal: PortalServer) -> None:
    email = f"{portal.unique('owner')}@example.test"
    with portal.client() as owner_browser:
        r = owner_browser.post("/signup", data={"csrf_token": csrf_from(owner_browser.get("/signup").text),
                                                "email": email, "password": PASSWORD})
        assert r.status_code == 303  # this browser is now known for the account (its rh_device cookie)
        owner_browser.post("/logout", data={"csrf_token": csrf_from(owner_browser.get("/logout").text)})

        # Someone else guesses: 5 failures, then browsers unknown to the account wait (2 s, then
        # twice as long after each further failure), even with the right password.
        assert [_stranger(portal, email, f"guess {i}") for i in range(5)] == [400] * 5
        with portal.client() as other:
            r = _login(other, email, PASSWORD)
        assert r.status_code == 429 and "Too many failed attempts" in form_error(r.text)
        assert _stranger(portal, email, "guess 6") == 429

        # The owner, from their own browser, gets straight in with the right password.
        r = _login(owner_browser, email, PASSWORD)
        assert r.status_code == 303, form_error(r.text)
        assert r.headers["location"] == "/dashboard"

        # Their browser has its own count: its wrong passwords are throttled like anyone's.
        owner_browser.post("/logout", data={"csrf_token": csrf_from(owner_browser.get("/logout").text)})
        assert [_login(owner_browser, email, f"typo {i}").status_code for i in range(6)] == [400] * 5 + [429]


def test_spoofed_forwarded_for_does_not_reset_the_client_limit(proxy_portals: tuple[PortalServer, PortalServer]) -> None:
    untrusting, _ = proxy_portals
    # Each failure for a different email, so only the per-address count (3) can refuse.
    statuses = [_stranger(untrusting, f"{untrusting.unique('x')}@example.test", "wrong password",
                          {"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(5)]
    assert statuses == [400, 400, 400, 429, 429], statuses


def test_forwarded_for_is_honoured_from_a_trusted_proxy(proxy_portals: tuple[PortalServer, PortalServer]) -> None:
    _, behind_proxy = proxy_portals

    def attempt(client_ip: str) -> int:
        return _stranger(behind_proxy, f"{behind_proxy.unique('x')}@example.test", "wrong password",
                         {"X-Forwarded-For": f"{client_ip}, 127.0.0.1"})

    assert [attempt("203.0.113.7") for _ in range(4)] == [400, 400, 400, 429]
    assert attempt("203.0.113.8") == 400  # another client behind the same proxy has its own count
