"""Sign up, log in, log out; password reset, email verification, accepting an invitation.

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

Mailed links (rulehub.server.services.teams) are single use and expire.  "Forgot password"
answers the same page whether or not the email has an account, and mails at most three
links an hour per account.  A password reset ends every session of the account.  An
invitation link is accepted by creating the invited account: a visitor signed in as someone
else is told to log out first, and the email is the invitation's, never one typed in.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import quote

from argon2 import PasswordHasher
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from rulehub.server.core.deps import CurrentVisitor, Form, Hub, SessionDep
from rulehub.server.errors import ApiError
from rulehub.server.models import Account
from rulehub.server.portal.rendering import PortalRoute, page, redirect
from rulehub.server.portal.routes.account import EMAIL_MAX, site_url
from rulehub.server.portal.sessions import (
    DEVICE_COOKIE,
    end_session,
    known_device,
    new_token,
    sessions_of,
    set_cookie,
    set_device_cookie,
    start_session,
)
from rulehub.server.services import accounts, mail, teams

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
    values = {"email": str(form.get("email", "")).strip()[:EMAIL_MAX],
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
            return send_verification(request, hub, account.id,
                                     _signed_in_redirect(request, hub, account, token, "/dashboard?welcome=1"))
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


# --- mailed links -----------------------------------------------------------------------------


def send_verification(request: Request, hub: Hub, account_id: int, response: Response) -> Response:
    """Mail the account a new verification link after `response` has gone out."""
    with hub.db.write_session() as write:
        account = write.get(Account, account_id)
        if account is None or account.email_verified_at is not None:
            return response
        secret = teams.issue_token(write, account, "verify_email")
        email = account.email
    return mail.send_later(
        response, hub.settings, email, "Verify your email address for RuleHub",
        f"Confirm that {email} is yours:\n{site_url(request, hub)}/verify-email?token={quote(secret)}\n\n"
        "The link works once, for 3 days. If you did not sign up, ignore this message.\n")


@router.post("/verify-email/send", response_class=HTMLResponse)
def verify_resend(request: Request, form: Form, hub: Hub, visitor: CurrentVisitor) -> Response:
    if visitor.account is None:
        return redirect(request, "/login")
    return send_verification(request, hub, visitor.account.id, redirect(request, "/dashboard?sent=1"))


_LINK_PAGES = {
    "verify_email": {"title": "Verify your email address", "action": "/verify-email", "button": "Verify my email",
                     "password": False},
    "reset_password": {"title": "Choose a new password", "action": "/password/reset", "button": "Set password",
                       "password": True},
}


def _link_page(request: Request, session: SessionDep, token: str, purpose: str, *, status: int = 200,
               errors: dict[str, str] | None = None) -> Response:
    """The page a mailed link opens: a form with a button, not the change itself, so mail
    scanners that open links change nothing; an unusable link gets one message."""
    try:
        teams.peek_token(session, token, purpose)
    except ApiError as exc:
        return page(request, "message.html", {"title": "Link not valid", "message": exc.message}, status=400)
    return page(request, "token_form.html", {**_LINK_PAGES[purpose], "token": token, "errors": errors or {}},
                status=status)


@router.get("/verify-email", response_class=HTMLResponse)
def verify_form(request: Request, session: SessionDep, visitor: CurrentVisitor, token: str = "") -> Response:
    return _link_page(request, session, token, "verify_email")


@router.post("/verify-email", response_class=HTMLResponse)
def verify_submit(request: Request, form: Form, hub: Hub, visitor: CurrentVisitor) -> Response:
    try:
        with hub.db.write_session() as write:
            account = teams.use_token(write, str(form.get("token", "")), "verify_email")
            account.email_verified_at = accounts.utcnow()
    except ApiError as exc:
        return page(request, "message.html", {"title": "Link not valid", "message": exc.message}, status=400)
    return redirect(request, "/dashboard?verified=1" if visitor.signed_in else "/login?verified=1")


FORGOT_SENT = ("If an account uses that address, we sent it a link to choose a new password. "
               "The link works once, for an hour.")


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request, visitor: CurrentVisitor) -> Response:
    sent = "sent" in request.query_params
    return page(request, "password_forgot.html", {"notice": FORGOT_SENT if sent else "", "errors": {},
                                                  "email_max": EMAIL_MAX})


@router.post("/password/forgot", response_class=HTMLResponse)
def forgot_submit(request: Request, form: Form, hub: Hub, visitor: CurrentVisitor) -> Response:
    """Same redirect for every address; a link only for an enabled account, at most 3 an hour."""
    email = str(form.get("email", "")).strip().lower()[:EMAIL_MAX]
    if "@" not in email:
        return page(request, "password_forgot.html", {"notice": "", "email_max": EMAIL_MAX,
                                                      "errors": {"email": "Enter your email address."}}, status=400)
    secret = None
    with hub.db.write_session() as write:
        account = write.scalars(select(Account).where(Account.email == email)).first()
        if account is not None and not account.disabled and \
                teams.recent_tokens(write, account, "reset_password", timedelta(hours=1)) < 3:
            secret = teams.issue_token(write, account, "reset_password")
    response = redirect(request, "/password/forgot?sent=1")
    if secret is None:
        return response
    return mail.send_later(  # after the answer: it takes no longer for an address that has an account
        response, hub.settings, email, "Choose a new RuleHub password",
        f"Someone asked to reset the password of {email} on RuleHub.\n"
        f"Choose a new one here:\n{site_url(request, hub)}/password/reset?token={quote(secret)}\n\n"
        "The link works once, for an hour. If it was not you, ignore this message: your password stays.\n")


@router.get("/password/reset", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, visitor: CurrentVisitor, token: str = "") -> Response:
    return _link_page(request, session, token, "reset_password")


@router.post("/password/reset", response_class=HTMLResponse)
def reset_submit(request: Request, form: Form, hub: Hub, session: SessionDep, visitor: CurrentVisitor) -> Response:
    token = str(form.get("token", ""))[:200]
    password = str(form.get("password", ""))[:1024]
    if len(password) < 8:
        return _link_page(request, session, token, "reset_password", status=400,
                          errors={"password": "Use at least 8 characters."})
    password_hash = accounts.hash_password(password)
    try:
        with hub.db.write_session() as write:
            account = teams.use_token(write, token, "reset_password")
            account.password_hash = password_hash
            account.email_verified_at = account.email_verified_at or accounts.utcnow()  # the mail reached them
            for old in sessions_of(write, account.id):
                write.delete(old)
    except ApiError as exc:
        return page(request, "message.html", {"title": "Link not valid", "message": exc.message}, status=400)
    return redirect(request, "/login?reset=1")


# --- invitations --------------------------------------------------------------------------------


def _invite_page(request: Request, session: SessionDep, visitor: CurrentVisitor, token: str, *, status: int = 200,
                 errors: dict[str, str] | None = None) -> Response:
    try:
        invitation = teams.open_invitation(session, token)
    except ApiError as exc:
        return page(request, "message.html", {"title": "Invitation not valid", "message": exc.message}, status=400)
    tenant = accounts.get_tenant_by_id(session, invitation.tenant_id)
    other = visitor.account is not None
    return page(request, "invite.html", {"invitation": invitation, "team": tenant.name, "token": token,
                                         "signed_in_elsewhere": other, "errors": errors or {}},
                status=409 if other and status == 200 else status)


@router.get("/invite", response_class=HTMLResponse)
def invite_form(request: Request, session: SessionDep, visitor: CurrentVisitor, token: str = "") -> Response:
    return _invite_page(request, session, visitor, token)


@router.post("/invite", response_class=HTMLResponse)
def invite_accept(request: Request, form: Form, hub: Hub, session: SessionDep, visitor: CurrentVisitor) -> Response:
    token = str(form.get("token", ""))[:200]
    if visitor.account is not None:  # an invitation makes a new account; never joins the signed-in one
        return _invite_page(request, session, visitor, token)
    password = str(form.get("password", ""))[:1024]
    if len(password) < 8:
        return _invite_page(request, session, visitor, token, status=400,
                            errors={"password": "Use at least 8 characters."})
    password_hash = accounts.hash_password(password)
    try:
        with hub.db.write_session() as write:
            account = teams.accept_invitation(write, token, password_hash)
            session_token = start_session(write, hub.portal_config, account, visitor.token,
                                          request.headers.get("user-agent", ""))
    except ApiError as exc:
        if exc.code == "link_invalid":
            return page(request, "message.html", {"title": "Invitation not valid", "message": exc.message}, status=400)
        return page(request, "message.html", {"title": "Could not join", "message": exc.message}, status=exc.status)
    return _signed_in_redirect(request, hub, account, session_token, "/dashboard?joined=1")
