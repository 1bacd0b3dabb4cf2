"""The shared helpers rules build on: Go literal values, struct tag parsing, purity and
declared types. Each case is one a rule's verdict depends on."""

from analyzer.api.analysis_pass import Package, Pass
from analyzer.golang.exprtype import value_kind
from analyzer.golang.constant import string_value
from analyzer.golang.goliteral import int_value, unquote, unquote_rune
from analyzer.golang.purity import has_side_effects, same_expression
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, walk
from analyzer.golang.structtag import ERR_SEPARATOR, ERR_VALUE, ERR_VALUE_SPACE, go_quote, lookup, pairs


def test_unquote_follows_go_not_python():
    assert unquote(r'"a\tb\x41\u00e9\101"') == "a\tbAéA"
    assert unquote("`raw \\n`") == "raw \\n"
    assert unquote(r'"\q"') is None  # not a Go escape
    assert unquote(r'"\x4"') is None
    assert int_value("0x1F") == 31 and int_value("017") == 15 and int_value("1_000") == 1000 and int_value("0") == 0


def test_struct_tag_parsing_matches_reflect_and_vet():
    assert pairs('json:"id,omitempty" xml:"id"') == [("json", "id,omitempty"), ("xml", "id")]
    assert pairs('json:"a",xml:"b"') == ERR_SEPARATOR
    assert pairs('json: "a"') == ERR_VALUE
    assert pairs('json:"a, omitempty"') == ERR_VALUE_SPACE
    assert lookup('db:"x" json:"first" json:"second"', "json") == "first"
    assert go_quote("hello") == "`hello`" and go_quote("a`b") == '"a`b"'


def test_byte_escapes_in_strings_are_utf8_bytes_as_in_go():
    # Go strings are bytes: "\xe2\x82\xac" is the euro sign, not three Latin-1 letters
    assert unquote(r'"\xe2\x82\xac"') == "€"
    assert unquote(r'"\342\202\254"') == "€"
    assert unquote(r'"\xff"') == "\ufffd"  # not UTF-8: replaced, as Go's string(...) conversions print it
    assert unquote_rune(r"'\xff'") == "\xff"  # in a rune literal \x is the code point


def test_constant_strings_use_the_same_decoder():
    p, f = _pass('package a\nconst euro = "\\xe2\\x82\\xac"\nvar s = euro + "!"\n')
    (value,) = [n for n in walk(f.root) if n.type == "binary_expression"]
    assert string_value(p, f, value) == "€!"


def test_constant_concatenations_are_joined_as_bytes():
    # each literal alone is not UTF-8; Go joins the bytes, so the constant is the euro sign
    p, f = _pass('package a\nconst head = "\\xe2"\nvar s = head + "\\x82\\xac" + "!"\n')
    (value,) = [n for n in walk(f.root) if n.type == "binary_expression" and n.parent.type == "expression_list"]
    assert string_value(p, f, value) == "€!"


def test_constants_that_name_each_other_in_a_cycle_have_no_value():
    p, f = _pass('package a\nconst a = b + "x"\nconst b = a + "y"\nvar s = a\n')
    (value,) = [n for n in walk(f.root) if n.type == "identifier" and n.parent.type == "expression_list" and f.text(n) == "a"]
    assert string_value(p, f, value) is None


def _pass(src: str) -> tuple[Pass, GoFile]:
    f = GoFile.parse("a.go", src.encode())
    rule = Rule("probe", "probe", lambda p: None)
    return Pass(rule, Package(".", [f]), [], lambda d: None), f


def _exprs(f: GoFile, kind: str):
    return [n for n in walk(f.root) if n.type == kind]


def test_side_effects_and_sameness():
    p, f = _pass("package a\ntype T int\nfunc g() int\nfunc f(c chan int, x int) { _ = T(x); _ = g(); _ = <-c; _ = x+1; _ = x + 1 }\n")
    rights = [a.child_by_field_name("right").named_children[0] for a in _exprs(f, "assignment_statement")]
    assert [has_side_effects(p, f, r) for r in rights] == [False, True, True, False, False]
    assert same_expression(f, rights[3], rights[4])


def test_value_kind_tells_floats_apart():
    p, f = _pass(
        "package a\ntype C float64\ntype N int\nfunc load() (*int, error)\n"
        "func f(c C, n N, s struct{ X float32 }) { v, err := load(); _ = c; _ = n; _ = s.X; _ = err; _ = v; _ = n+1 }\n"
    )
    rights = [a.child_by_field_name("right").named_children[0] for a in _exprs(f, "assignment_statement")]
    assert [value_kind(p, f, r) for r in rights] == ["float64", "int", "float32", "error", "pointer", "int"]
