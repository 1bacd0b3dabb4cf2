"""Browser sessions, session cookies and CSRF tokens.

Every browser gets one cookie, `rh_session`, holding 256 random bits.  Anonymous
visitors' tokens are not stored anywhere: they only key the CSRF tokens of the sign-up and
log-in forms.  Logging in always mints a *new* token and stores sha256(token) in
`portal_sessions`; a token someone planted before login (session fixation) never becomes
a signed-in session.  Logging out deletes the row and rotates the cookie again.

CSRF tokens are HMAC(portal secret, cookie token): bound to this browser's cookie,
unforgeable without the server's secret, and need no storage.

A browser that signs in (or signs up) also gets a long-lived device cookie, `rh_device`:
`<random id>.<HMAC(portal secret, account id, email, id)>`.  It grants nothing by itself;
the login throttle (rulehub.server.portal.login_limiter) counts that browser's failures
apart from strangers', so guessing at an account never locks out its owner's own browser.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rulehub.server.models import Account, utcnow
from rulehub.server.portal.config import PortalConfig
from rulehub.server.portal.models import PortalSession

COOKIE = "rh_session"
DEVICE_COOKIE = "rh_device"
DEVICE_COOKIE_DAYS = 365
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_DEVICE_RE = re.compile(r"^([A-Za-z0-9_-]{22})\.([0-9a-f]{64})$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(cfg: PortalConfig, token: str) -> str:
    return hmac.new(cfg.secret, b"csrf\0" + token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(cfg: PortalConfig, token: str | None, presented: object) -> bool:
    if not token or not isinstance(presented, str) or not presented:
        return False
    return hmac.compare_digest(csrf_token(cfg, token), presented)


def is_https(request: Request, cfg: PortalConfig) -> bool:
    if request.url.scheme == "https":
        return True
    if cfg.trust_proxy:
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return proto == "https"
    return False


def set_cookie(response: Response, request: Request, cfg: PortalConfig, token: str, *, signed_in: bool) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=cfg.session_hours * 3600 if signed_in else None,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request, cfg),
    )


def _device_mac(cfg: PortalConfig, account: Account, device_id: str) -> str:
    message = f"device\0{account.id}\0{account.email}\0{device_id}".encode()
    return hmac.new(cfg.secret, message, hashlib.sha256).hexdigest()


def new_device_cookie(cfg: PortalConfig, account: Account) -> str:
    device_id = secrets.token_urlsafe(16)
    return f"{device_id}.{_device_mac(cfg, account, device_id)}"


def known_device(cfg: PortalConfig, account: Account | None, cookie: str | None) -> str | None:
    """The device id if `cookie` is a device cookie this server issued to `account`, else None."""
    match = _DEVICE_RE.fullmatch(cookie or "")
    if account is None or match is None:
        return None
    device_id, mac = match.groups()
    return device_id if hmac.compare_digest(_device_mac(cfg, account, device_id), mac) else None


def set_device_cookie(response: Response, request: Request, cfg: PortalConfig, account: Account) -> None:
    response.set_cookie(DEVICE_COOKIE, new_device_cookie(cfg, account), max_age=DEVICE_COOKIE_DAYS * 86400,
                        path="/", httponly=True, samesite="lax", secure=is_https(request, cfg))


@dataclass
class Visitor:
    """Who is browsing: the cookie token (new ones must be set on the response) and the account if signed in."""

    token: str
    is_new_token: bool
    account: Account | None
    csrf: str

    @property
    def signed_in(self) -> bool:
        return self.account is not None


def identify(session: Session, cfg: PortalConfig, cookie: str | None) -> Visitor:
    """The visitor behind a cookie value; a missing or malformed one gets a fresh anonymous token."""
    if not cookie or not _TOKEN_RE.match(cookie):
        token = new_token()
        return Visitor(token=token, is_new_token=True, account=None, csrf=csrf_token(cfg, token))
    row = session.get(PortalSession, token_hash(cookie))
    account = None
    if row is not None and row.expires_at > utcnow():
        candidate = session.get(Account, row.account_id)
        if candidate is not None and not candidate.disabled:
            account = candidate
    return Visitor(token=cookie, is_new_token=False, account=account, csrf=csrf_token(cfg, cookie))


def start_session(session: Session, cfg: PortalConfig, account: Account, old_token: str | None,
                  user_agent: str = "") -> str:
    """Sign `account` in with a brand-new token (never the one the browser arrived with)."""
    now = utcnow()
    if old_token:
        session.execute(delete(PortalSession).where(PortalSession.id_hash == token_hash(old_token)))
    session.execute(delete(PortalSession).where(PortalSession.expires_at < now))
    token = new_token()
    session.add(PortalSession(id_hash=token_hash(token), account_id=account.id, created_at=now,
                              expires_at=now + timedelta(hours=cfg.session_hours), user_agent=user_agent[:300]))
    session.flush()
    return token


def end_session(session: Session, token: str) -> None:
    session.execute(delete(PortalSession).where(PortalSession.id_hash == token_hash(token)))


def sessions_of(session: Session, account_id: int) -> list[PortalSession]:
    return list(session.scalars(select(PortalSession).where(PortalSession.account_id == account_id)))
