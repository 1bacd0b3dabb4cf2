"""Publisher pages: claim a namespace (operator-approved, rulehub.server.services.namespaces),
create a publish token, see the packs' downloads per pack, version and day, yank and unyank."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rulehub.server.core.deps import Form, Hub, SessionDep, SignedIn
from rulehub.server.core.security import Principal
from rulehub.server.errors import ApiError, Forbidden
from rulehub.server.models import Account, utcnow
from rulehub.server.portal import queries
from rulehub.server.portal.rendering import PortalRoute, page, redirect
from rulehub.server.services import accounts, namespaces, packs, usage

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

PUBLISH_SCOPES = ["packs:publish", "packs:read"]
DOWNLOAD_DAYS = 30


def _principal(account: Account, plan: str) -> Principal:
    """The signed-in owner as the service's Principal, so yanking runs the API's own checks."""
    return Principal(account_id=account.id, tenant_id=account.tenant_id, tenant=account.tenant.slug, plan=plan,
                     scopes=frozenset({"packs:publish"}), jti="", api_key_id="",
                     expires_at=utcnow() + timedelta(minutes=1))


def _publisher(request: Request, session: SessionDep, account: Account, *, status: int = 200,
               errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
               created: accounts.NewApiKey | None = None) -> Response:
    owned = queries.publisher_packs(session, account.tenant_id)
    since = utcnow() - timedelta(days=DOWNLOAD_DAYS - 1)
    daily = usage.publisher_downloads(session, account.tenant_id,
                                      since=since.replace(hour=0, minute=0, second=0, microsecond=0))
    per_version: dict[tuple[str, str], int] = {}
    for row in usage.publisher_downloads(session, account.tenant_id):
        per_version[(row.pack, row.version)] = per_version.get((row.pack, row.version), 0) + row.downloads
    notice = ""
    if request.query_params.get("claimed"):
        notice = (f"Your claim on “{request.query_params['claimed'][:64]}” is waiting for an operator. "
                  "Its status shows below.")
    return page(request, "publisher.html", {
        "namespaces": owned, "is_owner": account.role == "owner",
        "claims": namespaces.tenant_claims(session, account.tenant_id),
        "daily": daily, "days": DOWNLOAD_DAYS, "per_version": per_version,
        "errors": errors or {}, "values": values or {"name": "", "reason": ""}, "created": created,
        "notice": notice,
    }, status=status)


@router.get("/publisher", response_class=HTMLResponse)
def publisher(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return _publisher(request, session, account)


@router.post("/publisher/claims", response_class=HTMLResponse)
def claim(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    name = str(form.get("name", ""))[:200]
    reason = str(form.get("reason", ""))[:2000]
    try:
        with hub.db.write_session() as write:
            namespaces.claim(write, write.get(Account, account.id), name, reason)  # type: ignore[arg-type]
    except ApiError as exc:
        field = "reason" if exc.code == "reason_required" else "name"
        return _publisher(request, session, account, status=exc.status, errors={field: exc.message},
                          values={"name": name[:64], "reason": reason[:500]})
    return redirect(request, f"/publisher?claimed={name}")


@router.post("/publisher/token", response_class=HTMLResponse)
def publish_token(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    """An API key that can publish (and read) packs, shown once on the page that answers the POST."""
    if account.role != "owner":
        raise Forbidden("only the team's owner can create publish tokens", code="not_owner")
    if not queries.publisher_packs(session, account.tenant_id):
        return _publisher(request, session, account, status=409,
                          errors={"token": "Your team has no namespace yet: claim one first."})
    with hub.db.write_session() as write:
        created = accounts.create_api_key(write, write.get(Account, account.id),  # type: ignore[arg-type]
                                          scopes=PUBLISH_SCOPES, name=f"publish token {utcnow():%Y-%m-%d}")
    session.rollback()  # a fresh snapshot for the page
    # Rendered directly, not redirected: the secret exists in exactly one response (no-store).
    return _publisher(request, session, account, status=201, created=created)


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


@router.get("/publisher/{ns}/{name}/{version}/yank", response_class=HTMLResponse)
def confirm_yank(request: Request, ns: str, name: str, version: str, session: SessionDep,
                 account: SignedIn) -> Response:
    """The confirmation step before a yank (a yank changes what every new lock file picks)."""
    if account.role != "owner":
        raise Forbidden("only the tenant's owner can yank versions", code="not_owner")
    pv = packs.get_version(session, account.tenant_id, ns, name, version)
    if pv.pack.namespace.tenant_id != account.tenant_id:
        raise Forbidden(f"only the publisher of {pv.pack.name} may yank its versions", code="namespace_forbidden")
    return page(request, "confirm_yank.html", {"pack": pv.pack.name, "version": pv.version, "yanked": pv.yanked})


@router.post("/publisher/{ns}/{name}/{version}/yank", response_class=HTMLResponse)
def yank(request: Request, ns: str, name: str, version: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    return _set_yanked(request, hub, account, ns, name, version, True)


@router.post("/publisher/{ns}/{name}/{version}/unyank", response_class=HTMLResponse)
def unyank(request: Request, ns: str, name: str, version: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    return _set_yanked(request, hub, account, ns, name, version, False)
