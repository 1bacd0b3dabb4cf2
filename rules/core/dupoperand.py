"""Identical expressions on both sides of a binary operator.

## What it does
Reports binary expressions whose two operands are the same expression, such as
`a.x == a.x`, `n - n`, `mask & mask` or `i < i`, for the operators `==`, `!=`, `<`, `<=`,
`>`, `>=`, `-`, `/`, `%`, `&`, `|`, `^` and `&^`. Operands that call a function or receive
from a channel are left alone: two evaluations may differ.

Floating-point operands are left alone too: `x != x` is the NaN test and `x - x == 0` the
finiteness test. For `==`, `!=`, `<=`, `>=`, `-` and `/` the rule therefore reports only when
the operand's type is known from declarations in the package and is not a float or complex
type. `&&` and `||` chains are the `boolexpr` rule's business. Two literals (`0 == 0`,
`8 - 8`) are written on purpose and left alone, and so is arithmetic in `_test.go` files,
where tests check operator identities such as `x ^ x == 0`; so is an expression that the
statement around it spells out in a string (`if err != err { t.Errorf("err != err") }`).

## Why is this bad?
The result does not depend on the operand: `x == x` is always true, `x < x` always false,
`x - x` always zero. Almost always one side was meant to be something else, typically a
copy-paste slip such as `a.x == a.x` for `a.x == b.x`.

## Example
```go
func samePoint(a, b Point) bool {
    return a.X == a.X && a.Y == b.Y
}
```

## Use instead
```go
func samePoint(a, b Point) bool {
    return a.X == b.X && a.Y == b.Y
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.exprtype import value_kind
from analyzer.golang.purity import expression_text, has_side_effects
from analyzer.api.rule import Rule
from analyzer.golang.source import walk

# The bare node: a pattern with child fields keeps a match state open across the left
# operand's subtree (quadratic on deep nesting), and Node.parent costs the node's depth.
# `#eq?` compares the operands' source text inside tree-sitter, so only the rare binary
# expressions with identical sides reach Python.
QUERY = """
(binary_expression left: (_) @left right: (_) @right (#eq? @left @right)) @expr
"""

_OPERATORS = frozenset({"==", "!=", "<", "<=", ">", ">=", "-", "/", "%", "&", "|", "^", "&^"})

# Operators whose result on a NaN or infinity operand differs from the "obvious" constant.
_FLOAT_SENSITIVE = frozenset({"==", "!=", "<=", ">=", "-", "/"})
_ARITHMETIC = frozenset({"-", "/", "%", "&", "|", "^", "&^"})
_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal", "true", "false", "nil"})
# Kinds that can hold no float anywhere inside (a struct, array or interface can; an
# error value holding a NaN-based type is not a thing real code does).
_NO_FLOAT_INSIDE = frozenset(
    "int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr byte rune string bool "
    "pointer chan error".split()
) | {"untyped int", "untyped rune"}


_STATEMENT_LIKE = frozenset({"literal_element", "keyed_element", "expression_case", "communication_case"})


def _spelled_out(file, expr) -> bool:
    """The enclosing statement names the expression in a string (`t.Errorf("err != err")`,
    a test table's `{"x|x", func(x int) int { return x | x }}`): it is written on purpose."""
    node = expr.parent
    while node is not None and not (node.type.endswith("_statement") or node.type in _STATEMENT_LIKE):
        node = node.parent
    if node is None:
        return False
    if node.type in _STATEMENT_LIKE and node.parent is not None:
        node = node.parent  # the whole table row
    wanted = "".join(file.text(expr).split())
    for n in walk(node):
        if n.type in ("interpreted_string_literal", "raw_string_literal") and wanted in "".join(file.text(n).split()):
            return True
    return False


def run(pass_: Pass) -> None:
    # The query's #eq? already matched the operands' text.
    for file, expr, m in pass_.iter_matches("expr"):
        op = expr.child_by_field_name("operator")
        if op is None or op.type not in _OPERATORS:
            continue
        left = m.node("left")
        if has_side_effects(pass_, file, left):
            continue
        operator = op.type
        if left.type in _LITERALS:
            continue  # `0 == 0` defines true; `8 - 8` mirrors a formula: written on purpose
        if file.is_test and operator in _ARITHMETIC:
            continue  # tests exercise operator identities (`x ^ x` must be 0) on purpose
        if operator in _FLOAT_SENSITIVE:
            kind = value_kind(pass_, file, left)
            if kind not in _NO_FLOAT_INSIDE:
                continue
        if _spelled_out(file, expr):
            continue
        pass_.report(
            file,
            expr,
            f"identical expressions on the left and right side of the '{operator}' operator: {expression_text(file, left)}",
        )


RULE = Rule(
    name="dupoperand",
    summary="identical expressions on both sides of a binary operator",
    run=run,
    query=QUERY,
    tags=("correctness", "suspicious"),
    equivalents=("staticcheck:SA4000",),
)
