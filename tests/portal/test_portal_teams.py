"""Teams and mailed links end to end, on SQLite and PostgreSQL, with real mail: the hub sends
over SMTP to an aiosmtpd server on loopback (tests/support/mailbox.py) and the tests follow
the links in the messages.

Attacks: a reused, expired or forged link; an invitation accepted while signed in as someone
else; telling which emails have accounts from "forgot password"; more members than seats.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from portal_server import PASSWORD, PortalServer, csrf_from, form_error, free_port
from sqlalchemy import select, update

from rulehub.server.models import Account, AccountToken, Invitation, utcnow
from rulehub.server.services import accounts, mail
from rulehub.server.services.mail import MailNotSent
from rulehub.server.settings import Settings
from tests.support.mailbox import Mailbox


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _verified_owner(portal: PortalServer, mailbox: Mailbox) -> tuple[httpx.Client, str]:
    c, email = portal.sign_up("owner")
    link = _path(Mailbox.link(mailbox.wait_for(email, "Verify your email")))
    form = c.get(link)
    assert form.status_code == 200 and "Verify my email" in form.text
    assert _account(portal, email).email_verified_at is None  # opening the link (a mail scanner) changes nothing
    r = c.post("/verify-email", data={"csrf_token": csrf_from(form.text), "token": link.split("token=", 1)[1]})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?verified=1"
    assert _account(portal, email).email_verified_at is not None
    return c, email


def _account(portal: PortalServer, email: str) -> Account:
    with portal.database.session() as s:
        account = s.scalars(select(Account).where(Account.email == email)).one()
        s.expunge(account)
        return account


def _invite(c: httpx.Client, email: str, role: str = "member") -> httpx.Response:
    return c.post("/team/invite", data={"csrf_token": csrf_from(c.get("/team").text), "email": email, "role": role})


def _accept(portal: PortalServer, link: str, password: str = PASSWORD) -> tuple[httpx.Client, httpx.Response]:
    c = portal.client()
    page = c.get(_path(link))
    token = _path(link).split("token=", 1)[1]
    csrf = csrf_from(page.text) if page.status_code == 200 else csrf_from(c.get("/login").text)
    return c, c.post("/invite", data={"csrf_token": csrf, "token": token, "password": password})


def test_invited_member_joins_and_the_owner_manages_roles_and_removes(portal: PortalServer, mailbox: Mailbox) -> None:
    owner, owner_email = _verified_owner(portal, mailbox)
    invitee = f"{portal.unique('dev')}@example.test"
    r = _invite(owner, invitee.upper())
    assert r.status_code == 303 and r.headers["location"] == "/team?invited=1"
    message = mailbox.wait_for(invitee, "invited you")
    assert owner_email in str(message["Subject"])
    member, r = _accept(portal, Mailbox.link(message))
    assert r.status_code == 303 and r.headers["location"] == "/dashboard?joined=1"
    assert "Welcome to the team" in member.get("/dashboard?joined=1").text
    joined = _account(portal, invitee)
    assert joined.tenant_id == _account(portal, owner_email).tenant_id and joined.role == "member"
    assert joined.email_verified_at is not None  # the link proved the address
    # Single use: the same link again is refused, with the same words as a forged one.
    _, r = _accept(portal, Mailbox.link(message))
    assert r.status_code == 400 and "not valid any more" in r.text
    # Roles, then removal behind a confirmation page.
    team = owner.get("/team").text
    assert f'data-label="Email" class="wrap">{invitee}' in team
    r = owner.post(f"/team/members/{joined.id}/role", data={"csrf_token": csrf_from(team), "role": "owner"})
    assert r.status_code == 303 and _account(portal, invitee).role == "owner"
    confirm = owner.get(f"/team/members/{joined.id}/remove")
    assert confirm.status_code == 200 and "Remove member" in confirm.text
    r = owner.post(f"/team/members/{joined.id}/remove", data={"csrf_token": csrf_from(confirm.text)})
    assert r.status_code == 303 and r.headers["location"] == "/team?removed=1"
    assert member.get("/dashboard").status_code == 303  # signed out: the account is gone
    # A member of another team cannot touch this one.
    stranger, _ = _verified_owner(portal, mailbox)
    r = stranger.post(f"/team/members/{_account(portal, owner_email).id}/remove",
                      data={"csrf_token": csrf_from(stranger.get("/team").text)})
    assert r.status_code == 404


def test_invitations_stop_at_the_seat_limit(portal: PortalServer, mailbox: Mailbox) -> None:
    owner, owner_email = _verified_owner(portal, mailbox)  # free plan: 3 seats, 1 used
    first, second, third = (f"{portal.unique('seat')}@example.test" for _ in range(3))
    assert _invite(owner, first).status_code == 303
    assert _invite(owner, second).status_code == 303
    r = _invite(owner, third)  # open invitations hold seats: a third would make 4 of 3
    assert r.status_code == 409 and "seats" in form_error(r.text)
    # Bypass attempt: the owner adds people behind the invitations' back (an operator fills the seats),
    # then both invitations are accepted: the second finds no seat.
    _, r = _accept(portal, Mailbox.link(mailbox.wait_for(first, "invited you")))
    assert r.status_code == 303
    with portal.database.write_session() as s:
        accounts.create_account(s, f"{portal.unique('op')}@example.test", accounts.get_account(s, owner_email).tenant.slug)
    _, r = _accept(portal, Mailbox.link(mailbox.wait_for(second, "invited you")))
    assert r.status_code == 409 and "seats" in r.text
    with portal.database.session() as s:
        assert s.scalars(select(Account).where(Account.email == second)).first() is None
        assert accounts.seat_usage(s, _account(portal, owner_email).tenant_id).used == 3


def test_an_invitation_is_not_accepted_by_another_signed_in_account(portal: PortalServer, mailbox: Mailbox) -> None:
    owner, owner_email = _verified_owner(portal, mailbox)
    invitee = f"{portal.unique('inv')}@example.test"
    assert _invite(owner, invitee).status_code == 303
    link = Mailbox.link(mailbox.wait_for(invitee, "invited you"))
    other, other_email = portal.sign_up("owner")  # signed in as someone else
    page = other.get(_path(link))
    assert page.status_code == 409 and "log out first" in page.text
    r = other.post("/invite", data={"csrf_token": csrf_from(page.text), "token": _path(link).split("token=")[1],
                                    "password": PASSWORD})
    assert r.status_code == 409
    assert _account(portal, other_email).tenant_id != _account(portal, owner_email).tenant_id
    with portal.database.session() as s:
        assert s.scalars(select(Account).where(Account.email == invitee)).first() is None
    # The real invitee still can.
    _, r = _accept(portal, link)
    assert r.status_code == 303


def test_expired_withdrawn_and_forged_invitations_are_refused(portal: PortalServer, mailbox: Mailbox) -> None:
    owner, _ = _verified_owner(portal, mailbox)
    late, withdrawn = (f"{portal.unique('x')}@example.test" for _ in range(2))
    assert _invite(owner, late).status_code == 303
    assert _invite(owner, withdrawn).status_code == 303
    with portal.database.write_session() as s:
        s.execute(update(Invitation).where(Invitation.email == late).values(expires_at=utcnow() - timedelta(minutes=1)))
        invitation_id = s.scalars(select(Invitation.id).where(Invitation.email == withdrawn)).one()
    r = owner.post(f"/team/invitations/{invitation_id}/withdraw", data={"csrf_token": csrf_from(owner.get("/team").text)})
    assert r.status_code == 303
    for email in (late, withdrawn):
        _, r = _accept(portal, Mailbox.link(mailbox.wait_for(email, "invited you")))
        assert r.status_code == 400 and "not valid any more" in r.text
    forged = Mailbox.link(mailbox.wait_for(late, "invited you")).split("token=")[0] + "token=" + "A" * 43
    _, r = _accept(portal, forged)
    assert r.status_code == 400 and "not valid any more" in r.text
    with portal.database.session() as s:
        assert s.scalars(select(Account).where(Account.email.in_([late, withdrawn]))).first() is None


def test_password_reset_by_mail_same_answer_for_unknown_emails(portal: PortalServer, mailbox: Mailbox) -> None:
    _, email = portal.sign_up("owner")
    unknown = f"{portal.unique('nobody')}@example.test"
    answers = []
    with portal.client() as c:
        for address in (email, unknown):
            r = c.post("/password/forgot", data={"csrf_token": csrf_from(c.get("/password/forgot").text),
                                                 "email": address})
            answers.append((r.status_code, r.headers["location"], c.get(r.headers["location"]).text.count("notice")))
    assert answers[0] == answers[1] == (303, "/password/forgot?sent=1", 1)
    link = Mailbox.link(mailbox.wait_for(email, "new RuleHub password"))
    assert mailbox.to(unknown) == []
    with portal.login(email) as old_browser:
        with portal.client() as c:
            form = c.get(_path(link))
            assert form.status_code == 200
            token = _path(link).split("token=")[1]
            r = c.post("/password/reset", data={"csrf_token": csrf_from(form.text), "token": token,
                                                "password": "a brand new password"})
            assert r.status_code == 303 and r.headers["location"] == "/login?reset=1"
            # Reused: refused.
            r = c.post("/password/reset", data={"csrf_token": csrf_from(form.text), "token": token,
                                                "password": "yet another password"})
            assert r.status_code == 400 and "not valid any more" in r.text
        assert old_browser.get("/dashboard").status_code == 303  # every session ended
    with portal.login(email, "a brand new password") as c:
        assert c.get("/dashboard").status_code == 200


def test_reset_links_expire_and_are_limited(portal: PortalServer, mailbox: Mailbox) -> None:
    _, email = portal.sign_up("owner")
    with portal.client() as c:
        for _ in range(5):
            c.post("/password/forgot", data={"csrf_token": csrf_from(c.get("/password/forgot").text), "email": email})
    mailbox.wait_for(email, "new RuleHub password")
    assert len([m for m in mailbox.to(email) if "password" in str(m["Subject"])]) == 3  # at most 3 an hour
    link = Mailbox.link(mailbox.wait_for(email, "new RuleHub password"))
    with portal.database.write_session() as s:
        s.execute(update(AccountToken).where(AccountToken.account_id == _account(portal, email).id)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    with portal.client() as c:
        r = c.get(_path(link))
        assert r.status_code == 400 and "not valid any more" in r.text


@pytest.mark.parametrize("field,limit", [("email", 254)])
def test_long_input_is_limited_on_the_server(portal: PortalServer, mailbox: Mailbox, field: str, limit: int) -> None:
    owner, _ = _verified_owner(portal, mailbox)
    team = owner.get("/team").text
    assert f'maxlength="{limit}"' in team
    r = owner.post("/team/invite", data={"csrf_token": csrf_from(team), field: "a" * 290 + "@example.test"})
    assert r.status_code == 400 and f"at most {limit}" in form_error(r.text)
    long_name = "k" * 300
    r = owner.post("/keys", data={"csrf_token": csrf_from(owner.get("/keys").text), "name": long_name,
                                  "scopes": "packs:read"})
    assert r.status_code == 400 and "at most 200" in r.text


def test_mail_to_an_unreachable_server_is_a_sentence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", smtp_host="127.0.0.1", smtp_port=free_port())
    with pytest.raises(MailNotSent, match="could not be sent"):
        mail.send(settings, "someone@example.test", "subject", "text")
