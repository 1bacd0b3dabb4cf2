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

from bisect import bisect_right
from operator import attrgetter

from tree_sitter import Query, QueryCursor

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import GO_LANGUAGE, code_children, walk

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


_NAMES = Query(GO_LANGUAGE, "(identifier) @name (labeled_statement) @label")
_START = attrgetter("start_byte")


def _first_mentions(file, idents, statements, params) -> dict[str, object]:
    """For the names of `params`, the first of `statements` (the body's own, in order) that
    mentions each anywhere inside, given the body's identifiers: one pass instead of one
    walk of the body per parameter."""
    found: dict[str, object] = {}
    source = file.source
    wanted = {source[p.start_byte : p.end_byte]: file.text(p) for p in params}
    lengths = {len(name) for name in wanted}
    starts = [s.start_byte for s in statements]
    idents.sort(key=_START)
    for ident in idents:
        start, end = ident.start_byte, ident.end_byte
        if end - start not in lengths:
            continue
        name = wanted.get(source[start:end])
        if name is None or name in found:
            continue
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < statements[i].end_byte:
            found[name] = statements[i]
            if len(found) == len(wanted):
                break
    return found


def run(pass_: Pass) -> None:
    for file, _func, m in pass_.iter_matches("func"):
        params, body = m.get("params"), m.get("body")
        if params is None or body is None:
            continue
        idents = [
            ident
            for p in params.named_children
            if p.type == "parameter_declaration"
            for ident in p.children_by_field_name("name")
            if file.text(ident) != "_"
        ]
        if not idents:
            continue
        captures = QueryCursor(_NAMES).captures(body)
        if captures.get("label"):
            continue
        statements = [s for c in body.named_children if c.type == "statement_list" for s in code_children(c)]
        first = _first_mentions(file, captures.get("name", []), statements, idents)
        for ident in idents:
            name = file.text(ident)
            stmt = first.get(name)
            if stmt is not None and _overwrites(file, stmt, name):
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
