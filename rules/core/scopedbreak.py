"""`break` at the end of a switch or select case inside a loop: it only leaves the case.

## What it does
Reports an unlabeled `break` that is the last statement of a `case` (or `default`) of a
`select` statement, or the last statement of an `if`/`else` branch that ends a `case` of a
`switch` or `select`, when that statement sits inside a `for` loop of the same function.
A plain `break` ending a switch case (C style, `case x: break`) is left alone: it does
nothing either, but it is a habit, not a misread loop exit. In Go
a case ends by itself; that `break` leaves the `switch` or `select`, not the loop.

## Why is this bad?
It does nothing, and it reads as "stop the loop here": authors coming from C and Java
write it to end the loop, which goes on running.

## Example
```go
for {
    select {
    case msg := <-in:
        handle(msg)
    case <-done:
        break
    }
}
```

## Use instead
```go
loop:
for {
    select {
    case msg := <-in:
        handle(msg)
    case <-done:
        break loop
    }
}
```

## Off by default
On the Go standard library and seven large projects its 4 findings were all harmless: a
`break` ending an `if` that mirrors an earlier, effective one. The bug it is after
(`case <-done: break` meant to end the loop) did not occur there. Enable it with
`--enable scopedbreak`.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule

QUERY = """
(break_statement) @break
"""

_CASES = frozenset({"expression_case", "type_case", "communication_case", "default_case"})
_FUNCTIONS = frozenset({"func_literal", "function_declaration", "method_declaration"})


def _next_statement(node):
    sibling = node.next_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_named_sibling
    return sibling


def _case_it_ends(stmt):
    """The case whose last statement `stmt` is, directly or as the last statement of an
    if/else branch that itself ends the case; None otherwise."""
    node = stmt
    while True:
        statements = node.parent
        if statements is None or statements.type != "statement_list" or _next_statement(node) is not None:
            return None
        holder = statements.parent
        if holder is not None and holder.type in _CASES:
            return holder
        if holder is None or holder.type != "block" or holder.parent is None or holder.parent.type != "if_statement":
            return None
        node = holder.parent
        while node.parent is not None and node.parent.type == "if_statement":  # else if
            node = node.parent


def run(pass_: Pass) -> None:
    for file, stmt, _ in pass_.iter_matches("break"):
        if stmt.named_child_count:  # `break L` says where it goes
            continue
        case = _case_it_ends(stmt)
        if case is None:
            continue
        # A plain `break` ending a switch case is C style: it does nothing, and nobody reads
        # it as leaving the loop. In a select (`case <-done: break`) or under an `if` it does.
        if case.parent is not None and case.parent.type != "select_statement" and stmt.parent is not None and stmt.parent.parent == case:
            continue
        node = case.parent
        in_loop = False
        while node is not None and node.type not in _FUNCTIONS:
            if node.type == "for_statement":
                in_loop = True
                break
            node = node.parent
        if in_loop:
            pass_.report(file, stmt, "ineffective break statement: it leaves the switch or select, not the loop (use a labeled break)")


RULE = Rule(
    name="scopedbreak",
    summary="break at the end of a switch or select case inside a loop: it leaves the case, not the loop",
    run=run,
    query=QUERY,
    tags=("correctness",),
    enabled_by_default=False,
    equivalents=("staticcheck:SA4011",),
)
