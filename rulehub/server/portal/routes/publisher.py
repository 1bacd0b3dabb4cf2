"""Publisher pages: the tenant's namespaces, packs and versions; yank and unyank."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rulehub.server.core.security import Principal
from rulehub.server.errors import Forbidden
from rulehub.server.models import Account, utcnow
from rulehub.server.portal import queries
from rulehub.server.core.deps import Form, Hub, SessionDep, SignedIn
from rulehub.server.portal.rendering import PortalRoute, page, redirect
from rulehub.server.services import accounts, packs

router = APIRouter(route_class=PortalRoute, include_in_schema=False)


def _principal(account: Account, plan: str) -> Principal:
    """The signed-in owner as the service's Principal, so yanking runs the API's own checks."""
    return Principal(account_id=account.id, tenant_id=account.tenant_id, tenant=account.tenant.slug, plan=plan,
                     scopes=frozenset({"packs:publish"}), jti="", api_key_id="",
                     expires_at=utcnow() + timedelta(minutes=1))


@router.get("/publisher", response_class=HTMLResponse)
def publisher(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return page(request, "publisher.html", {"namespaces": queries.publisher_packs(session, account.tenant_id),
                                            "is_owner": account.role == "owner"})


def _set_yanked(request: Request, hub: Hub, account: Account, ns: str, name: str, version: str,
                yanked: bool) -> Response:
    if account.role != "owner":
        raise Forbidden("only the tenant's owner can yank versions", code="not_owner")
    with hub.db.write_session() as write:
        found = accounts.subscription_for(write, account.tenant_id)
        acct = write.get(Account, account.id)
        packs.set_yanked(write, hub.settings, _principal(acct, found[1].name if found else "none"),  # type: ignore[arg-type]
                         ns, name, version, yanked)
    return redirect(request, "/publisher")


@router.post("/publisher/{ns}/{name}/{version}/yank", response_class=HTMLResponse)
def yank(request: Request, ns: str, name: str, version: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    return _set_yanked(request, hub, account, ns, name, version, True)


@router.post("/publisher/{ns}/{name}/{version}/unyank", response_class=HTMLResponse)
def unyank(request: Request, ns: str, name: str, version: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    return _set_yanked(request, hub, account, ns, name, version, False)
