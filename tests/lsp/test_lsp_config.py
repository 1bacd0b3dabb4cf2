"""The server reads the CLI's `.gocheck.toml` and honours the CLI's suppression comments."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.lsp.lsp_session import fresh_diagnostics, lsp_session, open_doc, wait_until

pytestmark = pytest.mark.asyncio

SOURCE = """package demo

func Set(name string) string {
\tname = name
\treturn name
}
"""


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


def watched(client, uri: str) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri, type=types.FileChangeType.Changed)])
    )


async def test_config_change_on_disk_changes_the_diagnostics(tmp_path):
    config = tmp_path / ".gocheck.toml"
    config.write_text('[rules]\ndisable = ["selfassign"]\n', "utf-8")
    path = tmp_path / "demo.go"
    path.write_text(SOURCE, "utf-8")
    async with lsp_session(tmp_path, dynamic_watch=False) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path))
        assert "selfassign" not in codes(diags)

        config.write_text('[rules.selfassign]\nseverity = "error"\n', "utf-8")
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: watched(client, config.as_uri()), lambda ds: "selfassign" in codes(ds))
        [d] = [d for d in diags if d.code == "selfassign"]
        assert d.severity == types.DiagnosticSeverity.Error

        config.write_text('[rules]\ndisable = ["selfassign"]\n', "utf-8")
        diags = await fresh_diagnostics(
            client,
            path.as_uri(),
            lambda: client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={})),
            lambda ds: "selfassign" not in codes(ds),
        )
        assert "selfassign" not in codes(diags)


async def test_a_broken_config_is_shown_and_the_defaults_apply(tmp_path):
    (tmp_path / ".gocheck.toml").write_text('[rules]\ndisable = ["selfasign"]\n', "utf-8")
    path = tmp_path / "demo.go"
    path.write_text(SOURCE, "utf-8")
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: "selfassign" in codes(ds))
        assert "selfassign" in codes(diags)
        await wait_until(lambda: any("selfasign" in m.message and "selfassign" in m.message for m in client.messages), what="a message about the typo")


async def test_nolint_comments_suppress_and_unused_ones_are_reported_when_enabled(tmp_path):
    (tmp_path / ".gocheck.toml").write_text('[rules]\nenable = ["unused-suppression"]\n', "utf-8")
    text = SOURCE.replace("\tname = name\n", "\tname = name //nolint:selfassign // on purpose\n").replace(
        "\treturn name\n", "\treturn name //nolint:selfassign\n"
    )
    path = tmp_path / "demo.go"
    path.write_text(text, "utf-8")
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: "unused-suppression" in codes(ds))
        assert codes(diags) == ["unused-suppression"]
        [unused] = diags
        assert unused.range.start.line == 4
