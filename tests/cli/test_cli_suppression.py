"""//nolint (golangci-lint) and //lint:ignore (staticcheck): syntax, scope, unused reporting."""

import json


from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.golang.source import GoFile
from analyzer.pipeline.suppression import filter_suppressed, parse_directives
from gocheck_cli import run_gocheck, write_tree


def diag(rule: str, line: int, path: str = "a.go") -> Diagnostic:
    return Diagnostic(rule, Severity.WARNING, path, line, 2, line, 3, 0, 0, "m")


def check(source: str, findings: list[tuple[str, int]], enabled=None):
    f = GoFile.parse("a.go", source.encode())
    result = filter_suppressed([diag(r, l) for r, l in findings], [f], enabled=enabled)
    return [(d.rule, d.line) for d in result.kept], [u.message for u in result.unused]


SOURCE = """\
package p

func f() {
	a := 1
	a = a //nolint:selfassign // the line itself
	a = a //nolint:other,selfassign
	a = a //nolint
	a = a // nolint:all
	a = a
	//nolint:selfassign
	a = a
	a = a
}

// g is documented; the directive below covers the whole function.
//nolint:selfassign // generated-like
func g() {
	b := 1
	b = b
	if b = b; true {
		b = b
	}
}

func h() {
	c := 1
	//lint:ignore selfassign this one is fine
	c = c
	c = c
	//lint:ignore selfassign the header only, not the body
	if c = c; true {
		c = c
	}
	//lint:ignore acme/http-safety/insecure-tls,selfassign namespaced lists work
	c = c
	//nolint:acme/http-safety
	c = c
}
"""


def test_every_scope_and_syntax():
    findings = [("selfassign", l) for l in (5, 6, 7, 8, 9, 11, 12, 19, 20, 21, 28, 29, 31, 32, 35)]
    findings += [("acme/http-safety/insecure-tls", 35), ("acme/http-safety/redirect", 37)]
    kept, _ = check(SOURCE, findings)
    # line 9/12: no directive; 29: lint:ignore covers only the next statement; 32: body of the if
    assert kept == [("selfassign", 9), ("selfassign", 12), ("selfassign", 29), ("selfassign", 32)]


def test_nolint_above_package_covers_the_file():
    source = "//nolint:selfassign // whole file\npackage p\n\nfunc f() {\n\ta := 1\n\ta = a\n}\n"
    kept, _ = check(source, [("selfassign", 6), ("other", 6)])
    assert kept == [("other", 6)]


def test_file_ignore_anywhere_in_the_file():
    source = "package p\n\nfunc f() {\n\ta := 1\n\ta = a\n}\n\n//lint:file-ignore selfassign legacy code\n"
    kept, _ = check(source, [("selfassign", 5), ("other", 5)])
    assert kept == [("other", 5)]


def test_bare_and_all_do_not_hide_internal_or_syntax():
    source = "package p\n\nvar x = 1 //nolint\nvar y = 1 //nolint:all\nvar z = 1 //nolint:internal,syntax\n"
    kept, _ = check(source, [("internal", 3), ("syntax", 4), ("other", 4), ("internal", 5), ("syntax", 5)])
    assert kept == [("internal", 3), ("syntax", 4)]


def test_directive_group_with_doc_comment_and_blank_line_breaks_scope():
    source = "package p\n\n//nolint:selfassign\n\nfunc f() {\n\ta := 1\n\ta = a\n}\n"
    kept, _ = check(source, [("selfassign", 7)])
    assert kept == [("selfassign", 7)]  # a blank line between directive and code: no scope


def test_unused_directives_are_reported_per_name():
    source = "package p\n\nfunc f() {\n\ta := 1\n\ta = a //nolint:selfassign,dupoperand\n\ta = 2 //nolint\n\t//lint:ignore selfassign nothing here\n\ta = 3\n}\n"
    kept, unused = check(source, [("selfassign", 5)], enabled={"selfassign", "dupoperand"})
    assert kept == []
    assert len(unused) == 3
    assert "is unused for 'dupoperand'" in unused[0]
    assert "//nolint suppresses nothing" in unused[1]
    assert "//lint:ignore selfassign nothing here is unused for 'selfassign'" in unused[2]


def test_directives_for_rules_that_did_not_run_are_not_unused():
    source = "package p\n\nvar a = 1 //nolint:nilcheck\n"
    assert check(source, [], enabled={"selfassign"})[1] == []
    assert len(check(source, [], enabled={"nilcheck"})[1]) == 1


def test_nolint_is_not_found_in_strings_or_unrelated_comments():
    source = 'package p\n\nvar s = "//nolint"\n// see nolint docs\nvar t = s // TODO: nolintish\n'
    assert parse_directives(GoFile.parse("a.go", source.encode())) == []


def test_cli_suppression_and_report_unused(tmp_path):
    write_tree(tmp_path, {"p/a.go": "package p\n\nfunc F(x int) int {\n\tx = x //nolint:selfassign // ok\n\treturn x //nolint:selfassign\n}\n"})
    out = run_gocheck("--format", "json", cwd=tmp_path)
    assert out.returncode == 0 and json.loads(out.stdout)["diagnostics"] == []
    out = run_gocheck("--format", "json", "--report-unused-nolint", cwd=tmp_path)
    assert out.returncode == 1
    [d] = json.loads(out.stdout)["diagnostics"]
    assert (d["rule"], d["line"], d["column"]) == ("unused-suppression", 5, 11)
    assert d["fixes"][0]["edits"][0]["new_text"] == ""


def test_staticcheck_check_ids_cover_the_equivalent_rule(tmp_path):
    """Code migrated from staticcheck keeps its `//lint:ignore SA4018`: selfassign lists
    staticcheck:SA4018 as its equivalent. Another check ID, or the ID in a //nolint (which
    names golangci-lint linters, not checks), does not hide the finding."""
    write_tree(tmp_path, {"p/a.go": (
        "package p\n\nfunc F(x int) int {\n"
        "\t//lint:ignore SA4018 kept from staticcheck\n\tx = x\n"
        "\t//lint:ignore SA4006 another check\n\tx = x\n"
        "\tx = x //nolint:SA4018\n"
        "\treturn x\n}\n"
    )})
    out = run_gocheck("--format", "json", "--report-unused-nolint", cwd=tmp_path)
    found = [(d["rule"], d["line"]) for d in json.loads(out.stdout)["diagnostics"]]
    # The SA4006 directive names a check no rule here covers: not reported as unused either.
    assert found == [("selfassign", 7), ("selfassign", 8)], out.stdout
