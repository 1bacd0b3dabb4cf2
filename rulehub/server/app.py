"""The FastAPI application: `create_app(settings)`.

Start-up checks the schema (refusing an unmigrated or newer database with the command to
run), creates signing keys and the initial TUF metadata on first start, and wires routes,
JSON error handlers, metrics and rate limits.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from rulehub.server.core.deps import HubState
from rulehub.server.api.nul_guard import NulGuardMiddleware
from rulehub.server.api.docs import mount_api_docs
from rulehub.server.api.routes import auth, billing_webhook, health, namespaces, packs, publish, tuf, usage
from rulehub.server.bootstrap import initialise_state
from rulehub.server.db import Database, check_schema
from rulehub.server.errors import API_ERRORS, ApiError
from rulehub.server.metrics import Metrics, MetricsMiddleware
from rulehub.server.settings import Settings

log = logging.getLogger("rulehub")


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def _http_code(status: int) -> str:
    return {
        400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
        406: "not_acceptable", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
        422: "validation_error", 429: "rate_limited",
    }.get(status, "http_error" if status < 500 else "internal_error")


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    db = db or Database.connect(settings)
    check_schema(db.read_engine)
    initialise_state(db, settings)
    metrics = Metrics()

    app = FastAPI(
        title="RuleHub",
        version="0.1.0",
        description="Signed, semver-versioned gocheck rule packs. Contract: docs/pack-protocol.md.",
        docs_url=None,  # served below from local assets, never a CDN
        redoc_url=None,
    )
    mount_api_docs(app)
    app.state.hub = HubState(settings=settings, db=db, metrics=metrics)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return JSONResponse(error_body("validation_error", "; ".join(parts) or "invalid request"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return JSONResponse(error_body(_http_code(exc.status_code), message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "internal error; the server log has details"),
                            status_code=500)

    for router in (health.router, auth.router, packs.router, publish.router, usage.router, tuf.router,
                   billing_webhook.router, namespaces.router):
        app.include_router(router, responses=API_ERRORS)
    # --- portal (issue 6): server-rendered pages + /static/portal; code in rulehub/server/portal/ ---
    from rulehub.server.portal import mount as mount_portal

    mount_portal(app)
    # --- end portal ---
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    if settings.trusted_proxies:  # outermost: everything after sees the client the proxy saw
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` / multi-worker serving: settings from RULEHUB_* variables."""
    return create_app(Settings.from_env())
