"""Diagnostics over a real stdio session: open, edit, fix, broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types

from tests.cli.gocheck_cli import run_gocheck
from tests.lsp.lsp_session import change_doc, fresh_diagnostics, lsp_session, open_doc

pytestmark = pytest.mark.asyncio

SELFASSIGN = """package demo

func Set(name string) string {
\tname = name
\treturn name
}
"""


def selfassign(diags) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == "selfassign"]


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, "utf-8")
    return path


async def test_initialize_advertises_features(tmp_path):
    async with lsp_session(tmp_path) as client:
        caps = client.init_result.capabilities
        assert caps.hover_provider
        assert caps.code_action_provider
        assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
        assert caps.position_encoding == types.PositionEncodingKind.Utf16
        assert client.init_result.server_info.name == "gocheck"


async def test_open_publishes_findings_and_fixing_edit_clears_them(tmp_path):
    path = write(tmp_path, "demo.go", SELFASSIGN)
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: selfassign(ds))
        [d] = selfassign(diags)
        assert d.source == "gocheck"
        assert d.severity == types.DiagnosticSeverity.Warning
        assert d.code_description.href == "https://rulehub.dev/rules/selfassign"
        assert "self-assignment of name" in d.message
        assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (3, 1, 3, 12)

        # Type `s.` before the left-hand side: `s.name = name` is no self-assignment.
        diags = await fresh_diagnostics(
            client, path.as_uri(), lambda: change_doc(client, path.as_uri(), 2, (3, 1), (3, 1), "s."), lambda ds: not selfassign(ds)
        )
        assert selfassign(diags) == []

        # Saving checks again at once (no debounce) and publishes for the saved version.
        diags = await fresh_diagnostics(
            client, path.as_uri(), lambda: client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
        )
        assert selfassign(diags) == []


async def test_sibling_file_on_disk_is_package_context(tmp_path):
    # The finding needs nothing from the sibling, but a sibling with another package
    # clause (an external test package) must not break the check.
    write(tmp_path, "other.go", "package demo\n\nvar Shared = 1\n")
    write(tmp_path, "demo_ext_test.go", "package demo_test\n\nfunc f() { x := 1; x = x }\n")
    path = write(tmp_path, "demo.go", SELFASSIGN)
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: selfassign(ds))
        assert len(selfassign(diags)) == 1


def _wrapper(name: str, constraint: str = "") -> str:
    return f'{constraint}package demo\n\nimport "fmt"\n\nfunc {name}(format string, args ...interface{{}}) {{\n\tfmt.Printf(format, args...)\n}}\n'


async def test_the_editor_groups_a_package_as_the_cli_does(tmp_path):
    # printf checks calls of the package's own wrappers; a wrapper in a file the go tool
    # leaves out (another GOOS, //go:build ignore) is not part of the package in CI, so the
    # editor must not report calls of it either
    write(tmp_path, "go.mod", "module example.com/demo\n\ngo 1.22\n")
    write(tmp_path, "wrap_windows.go", _wrapper("winf"))
    write(tmp_path, "wrap_ignored.go", _wrapper("ignf", "//go:build ignore\n\n"))
    write(tmp_path, "wrap_linux.go", _wrapper("linf"))
    path = write(tmp_path, "demo.go", 'package demo\n\nfunc Use() {\n\twinf("%d")\n\tignf("%d")\n\tlinf("%d")\n}\n')
    cli = run_gocheck("--format", "json", "./...", cwd=tmp_path, env={"GOOS": "linux", "GOARCH": "amd64"})
    cli_lines = sorted(f["line"] for f in json.loads(cli.stdout)["diagnostics"] if f["rule"] == "printf" and f["path"].endswith("demo.go"))
    assert cli_lines == [6], cli.stdout + cli.stderr  # only the linux wrapper's call
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: any(d.code == "printf" for d in ds))
        assert sorted(d.range.start.line + 1 for d in diags if d.code == "printf") == cli_lines


LOOP = "package demo\n\nfunc Run(names []string) {\n\tfor _, n := range names {\n\t\tdefer func() { println(n) }()\n\t}\n}\n"


async def test_an_edited_go_line_changes_version_gated_findings(tmp_path):
    # loopclosure applies before Go 1.22 only; the server must read go.mod again once it changes
    gomod = write(tmp_path, "go.mod", "module example.com/demo\n\ngo 1.21\n")
    path = write(tmp_path, "demo.go", LOOP)
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: any(d.code == "loopclosure" for d in ds))
        assert [d.code for d in diags if d.code == "loopclosure"] == ["loopclosure"]
        gomod.write_text("module example.com/demo\n\ngo 1.22\n", "utf-8")
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: change_doc(client, path.as_uri(), 2, (6, 1), (6, 1), "\n"))
        assert not [d for d in diags if d.code == "loopclosure"], diags
