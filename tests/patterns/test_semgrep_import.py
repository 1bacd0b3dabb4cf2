"""`gocheck pack import-semgrep`: semgrep's Go rules become a pattern pack that passes
`gocheck pack test` on semgrep's own test file; what does not carry over is named and
skipped, never translated into something else."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.patterns.semgrep_import import Unsupported, convert_rule, want_testdata

HERE = Path(__file__).resolve().parent / "semgrep"


def go_rule(**kw):
    return {"id": "r", "languages": ["go"], "severity": "WARNING", "message": "m", **kw}


def test_import_converts_what_carries_over_and_reports_the_rest(tmp_path, capsys):
    shutil.copy(HERE / "go-rules.yaml", tmp_path / "go-rules.yaml")
    shutil.copy(HERE / "go-rules.go", tmp_path / "go-rules.go")
    pack = tmp_path / "pack"
    assert main(["pack", "import-semgrep", str(tmp_path / "go-rules.yaml"), "--dir", str(pack), "--name", "acme/imported"]) == 0
    out = capsys.readouterr().out
    assert "2 converted, 4 skipped" in out
    assert "skipped   deep: pattern uses deep expression operator" in out
    assert "skipped   taint: mode 'taint'" in out
    assert "skipped   py-rule: not a Go rule" in out
    assert "skipped   comparison: operator 'metavariable-comparison'" in out
    rule = tomllib.loads((pack / "sprintf-sql.toml").read_text())
    assert rule["pattern-either"] == ["$DB.Query(fmt.Sprintf($FMT, ...), ...)", "$DB.Exec(fmt.Sprintf($FMT, ...), ...)"]
    assert rule["pattern-not-inside"] == ["func $TEST(t *testing.T) { ... }"]
    assert rule["metavariables"]["FMT"]["regex"] == '\\A(?:"(?i)select)'  # semgrep's regex matches from the start
    assert rule["severity"] == "error" and "CWE-89" in rule["doc"]
    # semgrep's `// ruleid:` annotations became `// want`, and the pack passes its tests
    assert main(["pack", "test", str(pack)]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out
    assert "// want" in (pack / "testdata" / "sprintf-sql" / "go-rules.go").read_text()


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (go_rule(pattern="f(<... $X ...>)"), "deep expression"),
        (go_rule(pattern="f(($X : string))"), "typed metavariable"),
        (go_rule(pattern='f("...")'), "string ellipsis"),
        (go_rule(pattern="f($x)"), "lower case"),
        (go_rule(patterns=[{"pattern": "f($X)"}, {"pattern-regex": "f"}]), "operator 'pattern-regex'"),
        (go_rule(patterns=[{"pattern": "f($X)"}, {"metavariable-pattern": {"metavariable": "$X", "pattern": "g()"}}]), "metavariable-pattern"),
        (go_rule(**{"pattern-either": [{"patterns": [{"pattern": "f()"}]}]}), "other than plain patterns"),
        (go_rule(patterns=[{"pattern": "f()"}, {"pattern-either": [{"pattern": "g()"}]}]), "pattern and pattern-either together"),
        (go_rule(pattern="f()", paths={"exclude": ["*_test.go"]}), r"unsupported key\(s\): paths"),
        (go_rule(pattern="f()", options={"symbolic_propagation": True}), r"unsupported key\(s\): options"),
        (go_rule(patterns=[{"pattern-not": "f()"}]), "without a positive pattern"),
        ({"id": "r", "languages": ["go"], "pattern": "f()"}, "no message"),
    ],
)
def test_what_does_not_carry_over_is_refused_with_the_reason(rule, why):
    with pytest.raises(Unsupported, match=why):
        convert_rule(rule)


def test_operators_map_one_to_one():
    name, table = convert_rule(go_rule(id="My.Rule_1", patterns=[
        {"pattern": "f($X)"}, {"pattern": "$F($X)"}, {"pattern-not": "f(1)"}, {"pattern-inside": "func g() { ... }"},
        {"focus-metavariable": "$X"}, {"metavariable-regex": {"metavariable": "$X", "regex": "a+"}},
    ], fix="h($X)"))
    assert name == "my-rule-1"
    assert table["patterns"] == ["f($X)", "$F($X)"] and table["pattern-not"] == ["f(1)"]
    assert table["pattern-inside"] == ["func g() { ... }"] and table["focus"] == "X" and table["fix"] == "h($X)"
    assert table["metavariables"] == {"X": {"regex": r"\A(?:a+)"}}


def test_semgrep_annotations_become_wants_only_for_the_rule():
    text = "package p\n\nfunc f() {\n\t// ruleid: a, b\n\tg()\n\t// ok: a\n\th()\n\t// ruleid: c\n\tk()\n}\n"
    out = want_testdata(text, "a", "call of $F here")
    assert out is not None
    assert '\tg() // want "call\\\\ of"' in out and "ruleid" not in out and "\tk()\n" in out
    assert want_testdata("package p\n", "a", "m") is None
