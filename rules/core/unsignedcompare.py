"""An unsigned value, or `len`/`cap`, compared with zero in a way that is always true or always false.

## What it does
Reports `x < 0` (never true) and `x >= 0` (always true), written either way round
(`0 > x`, `0 <= x`), where `x` is declared with an unsigned type: `uint`, `uint8` to
`uint64`, `uintptr`, `byte`, or a named type built from one of them, or `x` is a call of
the built-in `len` or `cap`, which never return a negative number. The type must be
plain from the source (a declared type, a conversion, a declared struct field, or an
arithmetic initializer `d := a - b` of such values); when it is not, the rule stays silent. `x <= 0` (the same as `x == 0`) is left
alone, and so are type parameters.

## Why is this bad?
An unsigned value is never negative, so the check does nothing: usually the value was
meant to be signed (a difference that can go below zero, a length that was converted too
early) and the guard that was supposed to catch that case never fires.

## Example
```go
var n uint = uint(end - start)
if n < 0 {
    return errNegative
}
```

## Use instead
```go
n := end - start
if n < 0 {
    return errNegative
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.comparison import binary_around
from analyzer.golang.exprtype import value_kind
from analyzer.golang.goliteral import int_value
from analyzer.golang.source import unparen

QUERY = """
((int_literal) @zero (#eq? @zero "0"))
"""

UNSIGNED_KINDS = frozenset({"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte"})
# (operator, zero on the right) -> what the comparison always is
_OUTCOME = {("<", True): "false", (">=", True): "true", (">", False): "false", ("<=", False): "true"}


def _length_builtin(pass_, file, expr) -> str | None:
    """"len" or "cap" when `expr` calls that built-in (not a local function of that name)."""
    if expr.type != "call_expression":
        return None
    callee = pass_.callee(file, expr)
    fn = unparen(expr.child_by_field_name("function"))
    if callee not in (("", "len"), ("", "cap")) or fn.type != "identifier":
        return None
    decl = pass_.resolve(file, fn)
    return callee[1] if decl is not None and decl.kind == "builtin" else None


def _kind(pass_, file, expr) -> str | None:
    """`value_kind`, and for a variable declared without a type (`d := a - b`) the kind of
    its initializer: a variable keeps the type it was declared with."""
    kind = value_kind(pass_, file, expr)
    if kind is not None or expr.type != "identifier":
        return kind
    decl = pass_.resolve(file, expr)
    if decl is None or decl.kind != "var" or decl.type_node is not None or decl.value is None or decl.index != 0 or decl.file is None:
        return None
    if decl.spec is not None and decl.spec.type in ("range_clause", "type_switch_statement"):
        return None
    value = unparen(decl.value)
    return value_kind(pass_, decl.file, value) if value.type == "binary_expression" else None


def run(pass_: Pass) -> None:
    for file, zero, _ in pass_.iter_matches("zero"):
        around = binary_around(zero)
        if around is None or int_value(file.text(zero)) != 0:
            continue
        outcome = _OUTCOME.get((around.operator, around.operand_right))
        if outcome is None:
            continue
        expr, other = around.expr, around.other
        builtin = _length_builtin(pass_, file, other)
        if builtin is not None:
            pass_.report(file, expr, f"{builtin} does not return negative values: {file.text(expr)} is always {outcome}")
            continue
        kind = _kind(pass_, file, other)
        if kind not in UNSIGNED_KINDS:
            continue
        pass_.report(file, expr, f"{file.text(other)} is unsigned ({kind}): {file.text(expr)} is always {outcome}")


RULE = Rule(
    name="unsignedcompare",
    summary="an unsigned value or len/cap compared with 0: x < 0 is never true, x >= 0 always",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4003", "staticcheck:SA4024"),
)
