"""`gocheck lsp`: run the language server over stdio (default) or TCP."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from analyzer.cli.errors import EXIT_CLEAN, UsageError


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise UsageError(f"--tcp wants HOST:PORT, e.g. 127.0.0.1:2087, not {text!r}")
    return host or "127.0.0.1", int(port)


def _say_listening(address: tuple) -> None:
    print(f"gocheck lsp: listening on {address[0]}:{address[1]}", file=sys.stderr, flush=True)


def cmd_lsp(args) -> int:
    from lsp.server import create_server, serve_tcp  # pygls is imported only when the server runs

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr if args.log_file is None else open(args.log_file, "a", encoding="utf-8"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.debounce_ms < 0:
        raise UsageError("--debounce-ms must be 0 or more")
    packs = [Path(p) for p in args.pack or ()]
    if args.tcp:
        host, port = _host_port(args.tcp)
        # Each connection is its own session; the listener serves until interrupted.
        serve_tcp(host, port, lambda: create_server(debounce_ms=args.debounce_ms, extra_pack_dirs=packs), ready=_say_listening)
    else:
        create_server(debounce_ms=args.debounce_ms, extra_pack_dirs=packs).start_io()
    return EXIT_CLEAN


def register(sub) -> None:
    p = sub.add_parser("lsp", help="run the language server (stdio by default)")
    p.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default; accepted for clients that pass it)")
    p.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    p.add_argument("--debounce-ms", type=int, default=150, help="wait this long after the last edit before checking (default 150)")
    p.add_argument("--pack", action="append", metavar="DIR", help="also load this rule pack directory (trusted: its code runs); repeatable")
    p.add_argument("--log-file", metavar="PATH", help="write the server's own log here instead of stderr")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.set_defaults(func=cmd_lsp)
