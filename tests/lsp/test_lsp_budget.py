"""A huge document does not take the language server away: it is checked in the
background while hover and other documents' diagnostics go on, its check ends within the
per-file budget, and the server shuts down. Before, the check ran on the server's only
thread and never ended (one line of 1+1+... nested past tree-sitter's 16-bit query depth)."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.lsp.lsp_session import change_doc, fresh_diagnostics, lsp_session, open_doc, wait_until

pytestmark = pytest.mark.asyncio

GOOD = "package demo\n\nfunc Set(name string) string {\n\tname = name\n\treturn name\n}\n"
# 4 MiB: twenty lines of 100k terms each in one function, no declaration boundary inside
HUGE = "package huge\n\nfunc f() int {\n" + "".join(f"\tx{i} := " + "+".join(["1"] * 100_000) + "\n" for i in range(20)) + "\treturn 0\n}\n"
ANSWER_TIMEOUT = 15.0  # the hover must not wait for the huge check


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def test_a_huge_document_does_not_stop_the_server_answering(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "huge").mkdir()
    good, huge = tmp_path / "demo" / "demo.go", tmp_path / "huge" / "huge.go"
    async with lsp_session(tmp_path) as client:
        await fresh_diagnostics(client, good.as_uri(), lambda: open_doc(client, good, GOOD), lambda ds: codes(ds) == ["selfassign"])
        open_doc(client, huge, HUGE)
        await asyncio.sleep(1.0)  # let the huge check start
        hover = await asyncio.wait_for(
            client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=good.as_uri()), position=types.Position(line=3, character=2))),
            ANSWER_TIMEOUT,
        )
        assert hover is not None and "selfassign" in hover.contents.value
        # an edit of the normal document is still checked and published
        client.diagnostics.pop(good.as_uri(), None)
        change_doc(client, good.as_uri(), 2, (3, 1), (3, 12), "name = name + name")
        await wait_until(lambda: good.as_uri() in client.diagnostics and codes(client.diagnostics[good.as_uri()]) == [], timeout=300, what="diagnostics after the edit")
        # the huge document's check ended within its budget and says so
        await wait_until(lambda: any(d.code == "internal" and "budget" in d.message for d in client.diagnostics.get(huge.as_uri(), [])), timeout=300, what="the huge document's budget finding")
