"""Rule IDs in files, in a real editor session (pytest-lsp): hovering `//nolint:ns/pack/rule` in
Go or a rule ID in .gocheck.toml names the rule and its pack, and a code action enables it in
`[rules] enable` (whence `gocheck` locks and fetches its pack); nothing is offered for a rule
that already runs."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.loader.conftest import gocheck, hub, user_dirs  # noqa: F401  (pytest fixtures)
from tests.loader.test_loader_end_to_end import login
from tests.loader.test_rules_by_id import publish
from tests.lsp.lsp_session import (
    apply_text_edits,
    fresh_diagnostics,
    lsp_session,
    open_doc,
)

pytestmark = pytest.mark.asyncio

RID = "acme/http-safety/insecure-tls"
GO = f"package p\n\nfunc f() int {{\n\tx := 1 //nolint:selfassign,{RID} // reviewed\n\treturn x\n}}\n"
CONFIG = 'fail-on = "error"  # keep this\n\n[rules]\ndisable = ["deferinloop"]\n'


def _at(text: str, needle: str, into: int = 3) -> types.Position:
    line_no, line = next((i, ln) for i, ln in enumerate(text.split("\n")) if needle in ln)
    return types.Position(line=line_no, character=line.index(needle) + into)


async def _actions(client, uri: str, pos: types.Position):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[])))


async def test_nolint_rule_id_hover_and_enable_action(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "p.go").write_text(GO)
    (tmp_path / ".gocheck.toml").write_text(CONFIG)
    async with lsp_session(tmp_path) as client:
        uri = open_doc(client, tmp_path / "p.go")
        pos = _at(GO, RID)
        hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
        assert hover is not None, "no hover on a rule ID in //nolint"
        text = hover.contents.value
        assert f"**{RID}**" in text and "pack `acme/http-safety`" in text and "not installed" in text
        assert f"gocheck explain {RID}" in text
        assert hover.range.start == types.Position(line=pos.line, character=GO.split("\n")[pos.line].index(RID))

        actions = await _actions(client, uri, pos)
        [enable] = [a for a in actions or [] if a.title.startswith(f"Enable {RID}")]
        config_uri = (tmp_path / ".gocheck.toml").as_uri()
        edited = apply_text_edits(CONFIG, enable.edit.changes[config_uri])
        assert edited == f'fail-on = "error"  # keep this\n\n[rules]\nenable = ["{RID}"]\ndisable = ["deferinloop"]\n'

        # A core rule name in the same directive is no rule ID: no hover from here, no action.
        core = _at(GO, "selfassign")
        assert not [a for a in await _actions(client, uri, core) or [] if a.title.startswith("Enable")]


async def test_rule_id_in_the_config_and_a_new_config_file(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    config_text = f"[rules.'{RID}']\nseverity = \"error\"\n"
    (ws / ".gocheck.toml").write_text(config_text)
    async with lsp_session(ws) as client:
        uri = open_doc(client, ws / ".gocheck.toml")
        pos = _at(config_text, RID)
        hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
        assert hover is not None and f"**{RID}**" in hover.contents.value
        [enable] = [a for a in await _actions(client, uri, pos) or [] if a.title.startswith(f"Enable {RID}")]
        # The open buffer is what gets edited.
        assert apply_text_edits(config_text, enable.edit.changes[uri]) == config_text + f'\n[rules]\nenable = ["{RID}"]\n'

    # No .gocheck.toml at all: the action creates one.
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "go.mod").write_text("module example.com/q\n\ngo 1.22\n")
    (bare / "q.go").write_text(GO.replace("package p", "package q"))
    async with lsp_session(bare) as client:
        uri = open_doc(client, bare / "q.go")
        [enable] = [a for a in await _actions(client, uri, _at(GO, RID)) or [] if a.title.startswith("Enable")]
        create, edit = enable.edit.document_changes
        assert create.kind == "create" and create.uri == (bare / ".gocheck.toml").as_uri()
        assert edit.edits[0].new_text == f'[rules]\nenable = ["{RID}"]\n'


async def test_a_pack_fetched_for_a_rule_id_reports_that_rule_in_the_editor(hub, tmp_path):  # noqa: F811
    sub = hub.subscriber(plan="free")
    name = publish(hub, sub, tmp_path, "editor")
    rid = f"{name}/boolcompare-copy"
    project = tmp_path / "project"
    project.mkdir()
    (project / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (project / "p.go").write_text("package p\n\nfunc f(ok bool) int {\n\tif ok == true {\n\t\treturn 1\n\t}\n\treturn 0\n}\n")
    assert login(hub, sub, project).returncode == 0
    gocheck("packs", "trust", sub.namespace, cwd=project)
    r = gocheck("packs", "add", rid, cwd=project)  # locks and fetches; the editor itself never uses the network
    assert r.returncode == 0, r.stdout + r.stderr
    async with lsp_session(project) as client:
        path = project / "p.go"
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: any(str(d.code) == rid for d in ds))
        codes = {str(d.code) for d in diags}
        assert rid in codes and f"{name}/boolcompare" not in codes, codes
