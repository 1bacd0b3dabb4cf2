"""Every syntax addition to Go since 1.18 (up to Go 1.27) parses without ERROR or MISSING nodes,
in the shape the Go parser gives it, and gocheck reports no syntax error on valid Go 1.26 code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from go_syntax_since_1_18 import EXAMPLES

from analyzer.golang.source import GoFile, parse
from analyzer.pipeline.runner import syntax_diagnostics

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("version,addition,source", EXAMPLES, ids=[f"go{v}-{what}" for v, what, _ in EXAMPLES])
def test_each_addition_parses_without_error_or_missing_nodes(version: str, addition: str, source: str) -> None:
    data = source.encode()
    file = GoFile.parse("example.go", data)
    errors = [f"line {d.line}: {d.message}: {data.splitlines()[d.line - 1].decode().strip()}" for d in syntax_diagnostics(file, limit=100)]
    assert not file.root.has_error and errors == [], f"Go {version} {addition}:\n" + "\n".join(errors)


def declaration(source: str) -> str:
    """The S-expression of the one declaration in `package p; <source>`."""
    tree = parse(b"package p\n" + source.encode() + b"\n")
    assert not tree.root_node.has_error, source
    declarations = tree.root_node.named_children[1:]
    assert len(declarations) == 1, source
    return str(declarations[0])


def new_argument(expression: str) -> str:
    """The S-expression of the one argument of `new(...)`/`make(...)` in `var _ = <expression>`."""
    tree = parse(f"package p\nvar _ = {expression}\n".encode())
    assert not tree.root_node.has_error, expression
    call = tree.root_node.named_children[1].named_children[0].child_by_field_name("value").named_children[0]
    assert call.type == "call_expression", expression
    return str(call.child_by_field_name("arguments").named_children[0])


# Go 1.26's new(expr): the operand is an expression ...
NEW_EXPRESSION = [
    ("new(30 * time.Second)", "(binary_expression left: (int_literal) right: (selector_expression operand: (identifier) field: (field_identifier)))"),
    ("new(max(a, b))", "(call_expression function: (identifier) arguments: (argument_list (identifier) (identifier)))"),
    ("new(int64(n))", "(call_expression function: (identifier) arguments: (argument_list (identifier)))"),
    ("new(T{X: 1})", "(composite_literal type: (type_identifier) body: (literal_value (keyed_element key: (literal_element (identifier)) value: (literal_element (int_literal)))))"),
    ('new("text")', "(interpreted_string_literal (interpreted_string_literal_content))"),
    ("new(-n)", "(unary_expression operand: (identifier))"),
    ("new(s[0])", "(index_expression operand: (identifier) index: (int_literal))"),
    ("new(true)", "(true)"),  # a *bool; before the patch: new(T) of a type named true
    ("new(a.b.c)", "(selector_expression operand: (selector_expression operand: (identifier) field: (field_identifier)) field: (field_identifier))"),
]
# ... and where the operand reads as a type, it stays the type node it always was.
NEW_TYPE = [
    ("new(T)", "(type_identifier)"),
    ("new(*T)", "(pointer_type (type_identifier))"),
    ("new((T))", "(parenthesized_type (type_identifier))"),
    ("new(pkg.T)", "(qualified_type package: (package_identifier) name: (type_identifier))"),
    ("new(s[i])", "(generic_type type: (type_identifier) type_arguments: (type_arguments (type_elem (type_identifier))))"),  # G[T] or s[i]: syntax cannot tell
    ("new(G[int, string])", "(generic_type type: (type_identifier) type_arguments: (type_arguments (type_elem (type_identifier)) (type_elem (type_identifier))))"),
    ("new([]int)", "(slice_type element: (type_identifier))"),
    ("new(map[string]int)", "(map_type key: (type_identifier) value: (type_identifier))"),
    ("new(struct{ x int })", "(struct_type (field_declaration_list (field_declaration name: (field_identifier) type: (type_identifier))))"),
    ("new(func())", "(function_type parameters: (parameter_list))"),
    ("make([]int, 3)", "(slice_type element: (type_identifier))"),
    ("make(chan int)", "(channel_type value: (type_identifier))"),
]


@pytest.mark.parametrize("expression,argument", NEW_EXPRESSION + NEW_TYPE, ids=[e for e, _ in NEW_EXPRESSION + NEW_TYPE])
def test_new_operand_is_an_expression_or_the_type_it_always_was(expression: str, argument: str) -> None:
    assert new_argument(expression) == argument


TYPE_PARAMS_P_PTR_C = "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (pointer_type (type_identifier))))) type: (struct_type (field_declaration_list))))"

# The spec's type-parameter/array ambiguity, resolved as go/parser resolves it.
DECLARATIONS = [
    # "type T[P *C] ..." reads as an array type; a trailing comma or interface{} makes it a type parameter list.
    ("type T[P *C] struct{}", "(type_declaration (type_spec name: (type_identifier) type: (array_type length: (binary_expression left: (identifier) right: (identifier)) element: (struct_type (field_declaration_list)))))"),
    ("type T[P *C,] struct{}", TYPE_PARAMS_P_PTR_C),
    ("type T[P interface{ *C }] struct{}", "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (interface_type (type_elem (pointer_type (type_identifier))))))) type: (struct_type (field_declaration_list))))"),
    ("type T[P (C)] int", "(type_declaration (type_spec name: (type_identifier) type: (array_type length: (call_expression function: (identifier) arguments: (argument_list (identifier))) element: (type_identifier))))"),
    # A constraint that cannot be an expression makes it a type parameter list.
    ("type T[P *[]int] struct{}", "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (pointer_type (slice_type element: (type_identifier)))))) type: (struct_type (field_declaration_list))))"),
    ("type T[P *C | ~int] struct{}", "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (pointer_type (type_identifier)) (negated_type (type_identifier))))) type: (struct_type (field_declaration_list))))"),
    ("type T[P *C, Q any] struct{}", "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (pointer_type (type_identifier)))) (type_parameter_declaration name: (identifier) type: (type_constraint (type_identifier)))) type: (struct_type (field_declaration_list))))"),
    # Array types whose length is a name or an expression.
    ("type A [N]int", "(type_declaration (type_spec name: (type_identifier) type: (array_type length: (identifier) element: (type_identifier))))"),
    ("type A [N * M]int", "(type_declaration (type_spec name: (type_identifier) type: (array_type length: (binary_expression left: (identifier) right: (identifier)) element: (type_identifier))))"),
    # Generic method receivers, with a blank type parameter.
    ("func (p *Pair[K, _]) Reset() {}", "(method_declaration receiver: (parameter_list (parameter_declaration name: (identifier) type: (pointer_type (generic_type type: (type_identifier) type_arguments: (type_arguments (type_elem (type_identifier)) (type_elem (type_identifier))))))) name: (field_identifier) parameters: (parameter_list) body: (block))"),
    # Go 1.27 generic method: type parameters under the same field as a function's.
    ("func (r *Rand) N[Int intType](n Int) Int { return n }", "(method_declaration receiver: (parameter_list (parameter_declaration name: (identifier) type: (pointer_type (type_identifier)))) name: (field_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (type_identifier)))) parameters: (parameter_list (parameter_declaration name: (identifier) type: (type_identifier))) result: (type_identifier) body: (block (statement_list (return_statement (expression_list (identifier))))))"),
    # Go 1.24 generic type alias.
    ("type A[P any] = B[P]", "(type_declaration (type_alias name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (type_identifier)))) type: (generic_type type: (type_identifier) type_arguments: (type_arguments (type_elem (type_identifier))))))"),
    # Go 1.26: a generic type referring to itself in its type parameter list.
    ("type Adder[A Adder[A]] interface{ Add(A) A }", "(type_declaration (type_spec name: (type_identifier) type_parameters: (type_parameter_list (type_parameter_declaration name: (identifier) type: (type_constraint (generic_type type: (type_identifier) type_arguments: (type_arguments (type_elem (type_identifier))))))) type: (interface_type (method_elem name: (field_identifier) parameters: (parameter_list (parameter_declaration type: (type_identifier))) result: (type_identifier)))))"),
    # Go 1.22 range over an integer.
    ("func f() { for i := range 10 {} }", "(function_declaration name: (identifier) parameters: (parameter_list) body: (block (statement_list (for_statement (range_clause left: (expression_list (identifier)) right: (int_literal)) body: (block)))))"),
]


@pytest.mark.parametrize("source,expected", DECLARATIONS, ids=[s for s, _ in DECLARATIONS])
def test_ambiguous_declarations_parse_as_the_go_parser_reads_them(source: str, expected: str) -> None:
    assert declaration(source) == expected


GO126_NEW_EXPRESSIONS = {
    "go.mod": "module example.com/cfg\n\ngo 1.26\n",
    "cfg/cfg.go": """package cfg

import "time"

type Options struct {
	Timeout *time.Duration
	Retries *int
}

func Defaults(n int) *Options {
	return &Options{
		Timeout: new(30 * time.Second),
		Retries: new(max(n, 3)),
	}
}

func Retries(o *Options) int {
	if o == nil {
		o = &Options{Retries: new(int(0))}
	}
	return *o.Retries
}
""",
}

GO127_GENERIC_METHODS = {
    "go.mod": "module example.com/set\n\ngo 1.27\n",
    "set/set.go": """package set

type Set[T comparable] struct{ items map[T]bool }

func (s *Set[T]) Map[U comparable](f func(T) U) *Set[U] {
	out := &Set[U]{items: map[U]bool{}}
	for k := range s.items {
		out.items[f(k)] = true
	}
	return out
}

func Use(s *Set[int]) int {
	t := s.Map[string](func(i int) string { return "x" })
	return len(t.items)
}
""",
}


@pytest.mark.parametrize("module", [GO126_NEW_EXPRESSIONS, GO127_GENERIC_METHODS], ids=["go1.26-new-expressions", "go1.27-generic-methods"])
def test_gocheck_reports_nothing_on_valid_current_go(tmp_path: Path, module: dict[str, str]) -> None:
    """Before the patches: false syntax errors (and, after the generic method, a false dupoperand)."""
    for rel, text in module.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    env.update(PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1", GOCHECK_CACHE_DIR=str(tmp_path / ".cache"))
    result = subprocess.run(
        [sys.executable, "-m", "analyzer", "check", "--format", "json", "./..."],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert json.loads(result.stdout)["diagnostics"] == []
