"""`gocheck --fix` and `--diff`: safe fixes applied to the files, atomically, once."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

from analyzer.api.diagnostics import Diagnostic, Edit, Fix, Severity
from analyzer.fixes import plan_fixes
from gocheck_cli import REPO, run_gocheck

SOME_FIXED_RULES = {"selfassign", "waitgroupadd", "errorsnewsprintf"}  # among the sample's safe fixes


def _sample(tmp_path: Path) -> Path:
    tree = tmp_path / "inventory"
    shutil.copytree(REPO / "examples" / "inventory", tree)
    return tree


def _rules(run) -> list[str]:
    return sorted(d["rule"] for d in json.loads(run.stdout)["diagnostics"])


def _safely_fixable(run) -> list[tuple[str, str]]:
    """(rule, path) of every finding that offers a safe fix: what --fix may apply."""
    return [(d["rule"], d["path"]) for d in json.loads(run.stdout)["diagnostics"] if any(f.get("safe") for f in d["fixes"])]


def test_fix_round_trips_on_the_sample_tree(tmp_path):
    tree = _sample(tmp_path)
    first = run_gocheck("--format", "json", "./...", cwd=tree)
    before, fixable = _rules(first), _safely_fixable(first)
    fixed_rules = {rule for rule, _ in fixable}
    assert SOME_FIXED_RULES <= fixed_rules
    mode = stat.S_IMODE((tree / "store" / "store.go").stat().st_mode)

    fixed = run_gocheck("--fix", "--format", "json", "./...", cwd=tree)
    assert fixed.returncode == 1, fixed.stderr  # the sample's other bugs have no safe fix
    assert f"applied {len(fixable)} fix(es) to {len({path for _, path in fixable})} file(s)" in fixed.stderr
    after = _rules(fixed)
    assert after == sorted(r for r in before if r not in fixed_rules)

    assert "name = name" not in (tree / "store" / "store.go").read_text()
    assert 'fmt.Errorf("report: line %d has no SKU", i+1)' in (tree / "report" / "report.go").read_text()
    assert stat.S_IMODE((tree / "store" / "store.go").stat().st_mode) == mode
    assert not list(tree.rglob(".gocheck-fix-*")), "temporary files left behind"

    # A second run finds none of the fixed findings and changes nothing.
    again = run_gocheck("--fix", "--format", "json", "./...", cwd=tree)
    assert "applied 0 fix(es)" in again.stderr
    assert _rules(again) == after
    assert run_gocheck("--diff", "./...", cwd=tree).returncode == 0


def test_diff_shows_the_fixes_and_writes_nothing(tmp_path):
    tree = _sample(tmp_path)
    snapshot = {p: p.read_bytes() for p in tree.rglob("*.go")}
    run = run_gocheck("--diff", "./...", cwd=tree)
    assert run.returncode == 1, run.stderr
    assert "--- a/store/store.go\n+++ b/store/store.go\n" in run.stdout
    assert "-\tname = name\n" in run.stdout
    assert "+\t\twg.Add(1)\n" in run.stdout
    assert {p: p.read_bytes() for p in tree.rglob("*.go")} == snapshot


def test_fix_with_write_baseline_is_a_usage_error(go_tree):
    run = run_gocheck("--fix", "--write-baseline", "b.json", "./...", cwd=go_tree)
    assert run.returncode == 2
    assert "--write-baseline" in run.stderr


def _finding(path: str, *fixes: Fix) -> Diagnostic:
    return Diagnostic("r", Severity.WARNING, path, 1, 1, 1, 2, 0, 1, "m", fixes)


def test_overlapping_and_malformed_fixes_are_left_for_the_next_pass():
    text = b"abcdefghij"
    first = Fix("first", (Edit(2, 5, "X"),))
    overlapping = Fix("overlaps first", (Edit(4, 6, "Y"),))
    same_insertion = Fix("insert", (Edit(8, 8, "+"),))
    second_insertion_same_place = Fix("insert again", (Edit(8, 8, "-"),))
    out_of_range = Fix("past the end", (Edit(9, 40, "Z"),))
    self_overlapping = Fix("edits overlap each other", (Edit(0, 1, "a"), Edit(0, 1, "b")))
    unsafe = Fix("unsafe", (Edit(6, 7, "U"),), safe=False)
    plan = plan_fixes(
        [_finding("f.go", overlapping, first, unsafe), _finding("f.go", same_insertion, second_insertion_same_place, out_of_range, self_overlapping)],
        {"f.go": text},
    )
    assert plan.new_sources == {"f.go": b"abXfgh+ij"}
    assert (plan.applied, plan.skipped) == (2, 4)


def test_fix_never_writes_a_file_that_was_not_checked(tmp_path):
    plan = plan_fixes([_finding("elsewhere.go", Fix("f", (Edit(0, 0, "x"),)))], {})
    assert plan.new_sources == {} and plan.skipped == 1
