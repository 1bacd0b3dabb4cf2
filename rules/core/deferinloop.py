"""`defer` in a loop body of something acquired in the iteration.

## What it does
Reports a `defer` statement inside the body of a `for` loop of the same function (not
inside a function literal in the loop) whose deferred call uses a variable declared in
that loop body: something acquired in each iteration (a file, a connection, a response
body, a timer) that is only released when the function returns. It stays silent when the
statements after the `defer` leave the loop for good (`return`, `break` out of the loop,
`goto`, `panic`, `os.Exit`, ...), as in a search loop that opens the one thing it found
and returns, and when the deferred call uses only values from outside the loop body
(`defer os.Remove(name)` over the range variable, a recover handler), which is usually
deliberate cleanup at the end of the function.

## Why is this bad?
Deferred calls run when the surrounding *function* returns, not at the end of each
iteration. A loop that opens a file, takes a lock or starts a transaction per iteration and
defers its release holds every one of them until the function ends: file descriptors run
out, locks are held far too long, memory grows with the number of iterations.

## Example
```go
for _, name := range names {
    f, err := os.Open(name)
    if err != nil {
        return err
    }
    defer f.Close()
    process(f)
}
```

## Use instead
```go
for _, name := range names {
    if err := processFile(name); err != nil { // the function defers f.Close()
        return err
    }
}
```
or wrap the loop body in a function literal that is called in each iteration.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.noreturn import is_noreturn_call
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, walk_named

QUERY = """
(defer_statement) @defer
"""

_FUNCTIONS = frozenset({"func_literal", "function_declaration", "method_declaration"})
_BREAK_TARGETS = frozenset({"expression_switch_statement", "type_switch_statement", "select_statement"})


def _enclosing_loop(stmt):
    """The nearest `for` around `stmt` in the same function, or None."""
    node = stmt.parent
    while node is not None:
        if node.type == "for_statement":
            return node
        if node.type in _FUNCTIONS:
            return None
        node = node.parent
    return None


def _leaves_loop(pass_, file, stmt, loop) -> bool:
    """True when a statement after `stmt` in its own list certainly exits `loop` (so the
    defer runs at most once): return, goto, a labeled break, an unlabeled break that
    targets the loop, or a call that never returns."""
    inner_switch = False
    node = stmt.parent
    while node is not None and node != loop:
        if node.type in _BREAK_TARGETS:
            inner_switch = True
        node = node.parent
    sibling = stmt.next_named_sibling
    while sibling is not None:
        t = sibling.type
        if t in ("return_statement", "goto_statement"):
            return True
        if t == "break_statement":
            # `break L` may name this loop or an outer one: either way the loop is left.
            if sibling.named_child_count or not inner_switch:
                return True
        if t == "expression_statement" and sibling.named_child_count:
            expr = unparen(sibling.named_children[0])
            if expr.type == "call_expression" and is_noreturn_call(pass_, file, expr):
                return True
        sibling = sibling.next_named_sibling
    return False


def _uses_iteration_variable(pass_, file, stmt, loop) -> bool:
    """Does the deferred call use a variable declared inside the loop body?"""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    for node in walk_named(stmt):
        if node.type != "identifier":
            continue
        decl = pass_.resolve(file, node)
        if decl is not None and decl.kind == "var" and decl.ident is not None and decl.file is file and body.start_byte <= decl.ident.start_byte < body.end_byte and not _inside(decl.ident, stmt):
            return True
    return False


def _inside(node, ancestor) -> bool:
    return ancestor.start_byte <= node.start_byte < ancestor.end_byte


def run(pass_: Pass) -> None:
    for file, stmt, _ in pass_.iter_matches("defer"):
        loop = _enclosing_loop(stmt)
        if loop is None or not _uses_iteration_variable(pass_, file, stmt, loop) or _leaves_loop(pass_, file, stmt, loop):
            continue
        pass_.report(file, stmt, "defer in a loop: the deferred calls run only when the function returns, not at the end of each iteration")


RULE = Rule(
    name="deferinloop",
    summary="defer in a loop of something acquired in the iteration: it is released only when the function returns",
    run=run,
    query=QUERY,
    tags=("correctness", "performance"),
    equivalents=("staticcheck:SA9001", "revive:defer"),
)
