"""`/docs`: Swagger UI for the OpenAPI schema, served from this server only.

FastAPI's default pages load their scripts from a public CDN, so they are blank offline or
behind a proxy that blocks it.  This is FastAPI's documented self-hosting recipe, with the
Swagger UI files from the `swagger-ui-bundle` package (Apache-2.0) mounted at
`/static/swagger`.  ReDoc has no packaged copy, so `/redoc` sends browsers to `/docs`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/swagger"


def mount_api_docs(app: FastAPI) -> None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # the hub extra names it; a server without it simply has no /docs page
        return
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="swagger-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url="/static/portal/favicon.svg",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> RedirectResponse:
        return RedirectResponse("/docs", status_code=308)
