"""Invitations into a team and the mailed single-use links of accounts.

- `invite`: an owner invites an email with a role; pending invitations hold a seat, so a
  team cannot hand out more invitations than it has free seats.  The link's secret is
  returned once (for the mail); only its sha256 is stored.
- `accept_invitation`: creates the invited account (the email is proven by the link, so it is
  verified), through `accounts.create_account`, which enforces seats again.  Single use,
  expiring after INVITE_DAYS, void once revoked.
- `issue_token` / `use_token`: password-reset (1 hour) and email-verification (3 days)
  links, single use.  Asking for a reset answers the same for unknown emails.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rulehub.server.errors import BadRequest, Conflict, NotFound
from rulehub.server.models import Account, AccountToken, Invitation, utcnow
from rulehub.server.services import accounts

INVITE_DAYS = 7
TOKEN_LIFETIMES = {"reset_password": timedelta(hours=1), "verify_email": timedelta(days=3)}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LinkInvalid(BadRequest):
    """One answer for a link that is unknown, used, expired or revoked: no oracle."""

    status = 400
    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__("This link is not valid any more: it was used, it expired or it was withdrawn. "
                         "Ask for a new one.")


def pending_invitations(session: Session, tenant_id: int) -> list[Invitation]:
    now = utcnow()
    return list(session.scalars(select(Invitation).where(
        Invitation.tenant_id == tenant_id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).order_by(Invitation.id)))


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    secret: str


def invite(session: Session, owner: Account, email: str, role: str = "member") -> NewInvitation:
    accounts.require_owner(owner, "invite people")
    if role not in ("owner", "member"):
        raise BadRequest("role must be owner or member", code="invalid_role")
    email = email.strip().lower()
    if not accounts.EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise BadRequest(f"{email[:80]!r} is not an email address", code="invalid_email")
    tenant = accounts.get_tenant(session, owner.tenant.slug, lock=True)
    if session.scalars(select(Account).where(Account.email == email)).first():
        raise Conflict(f"{email} already has a RuleHub account; an account belongs to one team",
                       code="account_exists")
    pending = pending_invitations(session, tenant.id)
    if any(i.email == email for i in pending):
        raise Conflict(f"{email} is already invited", code="already_invited")
    seats = accounts.seat_usage(session, tenant.id)
    if seats.used + len(pending) >= seats.limit:
        raise Conflict(f"your team uses {seats.used} of its {seats.limit} seats and has {len(pending)} open "
                       "invitation(s): upgrade the plan or withdraw an invitation first", code="seats_exhausted")
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(tenant_id=tenant.id, email=email, role=role, token_hash=_hash(secret),
                            invited_by=owner.id, expires_at=utcnow() + timedelta(days=INVITE_DAYS))
    session.add(invitation)
    session.flush()
    return NewInvitation(invitation, secret)


def open_invitation(session: Session, secret: str) -> Invitation:
    """The invitation of a link, if it can still be accepted; LinkInvalid otherwise."""
    invitation = session.scalars(select(Invitation).where(Invitation.token_hash == _hash(secret[:200]))).first()
    if (invitation is None or invitation.accepted_at is not None or invitation.revoked_at is not None
            or invitation.expires_at <= utcnow()):
        raise LinkInvalid()
    return invitation


def accept_invitation(session: Session, secret: str, password_hash: str) -> Account:
    invitation = open_invitation(session, secret)
    tenant = accounts.get_tenant_by_id(session, invitation.tenant_id)
    invitation.accepted_at = utcnow()  # single use (a refused account rolls this back with it)
    account = accounts.create_account(session, invitation.email, tenant.slug, role=invitation.role)
    account.password_hash = password_hash
    account.email_verified_at = utcnow()
    session.flush()
    return account


def revoke_invitation(session: Session, owner: Account, invitation_id: int) -> Invitation:
    accounts.require_owner(owner, "withdraw invitations")
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.tenant_id != owner.tenant_id:
        raise NotFound("no such invitation", code="invitation_not_found")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
    return invitation


def members(session: Session, tenant_id: int) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.tenant_id == tenant_id).order_by(Account.email)))


def member_of(session: Session, owner: Account, account_id: int, doing: str) -> Account:
    """An account of the owner's own team (NotFound for anyone else's)."""
    accounts.require_owner(owner, doing)
    account = session.get(Account, account_id)
    if account is None or account.tenant_id != owner.tenant_id:
        raise NotFound("no such member of your team", code="account_not_found")
    return account


def issue_token(session: Session, account: Account, purpose: str) -> str:
    """A new single-use secret for `purpose`; older unused ones of the same purpose are void."""
    lifetime = TOKEN_LIFETIMES[purpose]
    now = utcnow()
    for old in session.scalars(select(AccountToken).where(AccountToken.account_id == account.id,
                                                          AccountToken.purpose == purpose,
                                                          AccountToken.used_at.is_(None))):
        old.used_at = now
    secret = secrets.token_urlsafe(32)
    session.add(AccountToken(account_id=account.id, purpose=purpose, token_hash=_hash(secret), expires_at=now + lifetime))
    session.flush()
    return secret


def peek_token(session: Session, secret: str, purpose: str) -> AccountToken:
    token = session.scalars(select(AccountToken).where(AccountToken.token_hash == _hash(secret[:200]),
                                                       AccountToken.purpose == purpose)).first()
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        raise LinkInvalid()
    return token


def use_token(session: Session, secret: str, purpose: str) -> Account:
    token = peek_token(session, secret, purpose)
    token.used_at = utcnow()
    account = session.get(Account, token.account_id)
    if account is None or account.disabled:
        raise LinkInvalid()
    return account


def recent_tokens(session: Session, account: Account, purpose: str, within: timedelta) -> int:
    return session.scalar(select(func.count(AccountToken.id)).where(
        AccountToken.account_id == account.id, AccountToken.purpose == purpose,
        AccountToken.created_at > utcnow() - within)) or 0
