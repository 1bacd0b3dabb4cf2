"""Prometheus metrics, one registry per app so tests can build several apps in one process."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("rulehub_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("rulehub_http_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry)
        self.downloads = Counter("rulehub_downloads_total", "Artifact downloads", ["via"], registry=self.registry)
        self.download_bytes = Counter("rulehub_download_bytes_total", "Artifact bytes served", registry=self.registry)
        self.publishes = Counter("rulehub_publishes_total", "Published versions", registry=self.registry)
        self.tokens = Counter("rulehub_tokens_issued_total", "Access tokens issued", registry=self.registry)
        self.ratelimit_store_errors = Counter(
            "rulehub_ratelimit_store_errors_total",
            "Rate-limit store (Redis) failures; the limiter used per-process limits instead", ["limiter"],
            registry=self.registry)
        # Set from the database on each scrape (rulehub.server.api.routes.health): alert on the
        # first when the second is 0, as nothing but an operator renews an offline root.
        self.tuf_root_expires = Gauge(
            "rulehub_tuf_root_expires_seconds",
            "Seconds until the served TUF root.json expires (negative once expired)", registry=self.registry)
        self.tuf_root_key_online = Gauge(
            "rulehub_tuf_root_key_online",
            "1 if this server holds the TUF root key (renews root itself), 0 if the key is offline",
            registry=self.registry)


class MetricsMiddleware:
    """Pure ASGI middleware: counts and times requests by route template (bounded label set)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        recorded = False

        def record(status: int) -> None:
            nonlocal recorded
            recorded = True
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], label, str(status)).inc()
            self.metrics.latency.labels(label).observe(time.perf_counter() - start)

        async def send_wrapper(message: Message) -> None:
            # Count before the client can see the response, so a follow-up /metrics includes it.
            if message["type"] == "http.response.start" and not recorded:
                record(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if not recorded:
                record(500)
