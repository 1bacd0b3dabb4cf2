"""Pattern rule files: each operator and constraint on real Go, templates, version bounds,
errors an author sees, and a pattern pack through `gocheck pack test`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analyzer import ENGINE_VERSION
from analyzer.pack_scaffold import PACK_TOML
from analyzer.pipeline.declarative import load_declarative_rule
from analyzer.pipeline.runner import Engine, EngineOptions
from analyzer.testing.wanttest import apply_fixes

REPO = Path(__file__).resolve().parents[2]

GO = b"""package p

import (
	"database/sql"
	"fmt"
	"os"
	"strconv"
)

const table = "users"

func query(db *sql.DB, name string, id int) {
	db.Query(fmt.Sprintf("SELECT * FROM %s WHERE name = '%s'", table, name))
	db.Query("SELECT * FROM users WHERE id = " + strconv.Itoa(id))
	db.Query("SELECT * FROM " + table)
	db.Exec(fmt.Sprintf("DELETE FROM %s", table))
	os.Chmod("/tmp/x", 0777)
	os.Chmod("/tmp/y", 0600)
}

func TestQuery(db *sql.DB, name string) {
	db.Query(fmt.Sprintf("SELECT %s", name))
}
"""


def findings(tmp_path: Path, rule_toml: str, source: bytes = GO, go_version: tuple[int, int] | None = None) -> list[tuple[int, str]]:
    path = tmp_path / "rule.toml"
    path.write_text(textwrap.dedent(rule_toml), "utf-8")
    engine = Engine([load_declarative_rule(path)], EngineOptions(go_version=go_version))
    return [(d.line, d.message) for d in engine.check_sources({"a.go": source}) if d.rule == "r"]


def lines(tmp_path: Path, rule_toml: str, **kw) -> list[int]:
    return [line for line, _ in findings(tmp_path, rule_toml, **kw)]


HEAD = 'name = "r"\nmessage = "found $DB"\n'


def test_pattern_and_message_template(tmp_path):
    assert findings(tmp_path, HEAD + "pattern = '$DB.Query(fmt.Sprintf(...))'") == [(13, "found db"), (22, "found db")]


def test_pattern_either(tmp_path):
    toml = HEAD + "pattern-either = ['$DB.Query(fmt.Sprintf(...))', '$DB.Exec(fmt.Sprintf(...))']"
    assert lines(tmp_path, toml) == [13, 16, 22]


def test_patterns_all_must_match_the_same_code(tmp_path):
    toml = HEAD + "patterns = ['$DB.Query($Q)', '$X.Query($A + $B)']"
    assert lines(tmp_path, toml) == [14, 15]


def test_pattern_not(tmp_path):
    toml = HEAD + "pattern = '$DB.Query($A + $B)'\npattern-not = ['$DB.Query($A + table)']"
    assert lines(tmp_path, toml) == [14]


def test_pattern_inside_and_not_inside(tmp_path):
    inside = HEAD + "pattern = '$DB.Query(fmt.Sprintf(...))'\npattern-inside = ['func $F($...P) { ... }']\n[metavariables.F]\nregex = '^Test'"
    assert lines(tmp_path, inside) == [22]
    not_inside = HEAD + "pattern = '$DB.Query(fmt.Sprintf(...))'\npattern-not-inside = ['func $F($...P) { ... }']\n[metavariables.F]\nregex = '^Test'"
    with pytest.raises(ValueError, match="binds"):  # F is bound only by a negative operator
        lines(tmp_path, not_inside)
    not_inside = HEAD + "pattern = '$DB.Query(fmt.Sprintf(...))'\npattern-not-inside = ['func TestQuery($...P) { ... }']"
    assert lines(tmp_path, not_inside) == [13]


def test_inside_shares_metavariables(tmp_path):
    src = b"package p\n\nfunc f() {\n\tx := g()\n\ty := g()\n\tuse(x)\n\tuse(y)\n}\n\nfunc g() int { return 0 }\nfunc use(int) {}\n"
    toml = 'name = "r"\nmessage = "use of $V"\npattern = "use($V)"\npattern-inside = ["$V := g()\\n..."]\n'
    assert findings(tmp_path, toml, src) == [(6, "use of x"), (7, "use of y")]
    # use(y) comes after `x := g()` too, but $V must be the same variable in both
    src = src.replace(b"y := g()", b"y := 2")
    assert findings(tmp_path, toml, src) == [(6, "use of x")]


def test_constraint_regex_and_not_regex(tmp_path):
    base = HEAD + "pattern = '$DB.Query($Q)'\n[metavariables.Q]\n"
    assert lines(tmp_path, base + "regex = 'WHERE'") == [13, 14]
    assert lines(tmp_path, base + "regex = 'SELECT'\nnot-regex = 'WHERE'") == [15, 22]


def test_constraint_kind(tmp_path):
    base = HEAD + "pattern = '$DB.Query($Q)'\n[metavariables.Q]\n"
    assert lines(tmp_path, base + "kind = ['binary_expression']") == [14, 15]


def test_constraint_import(tmp_path):
    src = b'package p\n\nimport (\n\tmrand "math/rand"\n\t"crypto/rand"\n)\n\nvar _ = mrand.Int()\nvar _, _ = rand.Int(nil, nil)\n'
    toml = 'name = "r"\nmessage = "$P"\npattern = "$P.Int(...)"\n[metavariables.P]\nimport = ["math/rand"]\n'
    assert findings(tmp_path, toml, src) == [(8, "mrand")]


def test_constraint_type(tmp_path):
    src = b'package p\n\nimport "time"\n\nfunc f(n int, s string, d time.Duration) {\n\ttime.Sleep(d)\n\ttime.Sleep(n)\n\ttime.Sleep(s)\n\ttime.Sleep(x)\n}\n'
    base = 'name = "r"\nmessage = "$D"\npattern = "time.Sleep($D)"\n[metavariables.D]\n'
    assert lines(tmp_path, base + "type = ['int']", source=src) == [7]
    assert lines(tmp_path, base + "type = ['time.Duration']", source=src) == [6]
    # x is declared nowhere: its type is unknown, so the constraint does not hold
    assert lines(tmp_path, base + "type = ['int', 'string', 'time.Duration']", source=src) == [6, 7, 8]


def test_constraint_constant(tmp_path):
    base = HEAD + "pattern = '$DB.Query($Q)'\n[metavariables.Q]\n"
    assert lines(tmp_path, base + "constant = true") == [15]
    assert lines(tmp_path, base + "constant = false") == [13, 14, 22]


def test_fix_template(tmp_path):
    src = b'package p\n\nimport "os"\n\nfunc f() {\n\tos.Chmod("/tmp/x", 0777)\n}\n'
    path = tmp_path / "rule.toml"
    path.write_text('name = "r"\nmessage = "mode"\npattern = "os.Chmod($P, 0777)"\nfix = "os.Chmod($P, 0o750)"\n', "utf-8")
    diags = Engine([load_declarative_rule(path)]).check_sources({"a.go": src})
    assert apply_fixes(src, diags) == src.replace(b"0777", b"0o750")


def test_go_version_bounds(tmp_path):
    toml = HEAD + "pattern = '$DB.Exec(...)'\n[go]\nmin = \"1.21\"\n"
    assert lines(tmp_path, toml, go_version=(1, 20)) == []
    assert lines(tmp_path, toml, go_version=(1, 22)) == [16]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("pattern = 'f('", "cannot read the pattern"),
        ("pattern = 'f()'\npatterns = ['g()']", "exactly one of"),
        ("pattern = 'f()'\nquery = '(call_expression) @match'", "not both"),
        ("pattern = 'f($X)'\n[metavariables.X]\nregexp = 'a'", "unknown constraint"),
        ("pattern = 'f($X)'\n[metavariables.X]\nregex = '('", "regex"),
        ("pattern = 'f($X)'\n[metavariables.Y]\nregex = 'a'", "binds"),
        ("pattern = 'f($X)'\n[go]\nmin = 'latest'", "1.21"),
        ("pattern = 'f($X)'\n[transform.Y]\nsource = 'Z'\nreplace = 'a'\nby = 'b'", "no pattern binds"),
        ("pattern = 'f($X)'\n[transform.Y]\nsource = 'X'\nreplace = 'a'", "exactly the strings"),
        ("pattern = 'f($X)'\n[transform.X]\nsource = 'X'\nreplace = 'a'\nby = 'b'", "not a hole"),
        ("pattern = 'f($X)'\n[transform.Y]\nsource = 'X'\nreplace = '('\nby = 'b'", "replace"),
        ("pattern = '$X'", "only a hole"),
        ("pattern = 'f($X)'\npattern-not = '$X'", "only a hole"),
    ],
)
def test_author_errors_name_the_problem(tmp_path, body, error):
    path = tmp_path / "rule.toml"
    path.write_text(HEAD + body + "\n", "utf-8")
    with pytest.raises(ValueError, match=error):
        load_declarative_rule(path)


def test_pattern_pack_passes_pack_test_unchanged(tmp_path):
    pack = tmp_path / "pack"
    (pack / "testdata" / "sprintf-query").mkdir(parents=True)
    (pack / "pack.toml").write_text(PACK_TOML.format(name="acme/sql", short="sql", engine=ENGINE_VERSION), "utf-8")
    (pack / "sprintf-query.toml").write_text(
        'name = "sprintf-query"\nmessage = "query built with fmt.Sprintf"\npattern = "$DB.Query(fmt.Sprintf(...), ...)"\n', "utf-8"
    )
    (pack / "testdata" / "sprintf-query" / "a.go").write_text(
        'package a\n\nimport "fmt"\n\ntype DB struct{}\n\nfunc (DB) Query(string, ...any) {}\n\nfunc f(db DB, n string) {\n'
        '\tdb.Query(fmt.Sprintf("SELECT %s", n)) // want "query built with fmt.Sprintf"\n\tdb.Query("SELECT 1")\n}\n',
        "utf-8",
    )
    out = subprocess.run([sys.executable, "-m", "analyzer", "pack", "test", str(pack)], capture_output=True, text=True, cwd=REPO, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok   acme/sql/sprintf-query (1 package(s), 1 finding(s))" in out.stdout
    # a wrong want fails the test, so the harness really ran the pattern
    target = pack / "testdata" / "sprintf-query" / "a.go"
    target.write_text(target.read_text().replace('db.Query("SELECT 1")', 'db.Query("SELECT 1") // want "nothing here"'))
    out = subprocess.run([sys.executable, "-m", "analyzer", "pack", "test", str(pack)], capture_output=True, text=True, cwd=REPO, check=False)
    assert out.returncode == 1 and "no finding matched want 'nothing here'" in out.stdout


def test_focus_reports_at_the_metavariable(tmp_path):
    src = b'package p\n\ntype C struct{ A, Token string }\n\nvar c = C{\n\tA: "x",\n\tToken: "abc",\n}\n'
    path = tmp_path / "rule.toml"
    path.write_text('name = "r"\nmessage = "$K"\npattern = "C{..., $K: $V, ...}"\nfocus = "$V"\n[metavariables.K]\nregex = "Token"\n', "utf-8")
    [d] = Engine([load_declarative_rule(path)]).check_sources({"a.go": src})
    assert (d.line, d.column, d.message) == (7, 9, "Token")


def test_the_tutorial_rule_in_docs_passes_pack_test(tmp_path):
    import re

    text = (REPO / "docs" / "patterns.md").read_text()
    rule = re.search(r"~~~toml\n(.*?)\n~~~", text, re.DOTALL).group(1)
    go = re.search(r"~~~go\n(.*?)\n~~~", text, re.DOTALL).group(1)
    pack = tmp_path / "http-hygiene"
    (pack / "testdata" / "direct-http-get").mkdir(parents=True)
    (pack / "pack.toml").write_text(PACK_TOML.format(name="acme/http-hygiene", short="http-hygiene", engine=ENGINE_VERSION))
    (pack / "direct-http-get.toml").write_text(rule)
    (pack / "testdata" / "direct-http-get" / "a.go").write_text(go + "\n\nfunc TestFetch(t *testing.T) {\n\thttp.Get(\"x\")\n}\n")
    src = (pack / "testdata" / "direct-http-get" / "a.go")
    src.write_text(src.read_text().replace('import "net/http"', 'import (\n\t"net/http"\n\t"testing"\n)'))
    out = subprocess.run([sys.executable, "-m", "analyzer", "pack", "test", str(pack)], capture_output=True, text=True, cwd=REPO, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok   acme/http-hygiene/direct-http-get (1 package(s), 1 finding(s))" in out.stdout


def test_changing_any_operator_changes_the_result_cache_fingerprint(tmp_path):
    from analyzer.pipeline.result_cache import ruleset_fingerprint

    def fingerprint(extra: str) -> str:
        path = tmp_path / "rule.toml"
        path.write_text(HEAD + "pattern = '$DB.Query($Q)'\n" + extra, "utf-8")
        return ruleset_fingerprint([load_declarative_rule(path)])

    base = fingerprint("")
    assert fingerprint("pattern-not = ['$DB.Query(\"x\")']\n") != base
    assert fingerprint("[metavariables.Q]\nregex = 'a'\n") != fingerprint("[metavariables.Q]\nregex = 'b'\n")
    assert fingerprint("") == base


LOCKS = b"""package p

import "sync"

func f(mu *sync.RWMutex) {
	mu.Lock()
	defer mu.Lock()
	mu.RLock()
	defer mu.RLock()
}
"""


def test_transform_makes_text_for_message_and_fix(tmp_path):
    # ast-grep's `transform: replace`: a regex substitution on what a hole bound; transforms
    # may start from earlier ones; the message and the fix use them like holes
    path = tmp_path / "rule.toml"
    path.write_text(
        'name = "r"\nmessage = "did you mean $UNLOCK ($SHOUT)?"\npattern = "defer $M.$LOCK()"\nfix = "defer $M.$UNLOCK()"\n'
        "[transform.UNLOCK]\nsource = 'LOCK'\nreplace = 'Lock$'\nby = 'Unlock'\n"
        "[transform.SHOUT]\nsource = 'UNLOCK'\nreplace = '(\\w+)'\nby = '<\\1>'\n",
        "utf-8",
    )
    diags = Engine([load_declarative_rule(path)]).check_sources({"a.go": LOCKS})
    assert [(d.line, d.message) for d in diags if d.rule == "r"] == [(7, "did you mean Unlock (<Unlock>)?"), (9, "did you mean RUnlock (<RUnlock>)?")]
    assert apply_fixes(LOCKS, [d for d in diags if d.rule == "r"]) == LOCKS.replace(b"defer mu.Lock()", b"defer mu.Unlock()").replace(b"defer mu.RLock()", b"defer mu.RUnlock()")


def test_a_lone_hole_inside_names_the_whole_match(tmp_path):
    # `pattern-inside = "$E"` (never a candidate query) binds the match itself first
    src = b"package p\n\nfunc f(a, b *int) bool {\n\treturn (&a) == nil || &b != nil\n}\n"
    toml = """
        name = "r"
        message = "$E"
        pattern-either = ["(&$X) == nil", "&$X != nil"]
        pattern-inside = "$E"
    """
    assert findings(tmp_path, toml, source=src) == [(4, "(&a) == nil"), (4, "&b != nil")]
    assert findings(tmp_path, toml.replace('pattern-inside = "$E"', 'pattern-not-inside = "$E"'), source=src) == []


def test_transform_of_a_hole_this_alternative_did_not_bind_is_empty(tmp_path):
    src = b"package p\n\nfunc f(a int, p *int) {\n\tg(&a)\n\tg(p)\n}\n\nfunc g(*int) {}\n"
    toml = """
        name = "r"
        message = "[$ADDR$PTR]"
        pattern-either = ["g(&$X)", "g($P)"]
        [transform.ADDR]
        source = "X"
        replace = '^'
        by = "&"
        [transform.PTR]
        source = "P"
        replace = '^'
        by = "*"
    """
    assert findings(tmp_path, toml, source=src) == [(4, "[&a]"), (5, "[*p]")]


def test_a_fix_that_changes_nothing_is_not_offered(tmp_path):
    src = b"package p\n\nfunc f(a, b int) {\n\ta = b\n\ta, b = b, a\n}\n"
    path = tmp_path / "rule.toml"
    path.write_text(
        'name = "r"\nmessage = "m"\npattern-either = ["$A = $B", "$A, $B = $C, $D"]\npattern-inside = "$E"\nfix = "$T"\n'
        "[transform.T]\nsource = 'E'\nreplace = '^[^=,]*=\\s*'\nby = ''\n",
        "utf-8",
    )
    diags = [d for d in Engine([load_declarative_rule(path)]).check_sources({"a.go": src}) if d.rule == "r"]
    assert [(d.line, bool(d.fixes)) for d in diags] == [(4, True), (5, False)]
    assert apply_fixes(src, diags) == src.replace(b"\ta = b\n", b"\tb\n")
