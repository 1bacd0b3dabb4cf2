"""Request dependencies for portal pages: the hub state, the visitor, CSRF-checked forms.

The portal shares the service's `app.state.hub` (settings, database); its own state
(config, login limiter) is created on first use and kept in `app.state.portal`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rulehub.server.api.deps import HubState, get_hub
from rulehub.server.models import Account
from rulehub.server.portal.config import PortalConfig
from rulehub.server.portal.login_limiter import LoginLimiter, login_limiter
from rulehub.server.portal.sessions import COOKIE, Visitor, csrf_ok, identify

MAX_FORM_FIELDS = 50
MAX_FORM_BYTES = 64 * 1024


class CsrfRejected(Exception):
    """A POST without this browser's CSRF token (rendered as a 403 page)."""


class LoginRequired(Exception):
    """A signed-in page requested without a session (redirects to /login)."""


@dataclass
class PortalState:
    config: PortalConfig
    limiter: LoginLimiter


_init_lock = threading.Lock()


def get_portal(request: Request) -> PortalState:
    state = getattr(request.app.state, "portal", None)
    if state is None:
        with _init_lock:
            state = getattr(request.app.state, "portal", None)
            if state is None:
                hub: HubState = get_hub(request)
                cfg = PortalConfig.from_env(hub.settings.keys_dir)
                state = PortalState(
                    config=cfg,
                    # Shared through the hub's Redis when RULEHUB_REDIS_URL is set, else per process.
                    limiter=login_limiter(per_key=cfg.login_limit, per_ip=cfg.login_ip_limit,
                                          window=cfg.login_window, store=hub.store),
                )
                request.app.state.portal = state
    return state


Hub = Annotated[HubState, Depends(get_hub)]
Portal = Annotated[PortalState, Depends(get_portal)]


def get_db_session(hub: Hub) -> Iterator[Session]:
    with hub.db.session() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db_session)]


def get_visitor(request: Request, portal: Portal, session: DbSession) -> Visitor:
    visitor = identify(session, portal.config, request.cookies.get(COOKIE))
    request.state.visitor = visitor
    return visitor


CurrentVisitor = Annotated[Visitor, Depends(get_visitor)]


def require_account(visitor: CurrentVisitor) -> Account:
    if visitor.account is None:
        raise LoginRequired()
    return visitor.account


SignedIn = Annotated[Account, Depends(require_account)]


async def checked_form(request: Request, portal: Portal, visitor: CurrentVisitor) -> FormData:
    """The POSTed form, after checking its csrf_token against this browser's cookie (else 403)."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_BYTES)
    except Exception:  # noqa: BLE001 - a malformed body is a rejected form, never a 500
        raise CsrfRejected() from None
    # A browser arriving without a cookie has no token to match yet: reject.
    if visitor.is_new_token or not csrf_ok(portal.config, visitor.token, form.get("csrf_token")):
        raise CsrfRejected()
    return form


Form = Annotated[FormData, Depends(checked_form)]
