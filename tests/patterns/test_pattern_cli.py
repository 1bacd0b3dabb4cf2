"""`gocheck pattern` and `gocheck tree` as an author runs them (the real CLI, a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SOURCE = """package p

import (
	mrand "math/rand"
	"crypto/rand"
	"fmt"
)

func token() (string, int) {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x", b), mrand.Intn(10)
}
"""


def gocheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def project(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "p.go").write_text(SOURCE)
    return tmp_path


def test_pattern_reports_matches_as_rule_pattern_in_every_format(tmp_path):
    root = project(tmp_path)
    r = gocheck("pattern", "fmt.Sprintf($F, ...)", "./...", cwd=root)
    assert r.returncode == 1, r.stderr
    assert "p.go:12:9: info: matches the pattern (pattern)" in r.stdout
    r = gocheck("pattern", "fmt.Sprintf($F, ...)", "--format", "json", cwd=root)
    [finding] = json.loads(r.stdout)["diagnostics"]
    assert finding["rule"] == "pattern" and finding["line"] == 12
    r = gocheck("pattern", "fmt.Sprintf($F, ...)", "--format", "sarif", cwd=root)
    [run] = json.loads(r.stdout)["runs"]
    assert [res["ruleId"] for res in run["results"]] == ["pattern"]


def test_pattern_with_no_match_exits_0(tmp_path):
    r = gocheck("pattern", "fmt.Println(...)", cwd=project(tmp_path))
    assert r.returncode == 0 and "(pattern)" not in r.stdout, r.stdout + r.stderr


def test_pattern_import_chooses_which_rand(tmp_path):
    root = project(tmp_path)
    both = gocheck("pattern", "rand.$F(...)", cwd=root)
    assert both.stdout.count("(pattern)") == 2, both.stdout
    r = gocheck("pattern", "rand.$F(...)", "--import", "math/rand", "--format", "json", cwd=root)
    assert [d["line"] for d in json.loads(r.stdout)["diagnostics"]] == [12]


def test_a_bad_pattern_is_a_usage_error(tmp_path):
    r = gocheck("pattern", "fmt.Sprintf(", cwd=project(tmp_path))
    assert r.returncode == 2 and "cannot read the pattern" in r.stderr, r.stderr
    r = gocheck("pattern", "$X", cwd=project(tmp_path))
    assert r.returncode == 2 and "only a hole" in r.stderr, r.stderr


def test_tree_prints_kinds_fields_and_positions(tmp_path):
    root = project(tmp_path)
    r = gocheck("tree", "p.go", "--line", "11", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "function: selector_expression [11:2-11:11]" in r.stdout
    assert "operand: identifier [11:2-11:6] 'rand'" in r.stdout and "field: field_identifier [11:7-11:11] 'Read'" in r.stdout
    assert "'return'" not in r.stdout  # line 12 is left out
    r = gocheck("tree", "-p", "if $E != nil { ... }", cwd=root)
    assert "read as statements" in r.stdout and "condition: binary_expression" in r.stdout and "'__gc_mv_E'" in r.stdout
