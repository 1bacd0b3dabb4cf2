"""Signed-in pages: dashboard, pricing and plan changes (billing), API keys, team, usage.

Every form here is Post/Redirect/Get: a successful POST answers 303 to a page, so a reload
repeats nothing.  A new API key's secret crosses that redirect in a one-time cookie (path
/keys/new, HttpOnly, 2 minutes) that the page clears when it shows the key; the page shows
it only if it is a live key of the signed-in account.  Actions that cannot be undone in a
click (cancel the plan, revoke a key, remove a member) have a confirmation page first.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from rulehub.server.core.deps import (
    CurrentVisitor,
    Form,
    Hub,
    SessionDep,
    SignedIn,
    get_hub,
)
from rulehub.server.core.security import check_api_key
from rulehub.server.errors import ApiError
from rulehub.server.models import Account
from rulehub.server.portal import queries
from rulehub.server.portal.rendering import CSP, PortalRoute, page, redirect
from rulehub.server.portal.sessions import is_https
from rulehub.server.portal.usage_chart import downloads_chart
from rulehub.server.services import accounts, billing, mail, teams
from rulehub.server.services.entitlements import subscription_standing

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

# Scopes a portal user may give a key; `admin` keys are made with `rulehub admin` only.
KEY_SCOPES = ("packs:read", "packs:publish")
NEW_KEY_COOKIE = "rh_new_key"
NAME_MAX = 200
EMAIL_MAX = 254


def site_url(request: Request, hub: Hub) -> str:
    """Where links in mail and to Stripe point: RULEHUB_PUBLIC_URL, else this request's site."""
    return hub.settings.public_url or str(request.base_url).rstrip("/")


def _dashboard(request: Request, session: SessionDep, account: Account, *, status: int = 200,
               errors: dict[str, str] | None = None, notice: str = "") -> Response:
    found = accounts.subscription_for(session, account.tenant_id)
    standing = subscription_standing(*found) if found else "no subscription"
    return page(request, "dashboard.html", {
        "subscription": found[0] if found else None,
        "plan": found[1] if found else None,
        "standing": standing,
        "plans": accounts.list_plans(session),
        "price": billing.format_price,
        "seats": accounts.seat_usage(session, account.tenant_id),
        "events": accounts.subscription_events(session, account.tenant_id, limit=10),
        "invoices": billing.list_invoices(session, account.tenant_id),
        "tenant": account.tenant,
        "errors": errors or {},
        "notice": notice,
    }, status=status)


_NOTICES = {"welcome": "Welcome to RuleHub. Your team is on the free plan. We sent you a link to verify your email.",
            "changed": "Your plan has changed. It applies to downloads right away.",
            "scheduled": "Done. The change takes effect at the end of the current period.",
            "kept": "Done. Your plan continues; nothing changes at the end of the period.",
            "verified": "Your email address is verified.",
            "joined": "Welcome to the team.",
            "sent": "We sent you a new verification link."}


def _notice(request: Request) -> str:
    return next((text for key, text in _NOTICES.items() if key in request.query_params), "")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return _dashboard(request, session, account, notice=_notice(request))


@router.get("/pricing", response_class=HTMLResponse)
def pricing(request: Request, session: SessionDep, visitor: CurrentVisitor) -> Response:
    found = accounts.subscription_for(session, visitor.account.tenant_id) if visitor.account else None
    return page(request, "pricing.html", {"plans": accounts.list_plans(session), "price": billing.format_price,
                                          "current": found[1] if found else None})


def _change_page(request: Request, session: SessionDep, account: Account, plan: str, *, status: int = 200,
                 error: str = "") -> Response:
    change = billing.plan_change(session, account, plan[:32])
    response = page(request, "billing_change.html", {"change": change, "price": billing.format_price,
                                                     "form_error": error}, status=status)
    if change.action == "checkout":  # the form's answer redirects to Stripe's checkout page
        origin = get_hub(request).settings.stripe_checkout_origin
        response.headers["Content-Security-Policy"] = CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    return response


@router.get("/billing/change", response_class=HTMLResponse)
def change_confirm(request: Request, session: SessionDep, account: SignedIn, plan: str = "") -> Response:
    return _change_page(request, session, account, plan)


@router.post("/billing/change", response_class=HTMLResponse)
def change_submit(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    plan = str(form.get("plan", ""))[:32]
    site = site_url(request, hub)
    try:
        with hub.db.write_session() as write:
            outcome = billing.request_change(
                write, write.get(Account, account.id), plan, billing.StripeGateway.from_settings(hub.settings),  # type: ignore[arg-type]
                success_url=f"{site}/billing/return?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{site}/pricing")
    except ApiError as exc:
        return _change_page(request, session, account, plan, status=exc.status, error=exc.message)
    if outcome.checkout_url:
        return redirect(request, outcome.checkout_url)
    return redirect(request, {"now": "/dashboard?changed=1", "undo": "/dashboard?kept=1"}.get(
        outcome.action, "/dashboard?scheduled=1"))


@router.get("/billing/return", response_class=HTMLResponse)
def checkout_return(request: Request, session: SessionDep, account: SignedIn, session_id: str = "") -> Response:
    """Where Stripe sends the buyer back.  Visiting it changes nothing: the plan starts when
    the signed webhook says the payment is complete, and this page says whether it has."""
    checkout = billing.checkout_status(session, account, session_id)
    return page(request, "billing_return.html", {"checkout": checkout})


@router.get("/dashboard/cancel", response_class=HTMLResponse)
def cancel_confirm(request: Request, session: SessionDep, account: SignedIn) -> Response:
    free = accounts.free_plan(session)
    return _change_page(request, session, account, free.name if free else "")


@router.post("/dashboard/cancel", response_class=HTMLResponse)
def cancel(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    try:
        with hub.db.write_session() as write:
            billing.cancel(write, write.get(Account, account.id), billing.StripeGateway.from_settings(hub.settings))  # type: ignore[arg-type]
    except ApiError as exc:
        return _dashboard(request, session, account, status=exc.status, errors={"cancel": exc.message})
    return redirect(request, "/dashboard?scheduled=1")


# --- API keys -----------------------------------------------------------------------------


def _keys(request: Request, session: SessionDep, account: Account, *, status: int = 200,
          errors: dict[str, str] | None = None, created: accounts.NewApiKey | None = None,
          values: dict[str, object] | None = None) -> Response:
    keys = sorted(accounts.list_api_keys(session, account), key=lambda k: (k.revoked_at is not None, -k.id))
    return page(request, "keys.html", {"keys": keys, "errors": errors or {}, "created": created,
                                       "scopes": KEY_SCOPES, "notice": "Key revoked." if "revoked" in request.query_params else "",
                                       "values": values or {"name": "", "scopes": ["packs:read"]}}, status=status)


@router.get("/keys", response_class=HTMLResponse)
def keys_page(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return _keys(request, session, account)


@router.post("/keys", response_class=HTMLResponse)
def create_key(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    name = str(form.get("name", "")).strip()
    scopes = [str(s) for s in form.getlist("scopes")]
    errors = {}
    if not name:
        errors["name"] = "Give the key a name, like \"CI\" or \"laptop\"."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Use at most {NAME_MAX} characters."
    if not scopes or any(s not in KEY_SCOPES for s in scopes):
        errors["scopes"] = "Choose at least one scope."
    if errors:
        return _keys(request, session, account, status=400, errors=errors,
                     values={"name": name[:NAME_MAX], "scopes": scopes})
    with hub.db.write_session() as write:
        created = accounts.create_api_key(write, write.get(Account, account.id), scopes=scopes, name=name)  # type: ignore[arg-type]
    response = redirect(request, "/keys/new")
    response.set_cookie(NEW_KEY_COOKIE, created.secret, max_age=120, path="/keys/new", httponly=True,
                        samesite="strict", secure=is_https(request, hub.portal_config))
    return response


@router.get("/keys/new", response_class=HTMLResponse)
def new_key(request: Request, session: SessionDep, hub: Hub, account: SignedIn) -> Response:
    secret = request.cookies.get(NEW_KEY_COOKIE, "")
    created = None
    if secret:
        try:
            row = check_api_key(session, secret)
        except ApiError:
            row = None
        if row is not None and row.account_id == account.id:
            created = accounts.NewApiKey(key_id=row.key_id, secret=secret, scopes=tuple(row.scopes.split()))
    if created is None:
        return redirect(request, "/keys")
    response = _keys(request, session, account, created=created)
    response.delete_cookie(NEW_KEY_COOKIE, path="/keys/new")
    return response


@router.get("/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_confirm(request: Request, key_id: str, session: SessionDep, account: SignedIn) -> Response:
    key = next((k for k in accounts.list_api_keys(session, account) if k.key_id == key_id[:40]), None)
    if key is None or key.revoked_at is not None:
        return redirect(request, "/keys")
    return page(request, "confirm.html", {
        "title": "Revoke this API key?", "action": f"/keys/{key.key_id}/revoke", "button": "Revoke key",
        "back": "/keys", "lines": [(f"Key “{key.name}” (rh_{key.key_id}_…) stops working at once: CI jobs and "
                                    "machines using it can no longer download packs."), "This cannot be undone."]})


@router.post("/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(request: Request, key_id: str, form: Form, hub: Hub, account: SignedIn) -> Response:
    with hub.db.write_session() as write:
        accounts.revoke_api_key(write, key_id[:40], account=write.get(Account, account.id))
    return redirect(request, "/keys?revoked=1")


# --- team ---------------------------------------------------------------------------------


_TEAM_NOTICES = {"invited": "Invitation sent.", "withdrawn": "Invitation withdrawn.", "removed": "Member removed.",
                 "role": "Role changed."}


def _team(request: Request, session: SessionDep, account: Account, *, status: int = 200, form_error: str = "",
          values: dict[str, str] | None = None) -> Response:
    return page(request, "team.html", {
        "members": teams.members(session, account.tenant_id),
        "invitations": teams.pending_invitations(session, account.tenant_id),
        "seats": accounts.seat_usage(session, account.tenant_id),
        "form_error": form_error, "values": values or {"email": "", "role": "member"},
        "notice": next((t for k, t in _TEAM_NOTICES.items() if k in request.query_params), ""),
        "email_max": EMAIL_MAX,
    }, status=status)


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, session: SessionDep, account: SignedIn) -> Response:
    return _team(request, session, account)


@router.post("/team/invite", response_class=HTMLResponse)
def team_invite(request: Request, form: Form, hub: Hub, session: SessionDep, account: SignedIn) -> Response:
    email = str(form.get("email", "")).strip()
    role = str(form.get("role", "member"))[:16]
    if len(email) > EMAIL_MAX:
        return _team(request, session, account, status=400, form_error=f"Use at most {EMAIL_MAX} characters.",
                     values={"email": email[:EMAIL_MAX], "role": role})
    try:
        with hub.db.write_session() as write:
            owner = write.get(Account, account.id)
            assert owner is not None
            if owner.email_verified_at is None:
                raise ApiError("Verify your own email address before inviting people (see the dashboard).",
                               code="email_not_verified", status=403)
            new = teams.invite(write, owner, email, role)
            link = f"{site_url(request, hub)}/invite?token={quote(new.secret)}"
            mail.send(hub.settings, new.invitation.email, f"{owner.email} invited you to {owner.tenant.name} on RuleHub",
                      f"{owner.email} invited you to join the team {owner.tenant.name} on RuleHub as {role}.\n\n"
                      f"Accept within {teams.INVITE_DAYS} days:\n{link}\n\n"
                      "If you did not expect this, ignore this message.\n")
    except ApiError as exc:
        return _team(request, session, account, status=exc.status, form_error=exc.message,
                     values={"email": email, "role": role})
    return redirect(request, "/team?invited=1")


@router.post("/team/invitations/{invitation_id}/withdraw", response_class=HTMLResponse)
def team_withdraw(request: Request, invitation_id: int, form: Form, hub: Hub, account: SignedIn) -> Response:
    with hub.db.write_session() as write:
        teams.revoke_invitation(write, write.get(Account, account.id), invitation_id)  # type: ignore[arg-type]
    return redirect(request, "/team?withdrawn=1")


@router.get("/team/members/{member_id}/remove", response_class=HTMLResponse)
def remove_confirm(request: Request, member_id: int, session: SessionDep, account: SignedIn) -> Response:
    member = teams.member_of(session, account, member_id, "remove members")
    return page(request, "confirm.html", {
        "title": f"Remove {member.email} from the team?", "action": f"/team/members/{member.id}/remove",
        "button": "Remove member", "back": "/team",
        "lines": [("Their API keys and sessions stop working at once. Packs they published and the team's usage "
                   "records stay."), "This cannot be undone; you can invite them again."]})


@router.post("/team/members/{member_id}/remove", response_class=HTMLResponse)
def remove_member(request: Request, member_id: int, form: Form, hub: Hub, session: SessionDep,
                  account: SignedIn) -> Response:
    try:
        with hub.db.write_session() as write:
            member = teams.member_of(write, write.get(Account, account.id), member_id, "remove members")  # type: ignore[arg-type]
            accounts.remove_account(write, member.email)
    except ApiError as exc:
        return _team(request, session, account, status=exc.status, form_error=exc.message)
    return redirect(request, "/team?removed=1")


@router.post("/team/members/{member_id}/role", response_class=HTMLResponse)
def change_role(request: Request, member_id: int, form: Form, hub: Hub, session: SessionDep,
                account: SignedIn) -> Response:
    try:
        with hub.db.write_session() as write:
            member = teams.member_of(write, write.get(Account, account.id), member_id, "change roles")  # type: ignore[arg-type]
            accounts.set_role(write, member.email, str(form.get("role", ""))[:16])
    except ApiError as exc:
        return _team(request, session, account, status=exc.status, form_error=exc.message)
    return redirect(request, "/team?role=1")


@router.get("/usage", response_class=HTMLResponse)
def usage_page(request: Request, session: SessionDep, account: SignedIn) -> Response:
    days = queries.daily_downloads(session, account.tenant_id, days=30)
    return page(request, "usage.html", {
        "chart": downloads_chart(days),
        "days": days,
        "total": sum(d.downloads for d in days),
        "packs": queries.per_pack_usage(session, account.tenant_id),
    })
