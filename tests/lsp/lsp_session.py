"""End-to-end helpers: a real `python -m analyzer lsp` over stdio, driven by pytest-lsp's
client, in a temporary workspace. Waits poll with generous timeouts (2-core CI)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import AsyncIterator, Callable, Sequence

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0


@contextlib.asynccontextmanager
async def lsp_session(
    root: Path,
    encodings: Sequence[str] | None = None,
    server_args: Sequence[str] = (),
    dynamic_watch: bool = False,
) -> AsyncIterator[LanguageClient]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "analyzer", "lsp", "--debounce-ms", "50", *server_args],
        server_env=env,
    )
    client = await config.start()
    try:
        client.init_result = await asyncio.wait_for(initialize(client, root, encodings, dynamic_watch), TIMEOUT)
        yield client
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        # After a failed assertion the server is still running: end it so stop() returns.
        server = getattr(client, "_server", None)
        if server is not None and server.returncode is None:
            server.kill()
        await asyncio.wait_for(client.stop(), TIMEOUT)


async def initialize(client: LanguageClient, root: Path, encodings: Sequence[str] | None = None, dynamic_watch: bool = False) -> types.InitializeResult:
    """initialize + initialized, as a client that lets servers register file watchers only
    if `dynamic_watch` (Neovim 0.11's default client does not)."""
    general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind(e) for e in encodings]) if encodings else None
    capabilities = types.ClientCapabilities(
        general=general,
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=dynamic_watch),
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=list(types.CodeActionKind))
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )
    return await client.initialize_session(types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")]))


async def wait_until(predicate: Callable[[], object], timeout: float = TIMEOUT, what: str = "condition") -> object:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def fresh_diagnostics(client: LanguageClient, uri: str, action: Callable[[], object], accept: Callable[[list], bool] = lambda ds: True) -> list[types.Diagnostic]:
    """Forget what was published for `uri`, run `action`, wait for the next publication
    that `accept`s."""
    client.diagnostics.pop(uri, None)
    action()
    result = await wait_until(lambda: uri in client.diagnostics and accept(list(client.diagnostics[uri])) and [list(client.diagnostics[uri])], what=f"diagnostics for {uri}")
    return result[0]


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="go", version=version, text=path.read_text("utf-8") if text is None else text)
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1])),
                    text=text,
                )
            ],
        )
    )


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    """What an editor does with a WorkspaceEdit's TextEdits (positions in `encoding`)."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        before = sum(len(l) + 1 for l in lines[: pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return before + i
            units += {"utf-16": 2 if ord(ch) > 0xFFFF else 1, "utf-8": len(ch.encode()), "utf-32": 1}[encoding]
        return before + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
