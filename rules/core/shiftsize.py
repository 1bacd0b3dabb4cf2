"""A constant shift at least as wide as the value shifted: the result is always 0 (or -1).

## What it does
Reports `x << n`, `x >> n`, `x <<= n` and `x >>= n` where `n` is an integer literal at least
the width of `x`'s type in bits, and that type is plain from the source: a sized integer
(`int8` ... `uint64`, `byte`, `rune`), `int`, `uint` or `uintptr` (64 bits, as on every
64-bit platform), or a named type built from one. Untyped constants, whose shifts are
computed exactly, and values of unknown type are left alone.

## Why is this bad?
Every bit is shifted out: `<<` gives 0, `>>` gives 0 (or -1 for a negative signed value).
Usually the value was meant to be converted to a wider type first: `uint64(b) << 32`, not
`b << 32` with `b` a `uint32`.

## Example
```go
func join(hi, lo uint32) uint64 {
    return uint64(hi<<32 | lo)
}
```

## Use instead
```go
func join(hi, lo uint32) uint64 {
    return uint64(hi)<<32 | uint64(lo)
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.exprtype import value_kind
from analyzer.golang.goliteral import int_value
from analyzer.golang.source import unparen

QUERY = """
(binary_expression operator: ["<<" ">>"] right: (int_literal) @count) @shift
(assignment_statement operator: ["<<=" ">>="] right: (expression_list . (int_literal) @count .)) @shift
"""

WIDTHS = {"int8": 8, "uint8": 8, "byte": 8, "int16": 16, "uint16": 16, "int32": 32, "uint32": 32, "rune": 32,
          "int64": 64, "uint64": 64, "int": 64, "uint": 64, "uintptr": 64}


def run(pass_: Pass) -> None:
    for file, shift, m in pass_.iter_matches("shift"):
        count_node = m.get("count")
        count = int_value(file.text(count_node)) if count_node is not None else None
        operand = shift.child_by_field_name("left")
        if operand is None or count is None:
            continue
        if operand.type == "expression_list":
            if operand.named_child_count != 1:
                continue
            operand = operand.named_children[0]
        operand = unparen(operand)
        kind = value_kind(pass_, file, operand)
        width = WIDTHS.get(kind or "")
        if width is None or count < width:
            continue
        pass_.report(file, shift, f"{file.text(operand)} ({width} bits) too small for shift of {count}: the result is always the same; convert to a wider type first")


RULE = Rule(
    name="shiftsize",
    summary="a constant shift at least as wide as the shifted value's type",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:shift", "staticcheck:SA9006"),
)
