"""The RuleHub portal: server-rendered pages (Jinja2) for subscribers and publishers.

Mounted into the service app by `mount(app)`: the page routers plus `/static/portal`.
Pages use the service functions (rulehub.server.services) and the same database; what
the service lacks for the portal is in `queries.py`.  Sessions and CSRF: `sessions.py`.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from rulehub.server.portal.rendering import STATIC_DIR
from rulehub.server.portal.routes import account, auth, catalog, publisher

router = APIRouter(include_in_schema=False)
for _sub in (catalog.router, auth.router, account.router, publisher.router):
    router.include_router(_sub)


def static_files() -> StaticFiles:
    return StaticFiles(directory=str(STATIC_DIR))


def mount(app: FastAPI) -> None:
    """Add the portal's pages and static files to the service app."""
    app.include_router(router)
    app.mount("/static/portal", static_files(), name="portal-static")
