"""Templates, the page response (cookies and security headers), and HTML error pages.

`PortalRoute` is the route class of every portal router: whatever a page handler raises
(a service ApiError, a validation error, a bug) becomes an HTML page with a status and a
sentence, never a stack trace and never the API's JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from rulehub.server.errors import ApiError, CsrfRejected, LoginRequired
from rulehub.server.core.deps import get_hub
from rulehub.server.portal.sessions import Visitor, set_cookie

log = logging.getLogger("rulehub.portal")
TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html

# No inline scripts or styles anywhere: the copy button's script is a static file.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def _harden(response: Response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    # Every page carries a per-browser CSRF token (and some a one-time secret): never cache or share them.
    response.headers["Cache-Control"] = "no-store"


def _visitor(request: Request) -> Visitor | None:
    return getattr(request.state, "visitor", None)


def page(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
         headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a page; sets the session cookie when the visitor has just been given one."""
    visitor = _visitor(request)
    ctx = {"visitor": visitor, "account": visitor.account if visitor else None,
           "csrf_token": visitor.csrf if visitor else "", **(context or {})}
    response = templates.TemplateResponse(request, template, ctx, status_code=status, headers=headers)
    if visitor is not None and visitor.is_new_token:
        set_cookie(response, request, get_hub(request).portal_config, visitor.token, signed_in=False)
    _harden(response)
    return response


def redirect(request: Request, url: str) -> RedirectResponse:
    """303 See Other after a successful POST (so reloading does not re-submit)."""
    response = RedirectResponse(url, status_code=303)
    _harden(response)
    return response


_TITLES = {400: "That request was not valid", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           409: "Conflict", 413: "Too large", 422: "That request was not valid", 429: "Too many requests",
           500: "Something went wrong"}


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    try:
        return page(request, "error.html",
                    {"status": status, "title": _TITLES.get(status, "Error"), "message": message},
                    status=status, headers=headers)
    except Exception:  # noqa: BLE001 - the error page itself failed: plain text, still no trace
        log.exception("error page failed")
        return HTMLResponse("<!doctype html><title>Error</title><p>Something went wrong.</p>", status_code=500)


class PortalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except CsrfRejected:
                return error_page(request, 403, "This form has expired or did not come from this site. "
                                                "Go back, reload the page and try again.")
            except LoginRequired:
                return redirect(request, f"/login?next={quote(request.url.path)}")
            except ApiError as exc:
                return error_page(request, exc.status, exc.message)
            except RequestValidationError:
                return error_page(request, 400, "Some of the request's parameters are missing or malformed.")
            except StarletteHTTPException as exc:
                detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
                return error_page(request, exc.status_code, detail, headers=getattr(exc, "headers", None))
            except Exception:  # noqa: BLE001 - logged with its trace; the browser gets a sentence
                log.exception("portal page %s failed", request.url.path)
                return error_page(request, 500, "The server hit an error. It has been logged; please try again.")

        return guarded
