"""An operator disabling or removing an account (`rulehub admin disable-account` /
`remove-account` run the service functions used here) against a live portal, on SQLite
and PostgreSQL: a browser already signed in is out at once, sign-in is refused, and
re-enabling needs a new sign-in (the old session does not come back)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal_server import PASSWORD, PortalServer, csrf_from
from rulehub.server.portal.models import PortalSession
from rulehub.server.services import accounts


def _login(portal: PortalServer, email: str) -> int:
    with portal.client() as c:
        r = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                   "password": PASSWORD})
        return r.status_code


def _sessions(portal: PortalServer, email: str) -> int:
    with portal.database.session() as s:
        account = accounts.get_account(s, email)
        return s.scalar(select(func.count()).select_from(PortalSession).where(PortalSession.account_id == account.id))


def test_disabling_signs_a_browser_out_at_once_and_enabling_does_not_revive_it(
    portal: PortalServer, user: tuple[str, str]
) -> None:
    email, _ = user
    with portal.login(email) as browser:
        assert browser.get("/dashboard").status_code == 200
        with portal.database.write_session() as s:
            accounts.disable_account(s, email)
        r = browser.get("/dashboard")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert _sessions(portal, email) == 0
        assert _login(portal, email) != 303  # the login form refuses it

        with portal.database.write_session() as s:
            accounts.enable_account(s, email)
        assert browser.get("/dashboard").status_code == 303  # still signed out: sign in again
    assert _login(portal, email) == 303


def test_removing_an_account_ends_its_sessions(portal: PortalServer) -> None:
    pub = portal.publisher(password=PASSWORD)
    member = f"{portal.unique('member')}@example.test"
    with portal.database.write_session() as s:
        accounts.create_account(s, member, pub.namespace, password=PASSWORD)
    with portal.login(member) as browser:
        assert browser.get("/dashboard").status_code == 200
        with portal.database.write_session() as s:
            accounts.remove_account(s, member)
        assert browser.get("/dashboard").status_code == 303
    assert _login(portal, member) != 303
