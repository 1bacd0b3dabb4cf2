"""The result cache and files the checked build does not include: `unused` reads a package's
other-OS files and assembly, so editing only `x_windows.go` (or a `.s` file) on Linux must
re-check the package instead of replaying the cached result."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def gocheck(tree: Path, cache: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOOS", "GOARCH", "CI", "GITHUB_ACTIONS")}
    env.update(PYTHONPATH=str(REPO), GOCHECK_CACHE_DIR=str(cache), GOCHECK_NO_PROGRESS="1", NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "analyzer", "--format", "json", "./..."], check=False, cwd=tree, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode in (0, 1), proc.stderr
    return [d for d in json.loads(proc.stdout)["diagnostics"] if d["rule"] == "unused"]


def make_tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (root / "pkg" / "x.go").write_text("package pkg\n\nfunc Run() {}\n\nfunc helper() {}\n")
    (root / "pkg" / "x_windows.go").write_text("package pkg\n\nfunc init() { helper() }\n")
    return root


def test_editing_only_a_windows_file_rechecks_unused(tmp_path):
    tree = make_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    assert gocheck(tree, cache) == []  # helper is used by the Windows build
    (tree / "pkg" / "x_windows.go").write_text("package pkg\n\nfunc init() {}\n")
    after = gocheck(tree, cache)
    assert [(Path(d["path"]).name, d["message"]) for d in after] == [("x.go", "function helper is unused")]
    (tree / "pkg" / "x_windows.go").write_text("package pkg\n\nfunc init() { helper() }\n")
    assert gocheck(tree, cache) == []


def test_adding_an_assembly_file_rechecks_unused(tmp_path):
    tree = make_tree(tmp_path / "tree")
    (tree / "pkg" / "x_windows.go").unlink()
    cache = tmp_path / "cache"
    assert [d["message"] for d in gocheck(tree, cache)] == ["function helper is unused"]
    (tree / "pkg" / "x_amd64.s").write_text("TEXT ·run(SB),0,$0\n\tCALL ·helper(SB)\n\tRET\n")
    assert gocheck(tree, cache) == []
