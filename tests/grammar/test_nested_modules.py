"""The nearest go.mod decides each package's Go version (issue 15, item 5): in a repository
whose root module says go 1.21 and whose subfolder holds its own go 1.22 module, loopclosure
(silent from Go 1.22, where each iteration has its own variable) reports the outer packages
and not the inner one, from the CLI (run at the root, in the inner module, or on one
package) and in the language server. A planted selfassign in every package shows each was
analysed at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.lsp_session import fresh_diagnostics, lsp_session, open_doc, wait_until

REPO = Path(__file__).resolve().parents[2]

CAPTURE = """package {name}

import "sync"

func Each(items []string, do func(string)) {{
\tvar wg sync.WaitGroup
\tfor _, item := range items {{
\t\twg.Add(1)
\t\tgo func() {{
\t\t\tdefer wg.Done()
\t\t\tdo(item)
\t\t}}()
\t}}
\twg.Wait()
}}

func Same(n int) int {{
\tn = n
\treturn n
}}
"""
CAPTURE_LINE, SELF_LINE = 11, 18


def make_repo(root: Path) -> dict[str, Path]:
    """root/go.mod (go 1.21) with packages at the root and in a/; inner/go.mod (go 1.22)
    with packages in inner/ and inner/b/."""
    (root / "go.mod").write_text("module example.com/outer\n\ngo 1.21\n")
    (root / "inner").mkdir()
    (root / "inner" / "go.mod").write_text("module example.com/inner\n\ngo 1.22.3\n")
    files = {"outer.go": "outer", "a/a.go": "a", "inner/inner.go": "inner", "inner/b/b.go": "b"}
    paths = {}
    for rel, name in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CAPTURE.format(name=name))
        paths[rel] = path
    return paths


def gocheck(cwd: Path, *patterns: str) -> set[tuple[str, int, str]]:
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1", GOCHECK_CACHE_DIR=str(cwd / ".cache"))
    out = subprocess.run([sys.executable, "-m", "analyzer", "--format", "json", *patterns], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 1, out.stderr[-2000:]
    return {(d["path"], d["line"], d["rule"]) for d in json.loads(out.stdout)["diagnostics"]}


def expected(prefix: str, outer: list[str], inner: list[str]) -> set[tuple[str, int, str]]:
    found = {(prefix + p, SELF_LINE, "selfassign") for p in outer + inner}
    return found | {(prefix + p, CAPTURE_LINE, "loopclosure") for p in outer}


def test_each_module_gets_its_own_go_version_from_the_cli(tmp_path):
    make_repo(tmp_path)
    assert gocheck(tmp_path, "./...") == expected("", ["outer.go", "a/a.go"], ["inner/inner.go", "inner/b/b.go"])
    # From inside the inner module, and reaching out to an outer package.
    assert gocheck(tmp_path / "inner", "./...", "../a") == expected("", ["../a/a.go"], ["inner.go", "b/b.go"])
    # One package named by its path, from the root.
    assert gocheck(tmp_path, "./inner/b") == expected("", [], ["inner/b/b.go"])
    # Cached results are per module version too: the second run answers from the cache.
    assert gocheck(tmp_path, "./...") == expected("", ["outer.go", "a/a.go"], ["inner/inner.go", "inner/b/b.go"])


def test_an_edited_inner_go_line_changes_the_cached_result(tmp_path):
    make_repo(tmp_path)
    assert gocheck(tmp_path, "./inner/...") == expected("", [], ["inner/inner.go", "inner/b/b.go"])
    (tmp_path / "inner" / "go.mod").write_text("module example.com/inner\n\ngo 1.20\n")
    assert gocheck(tmp_path, "./inner/...") == expected("", ["inner/inner.go", "inner/b/b.go"], [])


@pytest.mark.asyncio
async def test_each_module_gets_its_own_go_version_in_the_language_server(tmp_path):
    paths = make_repo(tmp_path)
    async with lsp_session(tmp_path) as client:
        for rel, path in paths.items():
            uri = path.as_uri()
            diags = await fresh_diagnostics(client, uri, lambda path=path: open_doc(client, path), lambda ds: any(d.code == "selfassign" for d in ds))
            got = sorted((str(d.code), d.range.start.line + 1) for d in diags)
            want = [("selfassign", SELF_LINE)] + ([("loopclosure", CAPTURE_LINE)] if not rel.startswith("inner/") else [])
            assert got == sorted(want), rel


@pytest.mark.asyncio
async def test_a_nested_module_created_while_the_editor_runs_takes_over(tmp_path):
    """go.mod written into a subfolder of an open module (go mod init there): the packages
    below it get its version at the next check, without restarting the server."""
    paths = make_repo(tmp_path)
    (tmp_path / "inner" / "go.mod").unlink()
    path = paths["inner/b/b.go"]
    uri = path.as_uri()
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, uri, lambda: open_doc(client, path), lambda ds: any(d.code == "selfassign" for d in ds))
        assert sorted(str(d.code) for d in diags) == ["loopclosure", "selfassign"]  # the outer go 1.21
        client.diagnostics.pop(uri, None)
        (tmp_path / "inner" / "go.mod").write_text("module example.com/inner\n\ngo 1.22\n")
        await wait_until(lambda: [str(d.code) for d in client.diagnostics.get(uri, [])] == ["selfassign"], what="loopclosure gone under the new go 1.22 module")
