"""Reject NUL characters in the URL before they reach the database.

PostgreSQL text cannot hold U+0000 and raises on a query parameter containing it, so a
`?q=%00` would otherwise be a 500.  Nothing in the protocol needs NUL, so it is a 400 here.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

_BODY = json.dumps(
    {"error": {"code": "invalid_characters", "message": "the URL contains a NUL character; remove it"}}
).encode()
# Portal pages are for browsers: they get a page, not the API's JSON.
_HTML = (
    b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Bad request - RuleHub</title></head>"
    b"<body><h1>Bad request</h1><p>The address contains a character that is not allowed. "
    b'<a href="/">Back to RuleHub</a></p></body></html>'
)
_API_PREFIXES = ("/v1/", "/tuf/", "/.well-known/", "/metrics", "/healthz", "/openapi.json", "/docs", "/redoc")


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            path = scope.get("path", "")
            if "\x00" in path or b"%00" in query or b"\x00" in query:
                api = path.startswith(_API_PREFIXES)
                body, kind = (_BODY, b"application/json") if api else (_HTML, b"text/html; charset=utf-8")
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", kind),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
