"""New code only: --new-from-rev in a real git repository, and the baseline file."""

import json
import subprocess
from pathlib import Path

import pytest

from analyzer.pipeline.baseline import BaselineError, load_baseline
from analyzer.pipeline.newfromrev import parse_unified_diff
from gocheck_cli import SELFASSIGN, run_gocheck, write_tree

OLD = "package p\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"go.mod": "module m\n\ngo 1.21\n", "p/a.go": OLD})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def lines(out) -> list[tuple[str, int]]:
    return [(d["path"], d["line"]) for d in json.loads(out.stdout)["diagnostics"]]


def test_parse_unified_diff_counts_added_and_changed_lines():
    diff = (
        "diff --git a/p/a.go b/p/a.go\n--- a/p/a.go\n+++ b/p/a.go\n"
        "@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-old\n+new\n@@ -20,3 +22,0 @@\n-gone\n"
        "diff --git a/gone.go b/gone.go\n--- a/gone.go\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
    )
    assert parse_unified_diff(diff) == {"p/a.go": {4, 5, 12}}


def test_only_changed_lines_and_untracked_files(repo):
    # A new finding in an edited committed file, an old one that moved down, and an untracked file.
    (repo / "p" / "a.go").write_text("package p\n\n// moved\nfunc F(x int) int {\n\tx = x\n\ty := x\n\ty = y\n\treturn y\n}\n")
    write_tree(repo, {"q/new.go": SELFASSIGN})
    assert sorted(lines(run_gocheck("--format", "json", cwd=repo))) == [("p/a.go", 5), ("p/a.go", 7), ("q/new.go", 4)]
    out = run_gocheck("--format", "json", "--new-from-rev", "HEAD", cwd=repo)
    assert out.returncode == 1, out.stderr
    assert sorted(lines(out)) == [("p/a.go", 7), ("q/new.go", 4)]


def test_works_from_a_subdirectory_and_with_committed_changes(repo):
    (repo / "p" / "a.go").write_text(OLD.replace("return x", "y := x\n\ty = y\n\treturn y"))
    git(repo, "commit", "-q", "-am", "more")
    out = run_gocheck("--format", "json", "--new-from-rev", "HEAD~1", ".", cwd=repo / "p")
    assert lines(out) == [("a.go", 6)]
    out = run_gocheck("--new-from-rev", "HEAD", cwd=repo)
    assert out.returncode == 0 and out.stdout == ""


def test_bad_rev_exits_2(repo):
    out = run_gocheck("--new-from-rev", "no-such-branch", cwd=repo)
    assert out.returncode == 2
    assert "--new-from-rev no-such-branch: no such commit" in out.stderr


def test_not_a_git_repo_exits_2(tmp_path):
    write_tree(tmp_path, {"p/a.go": OLD})
    out = run_gocheck("--new-from-rev", "HEAD", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert out.returncode == 2 and "not inside a git work tree" in out.stderr


# -- baseline ---------------------------------------------------------------------------


def test_baseline_hides_recorded_findings_even_when_lines_move(tmp_path):
    write_tree(tmp_path, {"p/a.go": OLD})
    out = run_gocheck("--write-baseline", "gocheck-baseline.json", cwd=tmp_path)
    assert out.returncode == 0 and "wrote 1 findings to" in out.stderr
    recorded = json.loads((tmp_path / "gocheck-baseline.json").read_text())
    assert recorded["findings"][0] == {"rule": "selfassign", "path": "p/a.go", "line_text": "x = x", "occurrence": 0, "message": "self-assignment of x to x"}
    # Lines added above: still baselined. Run from a subdirectory: paths still match.
    (tmp_path / "p" / "a.go").write_text(OLD.replace("package p\n", "package p\n\n// a\n// b\n"))
    out = run_gocheck("--baseline", "../gocheck-baseline.json", ".", cwd=tmp_path / "p")
    assert (out.returncode, out.stdout) == (0, "")
    # A second, new occurrence of the same line is new.
    (tmp_path / "p" / "a.go").write_text(OLD.replace("return x", "x = x\n\treturn x"))
    out = run_gocheck("--format", "json", "--baseline", "gocheck-baseline.json", cwd=tmp_path)
    assert out.returncode == 1 and lines(out) == [("p/a.go", 5)]
    # A changed line is new.
    (tmp_path / "p" / "a.go").write_text(OLD.replace("x = x", "x = x // changed"))
    out = run_gocheck("--format", "json", "--baseline", "gocheck-baseline.json", cwd=tmp_path)
    assert [d["line"] for d in json.loads(out.stdout)["diagnostics"]] == [4]


def test_bad_baseline_files(tmp_path):
    (tmp_path / "b.json").write_text("{}")
    with pytest.raises(BaselineError, match="recreate it with --write-baseline"):
        load_baseline(tmp_path / "b.json")
    (tmp_path / "b.json").write_text("not json")
    with pytest.raises(BaselineError, match="not a gocheck baseline"):
        load_baseline(tmp_path / "b.json")
