"""Function that calls itself unconditionally: infinite recursion.

## What it does
Reports a call of a function (or method, through the same receiver) to itself when the
call is reached on every path from the function's start: it sits among the top-level
statements of the body, and nothing before it can return, branch, jump, panic or start
a loop. Typical: a `String()` method that formats its own receiver with `%v`, written as
`return t.String()`, or a wrapper that calls itself instead of the function it wraps.

## Why is this bad?
The call never stops: the goroutine's stack grows until the program dies with
"goroutine stack exceeds limit".

## Example
```go
func (c *Client) Close() error {
    return c.Close()
}
```

## Use instead
```go
func (c *Client) Close() error {
    return c.conn.Close()
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, walk_named, required_field

QUERY = """
[(function_declaration) (method_declaration)] @func
"""

# Top-level statements that may leave the function or skip the rest: stop looking there.
_STOPPERS = frozenset({
    "return_statement", "if_statement", "for_statement", "expression_switch_statement", "type_switch_statement",
    "select_statement", "goto_statement", "labeled_statement", "go_statement", "defer_statement", "block",
})


def _self_call(pass_, file, func, call) -> bool:
    fn = unparen(call.child_by_field_name("function"))
    name = func.child_by_field_name("name")
    if name is None:
        return False
    if func.type == "function_declaration":
        if fn.type != "identifier" or file.text(fn) != file.text(name):
            return False
        if func.child_by_field_name("type_parameters") is not None:
            return False
        decl = pass_.resolve(file, fn)
        return decl is not None and decl.kind == "func" and decl.ident == name
    if fn.type != "selector_expression" or file.text(fn.child_by_field_name("field")) != file.text(name):
        return False
    operand = unparen(required_field(fn, "operand"))
    if operand.type != "identifier":
        return False
    decl = pass_.resolve(file, operand)
    return decl is not None and decl.kind == "receiver" and decl.owner == func


def run(pass_: Pass) -> None:
    for file, func, _ in pass_.iter_matches("func"):
        body = func.child_by_field_name("body")
        if body is None or not body.named_child_count or body.named_children[0].type != "statement_list":
            continue
        for stmt in body.named_children[0].named_children:
            found = None
            for part in _parts_always_run(stmt):
                for node in walk_named(part, skip=frozenset({"func_literal"})):
                    if node.type == "call_expression" and _self_call(pass_, file, func, node) and not _after_short_circuit(node, part):
                        found = node
                        break
                if found is not None:
                    break
            if found is not None:
                pass_.report(file, found, "infinite recursive call: the function calls itself on every path")
                break
            if stmt.type in _STOPPERS or _may_not_return(pass_, file, stmt):
                break


def _parts_always_run(stmt):
    """The parts of a top-level statement that run whenever the statement does."""
    if stmt.type == "if_statement":
        return [p for p in (stmt.child_by_field_name("initializer"), stmt.child_by_field_name("condition")) if p is not None]
    if stmt.type in ("expression_switch_statement", "type_switch_statement"):
        return [p for p in (stmt.child_by_field_name("initializer"), stmt.child_by_field_name("value")) if p is not None]
    if stmt.type in _STOPPERS and stmt.type != "return_statement":
        return []
    return [stmt]


def _after_short_circuit(call, stmt) -> bool:
    """Is the call on the right of `&&`/`||` or inside a func literal (so it may not run)?"""
    node = call.parent
    child = call
    while node is not None and node != stmt:
        if node.type == "binary_expression" and node.child_by_field_name("right") == child and file_op(node) in ("&&", "||"):
            return True
        child, node = node, node.parent
    return False


def file_op(node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _may_not_return(pass_, file, stmt) -> bool:
    """A call in a statement before the self-call might panic or exit: fine, the call after
    it still runs on every path that gets there. Only a `panic(...)` statement stops us."""
    if stmt.type == "expression_statement" and stmt.named_child_count:
        expr = unparen(stmt.named_children[0])
        if expr.type == "call_expression":
            fn = expr.child_by_field_name("function")
            return fn is not None and file.text(fn) in ("panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "runtime.Goexit")
    return False


RULE = Rule(
    name="infiniterecursion",
    summary="function that calls itself on every path: infinite recursion",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA5007",),
)
