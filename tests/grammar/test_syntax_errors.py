"""Where a file does not parse and what gocheck says about it (analyzer/golang/syntax_errors):
one region per mistake, at the token gc would complain about, in gc's words."""

from __future__ import annotations

import pytest

from analyzer.golang.source import GoFile
from analyzer.golang.syntax_errors import error_regions
from analyzer.pipeline.ruleset import builtin_rules
from analyzer.pipeline.runner import Engine

HEAD = "package p\n\nimport \"os\"\n\n"

# source after HEAD -> (line, column, message) of each region's finding
CASES = {
    "call left open": ("func A(p string) {\n\tf, err := os.Open(p\n\t_, _ = f, err\n}\n", [(6, 21, "syntax error: unexpected newline in argument list; possibly missing comma or )")]),
    "parameter list left open": ("func A(p string {\n}\n", [(5, 17, "syntax error: unexpected { in parameter list; possibly missing comma or )")]),
    "func inside a body": ("func A() {\n\tif true {\n}\n\nfunc B() {\n}\n", [(9, 6, "syntax error: unexpected name B, expected (")]),
    "composite literal left open": ("func A() {\n\tx := []int{1, 2\n\t_ = x\n}\n", [(6, 17, "syntax error: unexpected newline in composite literal; possibly missing comma or }")]),
    # Where tree-sitter keeps no literal here, the end of the file is what is named.
    "file ends in a composite literal": ("var x = []int{1, 2\n", [(6, 1, "syntax error: unexpected EOF, expected }")]),
    "end of file in a body": ("func A() {\n\tos.Exit(1)\n", [(7, 1, "syntax error: unexpected EOF, expected }")]),
    "selector cut short": ("func A() {\n\tos.\n\tdefer os.Exit(1)\n}\n", [(7, 2, "syntax error: unexpected keyword defer, expected name or (")]),
    "assignment cut short": ("func A() {\n\tx := \n\tgo os.Exit(1)\n}\n", [(7, 2, "syntax error: unexpected keyword go, expected expression")]),
    "statement at the top level": ("x := 1\n", [(5, 1, "syntax error: non-declaration statement outside function body")]),
    "invalid UTF-8 in code": ("func A() {\n\tos.Exit(1) \xe9\n}\n", [(6, 13, "invalid UTF-8 encoding")]),
    "NUL byte": ("func A() {\n}\n\x00\n", [(7, 1, "invalid NUL character")]),
    "two separate mistakes": ("func A() {\n\tx := \n\tgo os.Exit(1)\n}\n\nfunc B() {\n\tos.\n\tdefer os.Exit(1)\n}\n", [(7, 2, "syntax error: unexpected keyword go, expected expression"), (12, 2, "syntax error: unexpected keyword defer, expected name or (")]),
    # A stray `}` ends A early; its tail (var lines, then statements) is left at the top level.
    "stray brace with var lines after": ("func A() int {\n\tn := 1\n\t}\n\tvar m int\n\tm = n\n\treturn m\n}\n", [(9, 2, "syntax error: non-declaration statement outside function body")]),
}


@pytest.mark.parametrize("name", CASES)
def test_one_finding_per_mistake_at_gcs_token(name):
    body, want = CASES[name]
    source = (HEAD + body).encode("utf-8", "surrogateescape") if "\xe9" not in body else HEAD.encode() + body.encode("latin-1")
    file = GoFile.parse("p.go", source)
    got = []
    for region in error_regions(file):
        line, column = file.lines.position(region.at)
        got.append((line + 1, column + 1, region.message))
    assert got == want


def test_valid_go_has_no_region():
    assert error_regions(GoFile.parse("p.go", (HEAD + "func A() {\n\tos.Exit(1)\n}\n").encode())) == []


ENGINE = Engine([r for r in builtin_rules() if r.enabled_by_default])


def rules_found(source: str) -> list[tuple[str, int]]:
    return [(d.rule, d.line) for d in ENGINE.check_sources({"p.go": source.encode()})]


def test_a_stray_brace_damages_the_function_it_cut_short():
    # `n := 1` then `}`: without the region, deadstore would call n's value unused in A.
    found = rules_found("package p\n\nfunc A() int {\n\tn := 1\n\t}\n\tvar m int\n\tm = n\n\treturn m\n}\n\nfunc B(k int) int {\n\tk = k\n\treturn k\n}\n")
    assert found == [("syntax", 7), ("selfassign", 12)]


def test_junk_after_a_function_does_not_hide_its_findings():
    found = rules_found("package p\n\nfunc B(k int) int {\n\tk = k\n\treturn k\n}\n\x00\x01 }}}{{{\n")
    assert found == [("selfassign", 4), ("syntax", 7)]


def test_a_new_declaration_being_typed_does_not_hide_the_function_before_it():
    found = rules_found("package p\n\nfunc B(k int) int {\n\tk = k\n\treturn k\n}\n\nfunc C(\n")
    assert [rule for rule, _ in found] == ["selfassign", "syntax"]
