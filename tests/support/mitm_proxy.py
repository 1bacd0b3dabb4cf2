"""A man in the middle on loopback for the trust tests: an HTTP server that forwards every
request to a real hub, records what it saw, and lets a test rewrite answers.

    with MitmProxy(hub.base_url) as mitm:
        mitm.rewrite["/v1/packs/acme/x/resolve"] = lambda body: body.replace(b"1.5.0", b"1.0.0")
        ... gocheck with [hub] url = mitm.url ...
        assert api_key.encode() not in mitm.seen()

`rewrite` maps a URL path to a function of the upstream body; `replace` maps a path to a body
served instead of asking upstream.  `seen()` is every request's line, headers and body.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class MitmProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rewrite: dict[str, Callable[[bytes], bytes]] = {}
        self.replace: dict[str, bytes] = {}
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "MitmProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def seen(self) -> bytes:
        with self._lock:
            return b"\n".join(self.requests)

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.requests.append(self.requestline.encode() + b"\n" + bytes(self.headers) + body)
                path = self.path.split("?", 1)[0]
                if path in proxy.replace:
                    status, headers, content = 200, {"Content-Type": "application/json"}, proxy.replace[path]
                else:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                    resp = httpx.request(self.command, proxy.upstream + self.path, headers=headers, content=body, timeout=60)
                    status, content = resp.status_code, resp.content
                    headers = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_BY_HOP}
                    if path in proxy.rewrite:
                        content = proxy.rewrite[path](content)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = _relay

            def log_message(self, *args) -> None:
                pass

        return Handler
