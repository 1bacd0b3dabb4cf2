"""The language server follows the CLI's trust rule: a downloaded pack's Python code is not
imported for a workspace unless the user trusts its publisher, and the user is told why;
a trusted pack's rules run contained and their findings reach the editor."""

from __future__ import annotations

import pytest

from tests.loader.conftest import gocheck, hub, user_dirs  # noqa: F401  (pytest fixtures)
from tests.lsp.lsp_session import fresh_diagnostics, lsp_session, open_doc, wait_until
from tests.sandbox.attack_packs import project_using, publish, rule_module

pytestmark = pytest.mark.asyncio


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def test_the_server_does_not_import_an_untrusted_pack_and_says_why(hub, tmp_path):
    sub = hub.subscriber()
    marker = tmp_path / "evil-ran"
    evil = rule_module("evil", "pass", imports=f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')")
    name = publish(hub, sub, tmp_path, "evil", {"evil": evil})
    marker.unlink()  # `gocheck pack build` ran it on the author's machine
    project = project_using(hub, sub, tmp_path / "victim", name)

    async with lsp_session(project) as client:
        path = project / "p.go"
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: "selfassign" in codes(ds))
        assert "selfassign" in codes(diags)
        await wait_until(lambda: any(name in m.message and f"gocheck packs trust {sub.namespace}" in m.message for m in client.messages),
                         what="a message naming the pack and how to trust it")
    assert not marker.exists(), "the language server imported the untrusted pack's code"


async def test_a_trusted_pack_runs_contained_in_the_server(hub, tmp_path):
    sub = hub.subscriber()
    name = publish(hub, sub, tmp_path, "demo", {})
    project = project_using(hub, sub, tmp_path / "victim", name)
    gocheck("packs", "trust", sub.namespace, cwd=project)

    async with lsp_session(project) as client:
        path = project / "p.go"
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: f"{name}/boolcompare" in codes(ds))
        assert {"selfassign", f"{name}/boolcompare"} <= set(codes(diags))
