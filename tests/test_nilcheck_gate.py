"""The syntax-only gate of the nil analysis (`rules.core.nilcheck.prefilter.SyntaxGate`) may only skip
functions the dataflow would not look at: it runs before any name resolution, so a wrong
"cannot report" would silently lose findings."""

from pathlib import Path

import pytest
import tree_sitter

from analyzer.api.analysis_pass import Match, Package, Pass
from analyzer.pipeline.rulepack import core_pack_dir, load_pack
from analyzer.golang.source import GO_LANGUAGE, GoFile
from rules.core.nilcheck.dataflow import NilAnalysis
from rules.core.nilcheck.prefilter import SyntaxGate
from rules.core.nilcheck.seeds import candidates
from tests.support.environment import in_ci, unavailable

NILCHECK_TESTDATA = Path(core_pack_dir()) / "testdata" / "nilcheck"
CONFORMANCE = Path("/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes/nilness/testdata/src")


def _dirs():
    yield NILCHECK_TESTDATA
    if CONFORMANCE.is_dir():
        yield from sorted(p for p in CONFORMANCE.iterdir() if p.is_dir())
    elif in_ci():  # elsewhere the gate is still checked on nilcheck's own testdata
        unavailable(f"{CONFORMANCE} is missing (apt-get install -y golang-golang-x-tools-dev)")


def _candidates(directory: Path):
    rule = next(r for r in load_pack(core_pack_dir()).rules if r.name == "nilcheck")
    files = [GoFile.parse(str(p), p.read_bytes()) for p in sorted(directory.glob("*.go"))]
    query = tree_sitter.Query(GO_LANGUAGE, rule.query)
    matches = []
    for f in files:
        for pattern, caps in tree_sitter.QueryCursor(query).matches(f.root):
            matches.append(Match(f, pattern, caps))
    pass_ = Pass(rule, Package(str(directory), files), matches, lambda d: None)
    for file, func, seeds in candidates(pass_):
        if func.child_by_field_name("body") is not None:
            yield pass_, file, func, seeds


@pytest.mark.parametrize("directory", list(_dirs()), ids=lambda p: p.name)
def test_gate_only_skips_functions_the_dataflow_would_skip(directory):
    skipped = 0
    for pass_, file, func, seeds in _candidates(directory):
        if not SyntaxGate(file, func, seeds).cannot_report():
            continue
        skipped += 1
        ungated = NilAnalysis(pass_, file, func)  # no seeds given: no gate, full name resolution
        assert ungated.run() == [], f"{file.path}:{func.start_point[0] + 1}"
        assert not ungated.worth, f"{file.path}:{func.start_point[0] + 1}"
    assert skipped or directory != NILCHECK_TESTDATA


def test_gate_keeps_a_use_after_a_check_that_does_not_leave():

    src = b"""package p
type T struct{ f int }
func g(p *T) int {
	if p == nil {
		println("nil")
	}
	return p.f
}
func h(p *T) int {
	if p == nil {
		return 0
	}
	return p.f
}
"""
    f = GoFile.parse("p.go", src)
    rule = next(r for r in load_pack(core_pack_dir()).rules if r.name == "nilcheck")
    query = tree_sitter.Query(GO_LANGUAGE, rule.query)
    matches = [Match(f, pattern, caps) for pattern, caps in tree_sitter.QueryCursor(query).matches(f.root)]
    pass_ = Pass(rule, Package(".", [f]), matches, lambda d: None)
    verdict = {f.text(func.child_by_field_name("name")): SyntaxGate(file, func, seeds).cannot_report() for file, func, seeds in candidates(pass_)}
    assert verdict == {"g": False, "h": True}
