"""A parameter overwritten before it is ever read: the caller's argument is ignored.

## What it does
Reports a named parameter of a function, method or func literal when the first statement
of the body (at its top level) that mentions it assigns it (`p = ...`, or `p, err :=
...`) without reading it. Every call then throws the caller's argument away. Parameters
first mentioned anywhere else (inside an `if`, a loop, a closure, on the right-hand side),
bodies with labels, and `_` are left alone.

## Why is this bad?
Either the parameter is not needed (and the signature lies to callers), or the body was
meant to use the argument and uses a fresh value instead: a `ctx` replaced by
`context.Background()` drops the caller's deadline; an `err` callback argument replaced by
the next call's error hides the walk error.

## Example
```go
func fetch(ctx context.Context, url string) error {
    ctx = context.Background()
    ...
}
```

## Use instead
```go
func fetch(ctx context.Context, url string) error {
    ...
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import code_children, walk

QUERY = """
(function_declaration parameters: (parameter_list) @params body: (block) @body) @func
(method_declaration parameters: (parameter_list) @params body: (block) @body) @func
(func_literal parameters: (parameter_list) @params body: (block) @body) @func
"""


def _mentions(file, node, name: str) -> bool:
    return any(n.type == "identifier" and file.text(n) == name for n in walk(node))


def _overwrites(file, stmt, name: str) -> bool:
    """`stmt` assigns `name` as a whole without reading it."""
    if stmt.type not in ("assignment_statement", "short_var_declaration"):
        return False
    if stmt.type == "assignment_statement":
        op = stmt.child_by_field_name("operator")
        if op is None or op.type != "=":
            return False
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or _mentions(file, right, name):
        return False
    return any(n.type == "identifier" and file.text(n) == name for n in code_children(left))


def run(pass_: Pass) -> None:
    for file, _func, m in pass_.iter_matches("func"):
        params, body = m.get("params"), m.get("body")
        if params is None or body is None or any(n.type == "labeled_statement" for n in walk(body)):
            continue
        statements = [s for c in body.named_children if c.type == "statement_list" for s in code_children(c)]
        for p in params.named_children:
            if p.type != "parameter_declaration":
                continue
            for ident in p.children_by_field_name("name"):
                name = file.text(ident)
                if name == "_":
                    continue
                first = next((s for s in statements if _mentions(file, s, name)), None)
                if first is not None and _overwrites(file, first, name):
                    pass_.report(file, ident, f"argument {name} is overwritten before first use: the caller's value is never read")


RULE = Rule(
    name="argoverwritten",
    summary="a parameter overwritten before it is read: the argument is ignored",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4009",),
    per_file=True,  # a function's own parameters and statements
)
