"""Sign up, log in, log out.

Login answers "Email or password is incorrect." for an unknown email, a wrong password,
a disabled account and an account without a password alike, and runs one argon2
verification in every case (against a dummy hash when there is no real one), so neither
the message nor the timing says whether an account exists.

Failed logins are throttled by rulehub.server.portal.login_limiter (backoff per client
address, per account and per known device), so nobody can lock an owner out of their own
browser.

Sign-up has to say when an email is taken (the person needs to log in instead), so each such
answer counts as a failed attempt in the client address's login window, and a sign-up from
an address over its limit is refused like a login: probing which emails have accounts is
throttled exactly as password guessing is. The email's own window is left alone, so nobody
can lock an account owner out by signing up with their address.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from rulehub.server.errors import ApiError
from rulehub.server.models import Account
from rulehub.server.core.deps import CurrentVisitor, Form, Hub, SessionDep
from rulehub.server.portal.rendering import PortalRoute, page, redirect
from rulehub.server.portal.sessions import (
    DEVICE_COOKIE,
    end_session,
    known_device,
    new_token,
    set_cookie,
    set_device_cookie,
    start_session,
)
from rulehub.server.services import accounts

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

_DUMMY = Account(email="", password_hash=PasswordHasher().hash(secrets.token_hex(16)))
BAD_LOGIN = "Email or password is incorrect."


def _safe_next(target: str) -> str:
    """Only same-site paths: `/x` yes, `//evil.example` and `https://...` no (open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard"


def _signed_in_redirect(request: Request, hub: Hub, account: Account, token: str,
                        target: str) -> RedirectResponse:
    response = redirect(request, target)
    set_cookie(response, request, hub.portal_config, token, signed_in=True)
    if known_device(hub.portal_config, account, request.cookies.get(DEVICE_COOKIE)) is None:
        set_device_cookie(response, request, hub.portal_config, account)  # this browser is now a known device
    return response


def client_address(request: Request) -> str:
    """The TCP peer, or the client a trusted proxy reports (RULEHUB_TRUSTED_PROXIES; see Settings)."""
    return request.client.host if request.client else ""


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, visitor: CurrentVisitor) -> Response:
    return page(request, "signup.html", {"errors": {}, "values": {}})


@router.post("/signup", response_class=HTMLResponse)
def signup_submit(request: Request, form: Form, hub: Hub, visitor: CurrentVisitor) -> Response:
    values = {"email": str(form.get("email", "")).strip()[:320],
              "organisation": str(form.get("organisation", "")).strip()[:200]}
    password = str(form.get("password", ""))[:1024]
    errors: dict[str, str] = {}
    if "@" not in values["email"]:
        errors["email"] = "Enter an email address, like name@example.com."
    if len(password) < 8:
        errors["password"] = "Use at least 8 characters."
    ip = client_address(request)
    wait = hub.login_limiter.retry_after(None, ip)
    if wait:
        return page(request, "signup.html", {"errors": errors, "values": values,
                                             "form_error": f"Too many attempts. Try again in {wait} seconds."},
                    status=429, headers={"Retry-After": str(wait)})
    if not errors:
        try:
            password_hash = accounts.hash_password(password)
            with hub.db.write_session() as session:
                account = accounts.sign_up(session, values["email"], password_hash, values["organisation"])
                token = start_session(session, hub.portal_config, account, visitor.token,
                                      request.headers.get("user-agent", ""))
        except ApiError as exc:
            field = {"invalid_email": "email", "account_exists": "email", "weak_password": "password"}.get(exc.code)
            if field is None:
                raise
            if exc.code == "account_exists":
                hub.login_limiter.failed(None, ip)
            errors[field] = ("An account with this email already exists. Log in instead."
                             if exc.code == "account_exists" else exc.message)
        else:
            return _signed_in_redirect(request, hub, account, token, "/dashboard?welcome=1")
    return page(request, "signup.html", {"errors": errors, "values": values}, status=400)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, visitor: CurrentVisitor, next: str = "") -> Response:
    return page(request, "login.html", {"errors": {}, "email": "", "next": _safe_next(next) if next else ""})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, form: Form, hub: Hub, session: SessionDep,
                 visitor: CurrentVisitor) -> Response:
    email = str(form.get("email", "")).strip().lower()[:320]
    password = str(form.get("password", ""))[:1024]
    target = _safe_next(str(form.get("next", "")))
    context = {"email": email, "next": target if target != "/dashboard" else "", "errors": {}}
    errors: dict[str, str] = context["errors"]  # type: ignore[assignment]
    if not email:
        errors["email"] = "Enter your email address."
    if not password:
        errors["password"] = "Enter your password."
    if errors:
        return page(request, "login.html", context, status=400)
    ip = client_address(request)
    account = session.scalars(select(Account).where(Account.email == email)).first()
    device = known_device(hub.portal_config, account, request.cookies.get(DEVICE_COOKIE))
    wait = hub.login_limiter.retry_after(email, ip, device)
    if wait:
        context["form_error"] = f"Too many failed attempts. Try again in {wait} seconds."
        return page(request, "login.html", context, status=429, headers={"Retry-After": str(wait)})

    usable = account is not None and bool(account.password_hash) and not account.disabled
    ok = accounts.verify_password(account if usable and account is not None else _DUMMY, password) and usable
    session.rollback()  # a transparent rehash is not persisted from this read session
    if not ok or account is None:
        hub.login_limiter.failed(email, ip, device)
        context["form_error"] = BAD_LOGIN
        return page(request, "login.html", context, status=400)

    with hub.db.write_session() as write:
        token = start_session(write, hub.portal_config, write.get(Account, account.id), visitor.token,  # type: ignore[arg-type]
                              request.headers.get("user-agent", ""))
    return _signed_in_redirect(request, hub, account, token, target)


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request, visitor: CurrentVisitor) -> Response:
    if not visitor.signed_in:
        return redirect(request, "/")
    return page(request, "logout.html")


@router.post("/logout")
def logout_submit(request: Request, form: Form, hub: Hub, visitor: CurrentVisitor) -> Response:
    with hub.db.write_session() as session:
        end_session(session, visitor.token)
    response = redirect(request, "/?signed_out=1")
    set_cookie(response, request, hub.portal_config, new_token(), signed_in=False)
    return response
