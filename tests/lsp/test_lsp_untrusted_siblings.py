"""The language server reads sibling files as the CLI does (issue 13, item 5): a FIFO,
a symlink to /dev/zero or /proc/self/environ next to the open file neither hangs the
server, nor exhausts its memory, nor becomes part of the package."""

from __future__ import annotations

import os

import pytest

from tests.lsp.lsp_session import fresh_diagnostics, lsp_session, open_doc

pytestmark = pytest.mark.asyncio

SELFASSIGN = "package demo\n\nfunc Set(name string) string {\n\tname = name\n\treturn name\n}\n"


async def test_fifo_and_device_siblings_neither_hang_nor_join_the_package(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/demo\n\ngo 1.21\n")
    os.mkfifo(tmp_path / "pipe.go")
    (tmp_path / "zero.go").symlink_to("/dev/zero")
    (tmp_path / "env.go").symlink_to("/proc/self/environ")
    path = tmp_path / "demo.go"
    path.write_text(SELFASSIGN)
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, path.as_uri(), lambda: open_doc(client, path), lambda ds: any(d.code == "selfassign" for d in ds))
        assert [d.code for d in diags] == ["selfassign"]
