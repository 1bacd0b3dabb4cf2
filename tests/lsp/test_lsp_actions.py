"""Code actions (quick fix, //nolint, fixAll), hover, and columns on non-ASCII lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.lsp_session import apply_text_edits, fresh_diagnostics, lsp_session, open_doc

pytestmark = pytest.mark.asyncio

TWO_FINDINGS = """package demo

func Set(a, b int) int {
\ta = a
\tb = b // keep b
\treturn a + b
}
"""

NON_ASCII = """package demo

func F() string {
\ts := "é日本🎉"; s = s
\treturn s
}
"""


def selfassign(diags) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == "selfassign"]


async def open_with_findings(client, path: Path, count: int) -> list[types.Diagnostic]:
    diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: len(selfassign(ds)) >= count)
    return selfassign(diags)


async def actions_at(client, uri: str, rng: types.Range, diags, only=None) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=diags, only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edited(text: str, action: types.CodeAction, uri: str, encoding: str = "utf-16") -> str:
    return apply_text_edits(text, action.edit.changes[uri], encoding)


async def test_quick_fix_deletes_the_self_assignment(tmp_path):
    path = tmp_path / "demo.go"
    path.write_text(TWO_FINDINGS, "utf-8")
    async with lsp_session(tmp_path) as client:
        first, _ = await open_with_findings(client, path, 2)
        actions = await actions_at(client, path.as_uri(), first.range, [first])
        [fix] = [a for a in actions if a.title.startswith("remove the self-assignment")]
        assert fix.kind == types.CodeActionKind.QuickFix
        assert edited(TWO_FINDINGS, fix, path.as_uri()) == TWO_FINDINGS.replace("\ta = a\n", "")


async def test_suppress_action_appends_nolint_or_goes_before_an_existing_comment(tmp_path):
    path = tmp_path / "demo.go"
    path.write_text(TWO_FINDINGS, "utf-8")
    async with lsp_session(tmp_path) as client:
        first, second = await open_with_findings(client, path, 2)
        [plain] = [a for a in await actions_at(client, path.as_uri(), first.range, [first]) if "nolint" in a.title]
        assert plain.title == "Suppress with //nolint:selfassign"
        assert edited(TWO_FINDINGS, plain, path.as_uri()) == TWO_FINDINGS.replace("\ta = a\n", "\ta = a //nolint:selfassign\n")
        [commented] = [a for a in await actions_at(client, path.as_uri(), second.range, [second]) if "nolint" in a.title]
        assert edited(TWO_FINDINGS, commented, path.as_uri()) == TWO_FINDINGS.replace("// keep b", "//nolint:selfassign // keep b")


async def test_suppress_action_extends_an_existing_nolint_list(tmp_path):
    text = TWO_FINDINGS.replace("\ta = a\n", "\ta = a //nolint:other\n")
    path = tmp_path / "demo.go"
    path.write_text(text, "utf-8")
    async with lsp_session(tmp_path) as client:
        diags = await open_with_findings(client, path, 1)
        first = next(d for d in diags if d.range.start.line == 3)
        [action] = [a for a in await actions_at(client, path.as_uri(), first.range, [first]) if "nolint" in a.title]
        assert edited(text, action, path.as_uri()) == text.replace("//nolint:other", "//nolint:other,selfassign")


async def test_fix_all_applies_every_safe_fix(tmp_path):
    path = tmp_path / "demo.go"
    path.write_text(TWO_FINDINGS, "utf-8")
    async with lsp_session(tmp_path) as client:
        await open_with_findings(client, path, 2)
        whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        actions = await actions_at(client, path.as_uri(), whole, [], only=[types.CodeActionKind.SourceFixAll])
        [fix_all] = actions
        assert fix_all.kind == "source.fixAll.gocheck"
        assert edited(TWO_FINDINGS, fix_all, path.as_uri()) == TWO_FINDINGS.replace("\ta = a\n", "").replace("\tb = b // keep b", "\t// keep b")
        # Asking only for quick fixes leaves fixAll out.
        assert await actions_at(client, path.as_uri(), whole, [], only=[types.CodeActionKind.QuickFix]) == []


async def test_hover_over_a_finding_shows_the_rule_docs(tmp_path):
    path = tmp_path / "demo.go"
    path.write_text(TWO_FINDINGS, "utf-8")
    async with lsp_session(tmp_path) as client:
        first, _ = await open_with_findings(client, path, 2)
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=3, character=2))
        )
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert hover.contents.value.startswith("# selfassign")
        assert "## Why is this bad?" in hover.contents.value
        assert hover.range == first.range
        nothing = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=0, character=1))
        )
        assert nothing is None


@pytest.mark.parametrize(
    "offer,encoding,start,end",
    [
        (None, "utf-16", 15, 20),  # \t s := " é 日 本 🎉(2 units) " ; space
        (["utf-16", "utf-8"], "utf-8", 22, 27),  # the same in bytes: é 2, 日本 3 each, 🎉 4
        (["utf-32", "utf-16"], "utf-32", 14, 19),
    ],
)
async def test_columns_on_a_non_ascii_line(tmp_path, offer, encoding, start, end):
    path = tmp_path / "demo.go"
    path.write_text(NON_ASCII, "utf-8")
    async with lsp_session(tmp_path, encodings=offer) as client:
        assert client.init_result.capabilities.position_encoding == encoding
        [d] = await open_with_findings(client, path, 1)
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (3, start, end)
        [fix] = [a for a in await actions_at(client, path.as_uri(), d.range, [d]) if a.title.startswith("remove")]
        assert edited(NON_ASCII, fix, path.as_uri(), encoding) == NON_ASCII.replace("; s = s", "; ")
        [suppress] = [a for a in await actions_at(client, path.as_uri(), d.range, [d]) if "nolint" in a.title]
        assert edited(NON_ASCII, suppress, path.as_uri(), encoding) == NON_ASCII.replace("s = s\n", "s = s //nolint:selfassign\n")
