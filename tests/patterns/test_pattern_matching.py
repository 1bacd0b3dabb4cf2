"""The pattern language on real Go: what each hole matches, same-name holes, literals by
value, package names through imports, and the query that selects candidates."""

from __future__ import annotations

import pytest
import tree_sitter

from analyzer.golang.source import GO_LANGUAGE
from analyzer.patterns.parse import PatternSyntaxError, parse_pattern, substitute_holes
from analyzer.patterns.rule import search_rule
from analyzer.pipeline.runner import Engine


def found(pattern: str, body: str, imports: str = "", top: str = "", rule_imports: tuple[str, ...] = ()) -> list[str]:
    """The source text of each match of `pattern` in a file with `body` inside a function."""
    src = f"package p\n\n{imports}\n\n{top}\n\nfunc f(a, b int, xs []int, s string) {{\n{body}\n}}\n".encode()
    engine = Engine([search_rule(pattern, imports=rule_imports)])
    return [src[d.start_byte : d.end_byte].decode() for d in engine.check_sources({"a.go": src}) if d.rule == "pattern"]


def test_holes_become_placeholder_identifiers_but_strings_and_spread_stay_go():
    assert substitute_holes('f($X, $...REST, ...)') == "f(__gc_mv_X, __gc_mvs_REST, __gc_e)"
    assert substitute_holes('f("$X ...")') == 'f("$X ...")'
    assert substitute_holes("append(a, b...)") == "append(a, b...)"
    assert substitute_holes("return ...") == "return __gc_e"


def test_pattern_contexts():
    assert parse_pattern("a + $B").context == "expression"
    assert parse_pattern("$X := $Y").context == "statements"
    assert parse_pattern("$X := f()\nreturn $X").is_sequence
    assert parse_pattern("func $F(...) { ... }").context == "declaration"
    assert parse_pattern("map[string]$V").context == "type"
    with pytest.raises(PatternSyntaxError):
        parse_pattern("f(")
    with pytest.raises(PatternSyntaxError, match="metavariable"):
        parse_pattern("f($x)")


def test_a_lone_hole_is_refused_it_would_match_everything():
    with pytest.raises(ValueError, match="only a hole"):
        search_rule("$X")


def test_metavariable_matches_one_expression_and_ellipsis_any_arguments():
    body = "g(1)\ng(a, b)\ng()\nh(a)"
    assert found("g($X)", body, top="func g(...int) {}\nfunc h(int) {}") == ["g(1)"]
    assert found("g(...)", body, top="func g(...int) {}\nfunc h(int) {}") == ["g(1)", "g(a, b)", "g()"]
    assert found("g(a, ...)", body, top="func g(...int) {}\nfunc h(int) {}") == ["g(a, b)"]
    assert found("g($...ARGS)", body, top="func g(...int) {}\nfunc h(int) {}") == ["g(1)", "g(a, b)", "g()"]


def test_same_metavariable_twice_means_the_same_code():
    body = "a = a\na = b\nxs[a+1] = xs[a + 1]\nxs[a] = xs[b]"
    assert found("$X = $X", body) == ["a = a", "xs[a+1] = xs[a + 1]"]


def test_same_metavariable_compares_declarations_not_names():
    # in the inner block `x := x + 1` declares a new x from the outer one: two declarations
    body = "x := 1\n{\n\tx := x + 1\n\t_ = x\n}\nx = x + 1"
    assert found("$X = $X + 1", body) == ["x = x + 1"]
    assert found("$X := $X + 1", body) == []
    assert found("$X := $Y + 1", body) == ["x := x + 1"]


def test_string_and_integer_literals_compare_by_value():
    body = 'g("sh")\ng(`sh`)\ng("bash")\nh(0777)\nh(0o777)\nh(511)\nh(0644)'
    top = "func g(string) {}\nfunc h(int) {}"
    assert found('g("sh")', body, top=top) == ['g("sh")', "g(`sh`)"]
    assert found("h(0777)", body, top=top) == ["h(0777)", "h(0o777)", "h(511)"]


def test_package_names_resolve_through_imports():
    imports = 'import f "fmt"'
    body = 'var fmt = struct{ Sprintf func(string) string }{}\n_ = fmt.Sprintf("local")\n_ = f.Sprintf("%d", a)'
    # `fmt` here is a local variable: only the aliased import is fmt
    assert found("fmt.Sprintf(...)", body, imports=imports) == ['f.Sprintf("%d", a)']


def test_same_package_name_two_import_paths_and_rule_imports_choose():
    imports = 'import (\n\tcrand "crypto/rand"\n\t"math/rand"\n)'
    body = "_ = rand.Int()\n_, _ = crand.Int(nil, nil)"
    assert found("rand.Int(...)", body, imports=imports) == ["rand.Int()", "crand.Int(nil, nil)"]
    assert found("rand.Int(...)", body, imports=imports, rule_imports=("math/rand",)) == ["rand.Int()"]
    assert found("rand.Int(...)", body, imports=imports, rule_imports=("rand=crypto/rand",)) == ["crand.Int(nil, nil)"]


def test_types_in_composite_literals_resolve_through_imports():
    imports = 'import t "crypto/tls"'
    body = "_ = &t.Config{MinVersion: 1, InsecureSkipVerify: true}\n_ = t.Config{}"
    assert found("tls.Config{..., InsecureSkipVerify: true, ...}", body, imports=imports) == ["t.Config{MinVersion: 1, InsecureSkipVerify: true}"]


def test_statement_metavariable_and_statement_sequences():
    body = "err := g()\nif err != nil {\n\treturn\n}\nb = 2\nerr2 := g()\n_ = err2"
    top = "func g() error { return nil }"
    assert found("$E := g()\nif $E != nil { ... }", body, top=top) == ["err := g()\nif err != nil {\n\treturn\n}"]
    assert found("$E := g()\n...\n_ = $E", body, top=top) == ["err2 := g()\n_ = err2"]
    assert found("if $C { $S }", body, top=top) == ["if err != nil {\n\treturn\n}"]


def test_empty_block_in_pattern_matches_only_empty_blocks_and_ellipsis_any():
    body = "if a > 0 {\n}\nif b > 0 {\n\ta = 1\n}"
    assert found("if $C {}", body) == ["if a > 0 {\n}"]
    assert found("if $C { ... }", body) == ["if a > 0 {\n}", "if b > 0 {\n\ta = 1\n}"]


def test_comments_and_layout_do_not_matter():
    body = "g(a, /* first */\n\tb)"
    assert found("g(a, b)", body, top="func g(int, int) {}") == ["g(a, /* first */\n\tb)"]


def test_declaration_pattern():
    src = "func (r *T) M() {}"
    assert found("func (r *T) $M() { ... }", "", top="type T struct{}\n" + src) == [src]


def test_candidate_query_names_the_selector_but_not_the_package():
    rule = search_rule("fmt.Sprintf($F, ...)")
    assert '"Sprintf"' in rule.query and '"fmt"' not in rule.query
    tree_sitter.Query(GO_LANGUAGE, rule.query)  # it compiles


def test_hostile_pattern_with_many_ellipses_ends():
    args = ", ".join(["a"] * 60)
    pattern = "g(" + ", ".join(["...", "$X"] * 10) + ", b)"
    assert found(pattern, f"g({args})", top="func g(...int) {}") == []


def test_a_pattern_nested_too_deep_is_refused_at_load_not_a_crash():
    deep = "f(" * 200 + "x" + ")" * 200
    with pytest.raises(PatternSyntaxError, match="nests deeper"):
        parse_pattern(deep)
    with pytest.raises(ValueError, match="nests deeper"):
        search_rule(deep)
