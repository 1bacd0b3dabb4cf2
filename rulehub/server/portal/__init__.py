"""The RuleHub portal: server-rendered pages (Jinja2) for subscribers and publishers.

Mounted into the service app by `mount(app)`: the page routers plus `/static/portal`.
Pages use the service functions (rulehub.server.services) and the same database; what
the service lacks for the portal is in `queries.py`.  Sessions and CSRF: `sessions.py`.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException


def _router() -> APIRouter:
    # Imported here, not at the top: the shared request dependencies (rulehub.server.core.deps)
    # import portal modules, and the page modules import those dependencies.
    from rulehub.server.portal.routes import account, auth, catalog, publisher

    router = APIRouter(include_in_schema=False)
    for sub in (catalog.router, auth.router, account.router, publisher.router):
        router.include_router(sub)
    return router


def static_files() -> StaticFiles:
    from rulehub.server.portal.rendering import STATIC_DIR

    return StaticFiles(directory=str(STATIC_DIR))


# Machine endpoints keep the API's JSON errors whatever the Accept header says.
API_PREFIXES = ("/v1/", "/tuf/", "/.well-known/", "/metrics", "/healthz", "/openapi.json", "/docs", "/redoc")
_MESSAGES = {404: "There is no page at this address.", 405: "This page cannot be used that way."}


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(API_PREFIXES)


def mount(app: FastAPI) -> None:
    """Add the portal's pages and static files to the service app.

    Also makes HTTP errors outside the API (an unknown URL, a wrong method) an HTML page
    for browsers; everything else still goes to the handler the app already had.
    """
    from rulehub.server.portal.rendering import error_page

    app.include_router(_router())
    app.mount("/static/portal", static_files(), name="portal-static")
    previous = app.exception_handlers.get(StarletteHTTPException)

    async def html_for_browsers(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_html(request):
            return error_page(request, exc.status_code, _MESSAGES.get(exc.status_code, "The request failed."),
                              headers=getattr(exc, "headers", None))
        if previous is not None:
            return await previous(request, exc)  # type: ignore[misc]
        return await http_exception_handler(request, exc)

    app.add_exception_handler(StarletteHTTPException, html_for_browsers)
