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


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            if "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query:
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(_BODY)).encode())]})
                await send({"type": "http.response.body", "body": _BODY})
                return
        await self.app(scope, receive, send)
