"""Request dependencies of the API and the portal, in one place (FastAPI `Annotated` style):

- `Hub` (the app's `HubState`: settings, database, metrics, rate limiters, portal config)
  and `SessionDep` (a read session), used by both;
- the API caller: `CurrentPrincipal` / `OptionalPrincipal` from a bearer access token,
  with the tenant's plan rate limit;
- the portal visitor: `CurrentVisitor` (from the session cookie), `SignedIn` (or a redirect
  to /login) and `Form` (a POSTed form whose CSRF token matched).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rulehub.server.core.ratelimit import TenantRateLimiter, retry_after_header, tenant_rate_limiter
from rulehub.server.core.security import Principal, PublicKeyCache, verify_token
from rulehub.server.core.shared_store import SharedStore
from rulehub.server.db import Database
from rulehub.server.errors import CsrfRejected, Forbidden, LoginRequired, RateLimited, Unauthorized
from rulehub.server.metrics import Metrics
from rulehub.server.models import Account
from rulehub.server.portal.config import PortalConfig
from rulehub.server.portal.login_limiter import LoginLimiter, login_limiter
from rulehub.server.portal.sessions import COOKIE, Visitor, csrf_ok, identify
from rulehub.server.services.accounts import get_plan, subscription_for, subscription_standing
from rulehub.server.settings import Settings


@dataclass
class HubState:
    """Everything one app instance shares across requests (held in app.state.hub).

    `store` is the shared rate-limit store (Redis) when settings.redis_url is set, else None;
    `limiter` keeps the tenant buckets in it, or in this process without one, and
    `login_limiter` the portal's failed logins.  `portal_config` is read from the
    RULEHUB_PORTAL_* variables (its secret created under keys/ on first start).
    """

    settings: Settings
    db: Database
    metrics: Metrics
    key_cache: PublicKeyCache = field(default_factory=PublicKeyCache)
    store: SharedStore | None = field(init=False)
    limiter: TenantRateLimiter = field(init=False)
    portal_config: PortalConfig = field(init=False)
    login_limiter: LoginLimiter = field(init=False)
    _limits: dict[int, tuple[int, float]] = field(default_factory=dict)
    _limits_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        errors = self.metrics.ratelimit_store_errors
        self.store = (SharedStore.from_url(self.settings.redis_url, prefix=self.settings.redis_prefix,
                                           on_error=lambda limiter: errors.labels(limiter).inc())
                      if self.settings.redis_url else None)
        self.limiter = tenant_rate_limiter(self.store)
        cfg = self.portal_config = PortalConfig.from_env(self.settings.keys_dir)
        self.login_limiter = login_limiter(per_key=cfg.login_limit, per_ip=cfg.login_ip_limit, window=cfg.login_window,
                                           max_wait=cfg.login_max_wait, store=self.store)

    def rate_limit_for(self, session: Session, tenant_id: int) -> int:
        """The tenant's plan limit, cached for 10 s so plan changes apply quickly but cheaply."""
        now = time.monotonic()
        with self._limits_lock:
            cached = self._limits.get(tenant_id)
        if cached and cached[1] > now:
            return cached[0]
        # The plan in force, as for downloads: a paid plan that lapsed past its grace days
        # (or was canceled) gives the free plan's limit, not the one it no longer pays for.
        found = subscription_for(session, tenant_id)
        in_force = found[1] if found and subscription_standing(*found) is None else get_plan(session, "free")
        limit = in_force.rate_limit_per_minute
        with self._limits_lock:
            self._limits[tenant_id] = (limit, now + 10.0)
        return limit


def get_hub(request: Request) -> HubState:
    return request.app.state.hub


Hub = Annotated[HubState, Depends(get_hub)]


def get_session(hub: Hub) -> Iterator[Session]:
    with hub.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be 'Bearer <access token>'", code="invalid_token")
    return token.strip()


def _principal(request: Request, hub: HubState, session: Session, token: str) -> Principal:
    principal = verify_token(session, hub.settings, token, hub.key_cache)
    wait = hub.limiter.take(principal.tenant_id, hub.rate_limit_for(session, principal.tenant_id))
    if wait > 0:
        raise RateLimited(
            f"rate limit of your plan exceeded; retry in {retry_after_header(wait)} s or upgrade your plan",
            headers={"Retry-After": retry_after_header(wait)},
        )
    request.state.principal = principal
    return principal


def current_principal(request: Request, hub: Hub, session: SessionDep) -> Principal:
    token = _bearer(request)
    if token is None:
        raise Unauthorized("missing access token; send 'Authorization: Bearer <token>' from POST /v1/auth/token",
                           code="missing_token")
    return _principal(request, hub, session, token)


def optional_principal(request: Request, hub: Hub, session: SessionDep) -> Principal | None:
    token = _bearer(request)
    return None if token is None else _principal(request, hub, session, token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_scope(principal: Principal, scope: str) -> None:
    if not principal.has(scope):
        raise Forbidden(f"this token lacks the {scope} scope", code="missing_scope")


# --- the portal visitor -------------------------------------------------------------------

MAX_FORM_FIELDS = 50
MAX_FORM_BYTES = 64 * 1024


def get_visitor(request: Request, hub: Hub, session: SessionDep) -> Visitor:
    visitor = identify(session, hub.portal_config, request.cookies.get(COOKIE))
    request.state.visitor = visitor
    return visitor


CurrentVisitor = Annotated[Visitor, Depends(get_visitor)]


def require_account(visitor: CurrentVisitor) -> Account:
    if visitor.account is None:
        raise LoginRequired()
    return visitor.account


SignedIn = Annotated[Account, Depends(require_account)]


async def checked_form(request: Request, hub: Hub, visitor: CurrentVisitor) -> FormData:
    """The POSTed form, after checking its csrf_token against this browser's cookie (else 403)."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_BYTES)
    except Exception:  # noqa: BLE001 - a malformed body is a rejected form, never a 500
        raise CsrfRejected() from None
    # A browser arriving without a cookie has no token to match yet: reject.
    if visitor.is_new_token or not csrf_ok(hub.portal_config, visitor.token, form.get("csrf_token")):
        raise CsrfRejected()
    return form


Form = Annotated[FormData, Depends(checked_form)]
