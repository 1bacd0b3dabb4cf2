"""The server survives what editors throw at it: broken Go, crashing rules, odd requests."""

from __future__ import annotations


import pytest
from lsprotocol import types

from tests.lsp.lsp_session import change_doc, fresh_diagnostics, lsp_session, open_doc, wait_until

pytestmark = pytest.mark.asyncio

GOOD = """package demo

func Set(name string) string {
\tname = name
\treturn name
}
"""

CRASHING_RULE = '''"""Always crashes (a test double for a buggy rule)."""

from analyzer.api.rule import Rule


def run(pass_):
    raise RuntimeError("boom from a buggy rule")


RULE = Rule(name="crash", summary="always crashes", run=run)
'''


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def hover_works(client, uri: str) -> bool:
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=2))
    )
    return hover is not None and "selfassign" in hover.contents.value


async def test_syntax_errors_are_findings_and_the_server_goes_on(tmp_path):
    path = tmp_path / "demo.go"
    broken = "package demo\n\nfunc Set(name string {\n\tname = \n"
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path, broken), lambda ds: "syntax" in codes(ds))
        assert all(d.severity == types.DiagnosticSeverity.Error for d in diags if d.code == "syntax")
        # Replace the whole text with good Go: syntax findings go, the real finding comes.
        client.diagnostics.pop(path.as_uri(), None)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=GOOD)],
            )
        )
        await wait_until(lambda: codes(client.diagnostics.get(path.as_uri(), [])) == ["selfassign"], what="selfassign only")
        assert await hover_works(client, path.as_uri())


async def test_edits_past_the_end_and_garbage_bytes_do_not_kill_the_server(tmp_path):
    path = tmp_path / "demo.go"
    async with lsp_session(tmp_path) as client:
        await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path, GOOD), lambda ds: "selfassign" in codes(ds))
        change_doc(client, path.as_uri(), 2, (99, 5), (120, 0), "\x00\x01 }}}{{{ \U0001f389")
        change_doc(client, path.as_uri(), 3, (0, 500), (0, 0), "")
        await wait_until(lambda: "syntax" in codes(client.diagnostics.get(path.as_uri(), [])), what="syntax findings")
        assert await hover_works(client, path.as_uri())
        # Requests about documents the server never saw are answered, not fatal.
        unknown = (tmp_path / "nope.go").as_uri()
        assert await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=unknown), position=types.Position(line=0, character=0))
        ) is None


async def test_a_crashing_rule_is_reported_and_logged_and_other_rules_still_run(tmp_path):
    pack = tmp_path / "crashpack"
    pack.mkdir()
    (pack / "pack.toml").write_text('[pack]\nname = "test/crashy"\nversion = "0.1.0"\n', "utf-8")
    (pack / "crash.py").write_text(CRASHING_RULE, "utf-8")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    path = workspace / "demo.go"
    path.write_text(GOOD, "utf-8")
    async with lsp_session(workspace, server_args=["--pack", str(pack)]) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: "internal" in codes(ds))
        assert "selfassign" in codes(diags)
        [internal] = [d for d in diags if d.code == "internal"]
        assert "test/crashy/crash crashed" in internal.message and "boom from a buggy rule" in internal.message
        await wait_until(lambda: any("boom from a buggy rule" in m.message for m in client.log_messages), what="a window/logMessage")
        assert await hover_works(client, path.as_uri())
