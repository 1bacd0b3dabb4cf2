"""A comparison with `math.NaN()`: never true (or, with `!=`, always true).

## What it does
Reports `x == math.NaN()`, `x != math.NaN()` and the ordered comparisons `<`, `<=`, `>`,
`>=` with `math.NaN()` on either side. NaN compares unequal to everything, itself
included, so each of these has a fixed outcome whatever `x` holds. A comparison with NaN
on both sides (`math.NaN() == math.NaN()`), which only tests of NaN's semantics write, is
left alone.

## Why is this bad?
The author wanted to know whether `x` is NaN, and the test never says so: `==` is always
false, `!=` always true.

## Example
```go
if ratio == math.NaN() {
    ratio = 0
}
```

## Use instead
```go
if math.IsNaN(ratio) {
    ratio = 0
}
```

## Fix safety
`x == math.NaN()` becomes `math.IsNaN(x)` and `x != math.NaN()` becomes `!math.IsNaN(x)`.
The fix is unsafe (never applied unasked): it changes what the program does, to what was
meant.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule
from analyzer.golang.comparison import binary_around
from analyzer.golang.source import call_arguments

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#eq? @name "NaN"))) @call
"""

_OUTCOME = {"==": "always false", "!=": "always true", "<": "always false", "<=": "always false", ">": "always false", ">=": "always false"}


def run(pass_: Pass) -> None:
    for file, call, _ in pass_.iter_matches("call"):
        if call_arguments(call) or not pass_.is_call_to(file, call, "math", "NaN"):
            continue
        around = binary_around(call)
        if around is None or around.operator not in _OUTCOME:
            continue
        expr, operator, other = around.expr, around.operator, around.other
        if "NaN()" in file.text(other):
            continue  # NaN against NaN: a test of NaN's semantics (the compiler's own tests do this)
        fix = None
        if operator in ("==", "!="):
            function = call.child_by_field_name("function")
            operand = function.child_by_field_name("operand") if function is not None else None
            math_name = file.text(operand) if operand is not None else "math"
            negate = "!" if operator == "!=" else ""
            fix = replace_fix(f"use {negate}math.IsNaN", expr, f"{negate}{math_name}.IsNaN({file.text(other)})", safe=False)
        pass_.report(file, expr, f"no value equals NaN, not even NaN: {file.text(expr)} is {_OUTCOME[operator]}; use math.IsNaN", fix)


RULE = Rule(
    name="nancompare",
    summary="comparing with math.NaN(): the outcome is fixed, use math.IsNaN",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4012",),
)
