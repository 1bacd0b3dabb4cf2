"""The address of a variable compared with nil: the comparison's outcome is fixed.

## What it does
Reports `&x == nil` and `&x != nil` (either way round), where `&x` takes the address of a
variable, a field, an element or a composite literal. Such an address is never nil, so
`==` is always false and `!=` always true.

## Why is this bad?
The author meant to test `x` itself (usually a pointer or a slice) and the test never
fires. It is also a common leftover of a refactoring that changed `x` from a pointer to a
value.

## Example
```go
if &cfg.TLS == nil {
    return errNoTLS
}
```

## Use instead
```go
if cfg.TLS == nil {
    return errNoTLS
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.comparison import binary_around
from analyzer.golang.source import unparen

QUERY = """
(nil) @nil
"""

_OUTCOME = {"==": "always false", "!=": "always true"}


def _address_of(node) -> bool:
    node = unparen(node)
    if node.type != "unary_expression":
        return False
    op = node.child_by_field_name("operator")
    return op is not None and op.type == "&"


def run(pass_: Pass) -> None:
    for file, nil, _ in pass_.iter_matches("nil"):
        around = binary_around(nil)
        if around is None or around.operator not in _OUTCOME or not _address_of(around.other):
            continue
        expr = around.expr
        pass_.report(file, expr, f"the address {file.text(around.other)} is never nil: {file.text(expr)} is {_OUTCOME[around.operator]}")


RULE = Rule(
    name="addrnil",
    summary="&x == nil: an address is never nil",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4022",),
)
