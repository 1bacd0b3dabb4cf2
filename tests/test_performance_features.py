"""Parallel runs and the result cache, as a user sees them: the same findings whatever -j,
a warm run answered from disk, one edited file re-checking only its package, a corrupt
entry ignored and rewritten, concurrent runs on one cache, and config changes missing.
Behaviour only; timings belong in bench/benchmark.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.pipeline.ruleset import builtin_rules
from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.result_cache import ResultCache, ruleset_fingerprint
from analyzer.pipeline.rulepack import load_pack

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

PACKAGE = """\
package {name}

import (
	"errors"
	"fmt"
)

func F{i}(x int) int {{
	x = x
	return x
}}

func G{i}(n int) error {{
	return errors.New(fmt.Sprintf("bad %d", n))
}}
"""

EXTERNAL_TEST = """\
package {name}_test

import "testing"

func TestF(t *testing.T) {{
	y := 1
	y = y
	_ = y
}}
"""


def default_rules():
    return [r for r in builtin_rules() if r.enabled_by_default]


def make_tree(root: Path, packages: int = 5) -> Path:
    """A module with several packages: findings in each, an external test package beside
    one, a nested package and a file that does not parse."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/gen\n\ngo 1.21\n")
    for i in range(packages):
        name = f"p{i}"
        d = root / name
        d.mkdir(parents=True)
        (d / f"{name}.go").write_text(PACKAGE.format(name=name, i=i))
    (root / "p0" / "p0_test.go").write_text(EXTERNAL_TEST.format(name="p0"))
    (root / "p1" / "inner").mkdir()
    (root / "p1" / "inner" / "inner.go").write_text(PACKAGE.format(name="inner", i=99))
    (root / "broken").mkdir()
    (root / "broken" / "broken.go").write_text("package broken\n\nfunc (\n")
    return root


def as_dicts(result) -> list[dict]:
    return [d.to_dict() for d in result.diagnostics]


def run(tree: Path, **kwargs):
    kwargs.setdefault("rules", default_rules())
    rules = kwargs.pop("rules")
    return check_patterns(["./..."], rules, cwd=tree, **kwargs)


def findings(proc: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(proc.stdout)["diagnostics"]


def gocheck(*args: str, cwd: Path, cache: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "GITHUB_ACTIONS", "GOCHECK_CACHE_DIR", "GOOS", "GOARCH")}
    environment["PYTHONPATH"] = str(REPO) + os.pathsep + environment.get("PYTHONPATH", "")
    environment["GOCHECK_NO_PROGRESS"] = "1"
    if cache is not None:
        environment["GOCHECK_CACHE_DIR"] = str(cache)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def popen_gocheck(*args: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), GOCHECK_NO_PROGRESS="1")
    return subprocess.Popen([sys.executable, "-m", "analyzer", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "tree")


# -- -j -----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["examples", "generated"])
def test_parallel_findings_are_identical_to_serial(which, tree):
    root = EXAMPLES if which == "examples" else tree
    serial = run(root, jobs=1)
    parallel = run(root, jobs=2)
    assert serial.diagnostics, "the tree should have findings to compare"
    assert as_dicts(parallel) == as_dicts(serial)
    assert (parallel.files, parallel.packages, parallel.bytes) == (serial.files, serial.packages, serial.bytes)


def test_cli_j2_output_is_byte_identical_to_j1(tree):
    one = gocheck("--no-cache", "-j", "1", "--format", "json", cwd=tree)
    two = gocheck("--no-cache", "-j", "2", "--format", "json", cwd=tree)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert two.stdout == one.stdout
    assert json.loads(one.stdout)


# -- the cache ----------------------------------------------------------------------


def test_warm_run_answers_every_package_from_the_cache(tree, tmp_path):
    cache = ResultCache(tmp_path / "cache")
    cold = run(tree, jobs=2, cache=cache)
    assert cold.cache_hits == 0
    warm = run(tree, jobs=2, cache=cache)
    directories = 7  # p0..p4, p1/inner, broken
    assert warm.cache_hits == directories
    assert as_dicts(warm) == as_dicts(cold)
    assert (warm.files, warm.packages, warm.bytes) == (cold.files, cold.packages, cold.bytes)


def test_warm_run_does_not_parse(tree, tmp_path, monkeypatch):
    cache = ResultCache(tmp_path / "cache")
    cold = run(tree, jobs=1, cache=cache)
    import analyzer.pipeline.checker

    def no_parsing(*args, **kwargs):
        raise AssertionError("a warm run parsed a package")

    monkeypatch.setattr(analyzer.pipeline.checker, "load_package_files", no_parsing)
    warm = run(tree, jobs=1, cache=cache)
    assert as_dicts(warm) == as_dicts(cold)


def test_cli_warm_run_is_byte_identical(tree, tmp_path):
    cache = tmp_path / "cache"
    cold = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    warm = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    assert cold.returncode == warm.returncode == 1, cold.stderr + warm.stderr
    assert warm.stdout == cold.stdout
    uncached = gocheck("--no-cache", "--format", "json", cwd=tree)
    assert uncached.stdout == cold.stdout


def test_cache_is_on_by_default_in_the_cache_dir_from_the_environment(tree, tmp_path):
    cache = tmp_path / "envcache"
    gocheck("--format", "json", cwd=tree, cache=cache)
    assert ResultCache(cache).status().entries == 7
    gocheck("--no-cache", "--format", "json", cwd=tree, cache=tmp_path / "unused")
    assert not (tmp_path / "unused").exists()


def test_editing_one_file_rechecks_only_its_package(tree, tmp_path):
    cache = ResultCache(tmp_path / "cache")
    run(tree, jobs=2, cache=cache)
    edited = tree / "p3" / "p3.go"
    edited.write_text(edited.read_text().replace("x = x", "x = x + 1"))
    after = run(tree, jobs=2, cache=cache)
    assert after.cache_hits == 7 - 1
    assert not any(d.path.startswith("p3/") and d.rule == "selfassign" for d in after.diagnostics)
    assert as_dicts(after) == as_dicts(run(tree, jobs=1))


def test_corrupt_entry_is_ignored_and_rewritten(tree, tmp_path):
    cache = ResultCache(tmp_path / "cache")
    cold = run(tree, jobs=1, cache=cache)
    entries = sorted(p for p in cache.directory.rglob("*.json"))
    assert len(entries) == 7
    entries[0].write_bytes(b'{"format": 1, "key": "trunc')
    entries[1].write_bytes(b"\x00\xff not json")
    again = run(tree, jobs=1, cache=cache)
    assert again.cache_hits == 5
    assert as_dicts(again) == as_dicts(cold)
    json.loads(entries[0].read_bytes())  # rewritten whole
    json.loads(entries[1].read_bytes())
    assert run(tree, jobs=1, cache=cache).cache_hits == 7


def test_concurrent_runs_on_one_cache_dir_agree(tree, tmp_path):
    cache = tmp_path / "cache"
    args = ("--cache-dir", str(cache), "-j", "2", "--format", "json")
    procs = [popen_gocheck(*args, cwd=tree) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [err for _, err in outs]
    assert outs[0][0] == outs[1][0]
    assert gocheck(*args, cwd=tree).stdout == outs[0][0]
    assert not list(cache.rglob(".tmp-*")), "no temporary files left behind"


def test_changing_the_rule_set_misses_the_cache(tree, tmp_path):
    cache = tmp_path / "cache"
    first = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    assert any(d["rule"] == "selfassign" for d in findings(first))
    flag = gocheck("--cache-dir", str(cache), "--format", "json", "--disable", "selfassign", cwd=tree)
    assert not any(d["rule"] == "selfassign" for d in findings(flag))
    assert ResultCache(cache).status().entries == 14  # every package a miss
    (tree / ".gocheck.toml").write_text('[rules]\ndisable = ["errorsnewsprintf"]\n')
    config = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    assert config.returncode == 1, config.stderr
    assert not any(d["rule"] == "errorsnewsprintf" for d in findings(config))
    assert any(d["rule"] == "selfassign" for d in findings(config))


def test_suppression_options_are_in_the_key(tree, tmp_path):
    (tree / "p2" / "p2.go").write_text(PACKAGE.format(name="p2", i=2).replace("return x\n", "return x //nolint:printf\n"))
    cache = tmp_path / "cache"
    plain = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    assert not any(d["rule"] == "unused-suppression" for d in findings(plain))
    unused = gocheck("--cache-dir", str(cache), "--format", "json", "--report-unused-nolint", cwd=tree)
    assert any(d["rule"] == "unused-suppression" and d["path"] == "p2/p2.go" for d in findings(unused))


def test_pack_version_and_declarative_message_are_in_the_fingerprint(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    manifest = '[pack]\nname = "acme/demo"\nversion = "{v}"\n'
    rule = 'name = "calls"\nquery = "(call_expression) @match"\nmessage = "{m}"\n'
    (pack / "pack.toml").write_text(manifest.format(v="1.0.0"))
    (pack / "calls.toml").write_text(rule.format(m="a call"))
    base = ruleset_fingerprint(load_pack(pack).rules)
    assert ruleset_fingerprint(load_pack(pack).rules) == base
    (pack / "calls.toml").write_text(rule.format(m="another message"))
    changed_message = ruleset_fingerprint(load_pack(pack).rules)
    assert changed_message != base
    py_pack = tmp_path / "pypack"
    py_pack.mkdir()
    (py_pack / "pack.toml").write_text(manifest.format(v="1.0.0"))
    (py_pack / "noop.py").write_text('from analyzer.api.rule import Rule\n\nRULE = Rule(name="noop", summary="nothing", run=lambda p: None)\n')
    before = ruleset_fingerprint(load_pack(py_pack).rules)
    (py_pack / "pack.toml").write_text(manifest.format(v="1.0.1"))
    assert ruleset_fingerprint(load_pack(py_pack).rules) != before


def test_cache_status_and_clean(tree, tmp_path):
    cache = tmp_path / "cache"
    gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree)
    status = gocheck("cache", "status", "--cache-dir", str(cache), cwd=tree)
    assert status.returncode == 0, status.stderr
    assert str(cache) in status.stdout and "entries: 7" in status.stdout
    clean = gocheck("cache", "clean", "--cache-dir", str(cache), cwd=tree)
    assert clean.returncode == 0 and "removed 7" in clean.stdout
    assert "entries: 0" in gocheck("cache", "status", "--cache-dir", str(cache), cwd=tree).stdout
    assert gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree).returncode == 1


def test_sources_stay_lazy(tree):
    result = run(tree, jobs=1)
    assert len(result.sources) == result.files  # every discovered file
    assert not result.sources._cache, "no file is read until a reporter asks"
    assert b"package p0" in result.sources["p0/p0.go"]


def test_the_build_target_is_in_the_key(tree, tmp_path):
    (tree / "p4" / "p4_windows.go").write_text("package p4\n\nfunc W(y int) int {\n\ty = y\n\treturn y\n}\n")
    cache = tmp_path / "cache"
    linux = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree, env={"GOOS": "linux"})
    windows = gocheck("--cache-dir", str(cache), "--format", "json", cwd=tree, env={"GOOS": "windows"})
    assert not any(d["path"] == "p4/p4_windows.go" for d in findings(linux))
    assert any(d["path"] == "p4/p4_windows.go" for d in findings(windows))


def test_a_checked_package_leaves_no_reference_cycles_behind():
    """Every default rule on the sample tree (one planted bug per rule, so every rule's
    scopes, CFGs and never-returning facts get built): once a package is done, reference
    counting alone frees it. Cycles would wait for a garbage-collector pass over everything
    the package allocated, which is what the per-package release avoids."""
    import gc

    rules = [r for r in builtin_rules() if r.enabled_by_default]
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = check_patterns([str(EXAMPLES / "inventory" / "...")], rules, keep_sources=False)
        collected = gc.collect()
        leftovers = sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert len(result.diagnostics) >= 17
    assert collected == 0, f"reference cycles left after checking: {leftovers}"
