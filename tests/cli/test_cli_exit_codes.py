"""Exit codes: 0 clean, 1 findings, 2 usage/config error, 3 internal error (findings still printed)."""

import json
from pathlib import Path

import pytest

from analyzer.pipeline.rulepack import load_pack
from analyzer.pipeline.runner import Engine
from gocheck_cli import CLEAN, SELFASSIGN, run_gocheck, write_tree

CRASHING_RULE = '''\
"""A rule that always raises, to test that a crash becomes an internal finding."""

from analyzer.api.rule import Rule


def run(pass_):
    for f in pass_.files:
        pass_.current_file = f
        raise ZeroDivisionError("boom in " + f.path)


RULE = Rule(name="boom", summary="always crashes", run=run)
'''


@pytest.fixture
def crash_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "packs" / "crash"
    write_tree(pack, {"pack.toml": '[pack]\nname = "test/crash"\nversion = "0.0.1"\n', "boom.py": CRASHING_RULE})
    return pack


def test_0_clean(tmp_path):
    write_tree(tmp_path, {"p/b.go": CLEAN})
    out = run_gocheck(cwd=tmp_path)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_1_findings(go_tree):
    assert run_gocheck(cwd=go_tree).returncode == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--frobnicate"], "unrecognized arguments"),
        (["--fail-on", "loud"], "--fail-on: unknown severity"),
        (["--go", "latest"], "--go: invalid Go version"),
        (["--enable", "nosuch"], "unknown rule 'nosuch'"),
        (["--baseline", "missing.json"], "create it with --write-baseline"),
        (["--pack-dir", "nowhere"], "no pack.toml"),
    ],
)
def test_2_usage_errors_say_what_to_fix(go_tree, args, message):
    out = run_gocheck(*args, cwd=go_tree)
    assert out.returncode == 2, out.stderr
    assert message in out.stderr


def test_a_crashing_rule_is_an_internal_finding_in_process(crash_pack):
    pack = load_pack(crash_pack)
    assert [r.name for r in pack.rules] == ["test/crash/boom"]
    found = Engine(pack.rules).check_sources({"x.go": b"package x\n"})
    [d] = found
    assert d.rule == "internal" and "rule test/crash/boom crashed on x.go" in d.message and "ZeroDivisionError" in d.message


def test_3_internal_error_still_prints_findings_and_the_run_goes_on(go_tree, crash_pack):
    write_tree(go_tree, {"other/c.go": SELFASSIGN})
    out = run_gocheck("--format", "json", "--pack-dir", str(crash_pack), cwd=go_tree)
    assert out.returncode == 3, out.stderr
    found = json.loads(out.stdout)["diagnostics"]
    internal = [d for d in found if d["rule"] == "internal"]
    assert {d["path"] for d in internal} == {"pkg/a.go", "other/c.go"}  # one per package, run went on
    assert all("rule test/crash/boom crashed" in d["message"] for d in internal)
    assert sorted(d["path"] for d in found if d["rule"] == "selfassign") == ["other/c.go", "pkg/a.go"]


def test_3_even_when_the_only_problem_is_internal(tmp_path, crash_pack):
    write_tree(tmp_path, {"p/b.go": CLEAN})
    out = run_gocheck("--pack-dir", str(crash_pack), "--fail-on", "error", cwd=tmp_path)
    assert out.returncode == 3
    assert "internal" in out.stdout
