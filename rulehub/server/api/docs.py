"""`/docs` (Swagger UI) for the OpenAPI schema, served from this server only.

FastAPI's default pages load their scripts from a public CDN, so they are blank offline or
behind a proxy that blocks it.  This is FastAPI's documented self-hosting recipe
(`get_swagger_ui_html` / `get_redoc_html` with local URLs); the files come from the
`fastapi-offline` package (MIT; Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI
writes), mounted at `/static/apidocs`.  `/redoc` redirects to `/docs`: the packaged ReDoc
bundle still fetches its logo from cdn.redoc.ly, and the point of these pages is to need
nothing but this server.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/apidocs"


def mount_api_docs(app: FastAPI) -> None:
    try:
        import fastapi_offline
    except ImportError:  # the hub extra names it; a server without it simply has no API docs pages
        return
    app.mount(ASSETS, StaticFiles(directory=Path(fastapi_offline.__file__).with_name("static")), name="apidocs")
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} API"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url="/static/portal/favicon.svg", oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> RedirectResponse:
        return RedirectResponse("/docs", status_code=308)
