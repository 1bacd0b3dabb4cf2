"""`strings.ToLower(a) == strings.ToLower(b)`: two allocations to compare case-insensitively.

## What it does
Reports `==` and `!=` between two calls of `strings.ToLower` (or two of
`strings.ToUpper`). Ordered comparisons (`<`, `>`) and mixed `ToLower`/`ToUpper` pairs are
left alone.

## Why is this bad?
Each call builds a new string (or slice) just to compare it once and throw it away.
`strings.EqualFold` compares the two case-insensitively without allocating, and stops at
the first difference.

## Example
```go
if strings.ToLower(a.Name) == strings.ToLower(b.Name) {
```

## Use instead
```go
if strings.EqualFold(a.Name, b.Name) {
```

## Fix safety
The fix writes `strings.EqualFold(a, b)` (`!strings.EqualFold(a, b)` for `!=`). It is
unsafe (never applied unasked): `EqualFold` uses Unicode case folding, which treats a few
characters (the Kelvin sign, the long s) differently from lowering both sides.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule
from analyzer.golang.comparison import binary_around
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#match? @name "^To(Lower|Upper)$"))) @call
"""


def _case_call(pass_, file, node, name: str) -> str | None:
    """The argument text when `node` is `strings.<name>(x)`; None otherwise."""
    node = unparen(node)
    if node.type != "call_expression" or not pass_.is_call_to(file, node, "strings", name):
        return None
    args = call_arguments(node)
    return file.text(args[0]) if len(args) == 1 else None


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name_node = m.get("name")
        around = binary_around(call)
        if name_node is None or around is None or around.operand_right or around.operator not in ("==", "!="):
            continue  # each pair once: from its left operand
        name = file.text(name_node)
        left, right = _case_call(pass_, file, call, name), _case_call(pass_, file, around.other, name)
        if left is None or right is None:
            continue
        function = call.child_by_field_name("function")
        package = function.child_by_field_name("operand") if function is not None else None
        pkg = file.text(package) if package is not None else "strings"
        negate = "!" if around.operator == "!=" else ""
        fix = replace_fix("use strings.EqualFold", around.expr, f"{negate}{pkg}.EqualFold({left}, {right})", safe=False)
        pass_.report(file, around.expr, f"should use strings.EqualFold instead: {name} on both sides allocates two strings to compare once", fix)


RULE = Rule(
    name="equalfold",
    summary="strings.ToLower(a) == strings.ToLower(b): use strings.EqualFold",
    run=run,
    query=QUERY,
    tags=("performance",),
    equivalents=("staticcheck:SA6005",),
)
