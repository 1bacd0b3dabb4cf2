"""Signed-in pages: dashboard (plan, status, seats, change or cancel), API keys, usage."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rulehub.server.errors import ApiError
from rulehub.server.models import Account
from rulehub.server.portal import queries
from rulehub.server.core.deps import Form, Hub, SessionDep, SignedIn
from rulehub.server.portal.rendering import PortalRoute, page, redirect
from rulehub.server.portal.usage_chart import downloads_chart
from rulehub.server.services import accounts
from rulehub.server.services.entitlements import subscription_standing

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

# Scopes a portal user may give a key; `admin` keys are made with `rulehub admin` only.
KEY_SCOPES = ("packs:read", "packs:publish")


def _dashboard(request: Request, session: SessionDep, account: Account, *, status: int = 200,
               errors: dict[str, str] | None = None, notice: str = "") -> Response:
    found = accounts.subscription_for(session, account.tenant_id)
    standing = subscription_standing(*found) if found else "no subscription"
    return page(request, "dashboard.html", {
        "subscription": found[0] if found else None,
        "plan": found[1] if found else None,
        "standing": standing,
        "plans": accounts.list_plans(session),
        "seats": accounts.seat_usage(session, account.tenant_id),
        "events": accounts.subscription_events(session, account.tenant_id, limit=10),
        "tenant": account.tenant,
        "errors": errors or {},
        "notice": notice,
    }, status=status)


_NOTICES = {"welcome": "Welcome to RuleHub. Your team is on the free plan.",
            "changed": "Your plan has changed. It applies to downloads right away.",
            "canceled": "Your subscription is canceled. Downloads of covered packs stop now."}


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, account: SignedIn) -> Response:
    notice = next((text for key, text in _NOTICES.items() if key in request.query_params), "")
    return _dashboard(request, session, account, notice=notice)


@router.post("/dashboard/plan", response_class=HTMLResponse)
def change_plan(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    plan = str(form.get("plan", ""))[:32]
    try:
        with hub.db.write_session() as write:
            accounts.change_plan(write, write.get(Account, account.id), plan)  # type: ignore[arg-type]
    except ApiError as exc:
        return _dashboard(request, session, account, status=exc.status, errors={"plan": exc.message})
    return redirect(request, "/dashboard?changed=1")


@router.post("/dashboard/cancel", response_class=HTMLResponse)
def cancel(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    try:
        with hub.db.write_session() as write:
            accounts.cancel(write, write.get(Account, account.id))  # type: ignore[arg-type]
    except ApiError as exc:
        return _dashboard(request, session, account, status=exc.status, errors={"cancel": exc.message})
    return redirect(request, "/dashboard?canceled=1")


def _keys(request: Request, session: SessionDep, account: Account, *, status: int = 200,
          errors: dict[str, str] | None = None, created: accounts.NewApiKey | None = None,
          values: dict[str, object] | None = None) -> Response:
    keys = sorted(accounts.list_api_keys(session, account), key=lambda k: (k.revoked_at is not None, -k.id))
    return page(request, "keys.html", {"keys": keys, "errors": errors or {}, "created": created,
                                       "scopes": KEY_SCOPES,
                                       "values": values or {"name": "", "scopes": ["packs:read"]}}, status=status)


@router.get("/keys", response_class=HTMLResponse)
def keys_page(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return _keys(request, session, account)


@router.post("/keys", response_class=HTMLResponse)
def create_key(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    name = str(form.get("name", "")).strip()[:200]
    scopes = [str(s) for s in form.getlist("scopes")]
    errors = {}
    if not name:
        errors["name"] = "Give the key a name, like \"CI\" or \"laptop\"."
    if not scopes or any(s not in KEY_SCOPES for s in scopes):
        errors["scopes"] = "Choose at least one scope."
    if errors:
        return _keys(request, session, account, status=400, errors=errors, values={"name": name, "scopes": scopes})
    with hub.db.write_session() as write:
        created = accounts.create_api_key(write, write.get(Account, account.id), scopes=scopes, name=name)  # type: ignore[arg-type]
    session.rollback()  # end the read snapshot taken before the write, so the list shows the new key
    # Rendered directly (not redirected) so the secret exists in exactly one response, marked no-store.
    return _keys(request, session, account, status=201, created=created)


@router.post("/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(request: Request, key_id: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    with hub.db.write_session() as write:
        accounts.revoke_api_key(write, key_id[:40], account=write.get(Account, account.id))
    return redirect(request, "/keys")


@router.get("/usage", response_class=HTMLResponse)
def usage_page(request: Request, session: SessionDep, account: SignedIn) -> Response:
    days = queries.daily_downloads(session, account.tenant_id, days=30)
    return page(request, "usage.html", {
        "chart": downloads_chart(days),
        "days": days,
        "total": sum(d.downloads for d in days),
        "packs": queries.per_pack_usage(session, account.tenant_id),
    })
