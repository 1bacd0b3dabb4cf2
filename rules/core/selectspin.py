"""`for { select { ... default: } }` with an empty `default`: the loop spins.

## What it does
Reports the empty `default:` of a `select` that is the whole body of a `for` loop without
a condition. When no other case is ready, `default` runs at once, does nothing, and the
loop comes straight back: one CPU core busy-waits. A `default` with any statement (even a
comment-only one is reported: a comment does not wait), a `select` followed or preceded by
other statements in the loop, and loops with a condition are left alone.

## Why is this bad?
The `default` was usually added so the `select` "does not block", but blocking is what a
loop waiting for events should do. The spin burns a core and starves other goroutines on
small machines.

## Example
```go
for {
    select {
    case job := <-jobs:
        run(job)
    default:
    }
}
```

## Use instead
```go
for {
    select {
    case job := <-jobs:
        run(job)
    }
}
```

## Fix safety
The fix deletes the empty `default:` so the `select` blocks. It is unsafe (never applied
unasked): if every channel of the `select` is nil, the goroutine then blocks forever.
"""

from analyzer.api.analysis_pass import Pass, delete_fix
from analyzer.api.rule import Rule
from analyzer.golang.source import code_children

QUERY = """
(for_statement body: (block (statement_list . (select_statement) @select .))) @loop
"""


def run(pass_: Pass) -> None:
    for file, loop, m in pass_.iter_matches("loop"):
        if any(c.type not in ("block", "comment") for c in loop.named_children):
            continue  # a condition, a clause or a range: the loop may end by itself
        select = m.get("select")
        for case in select.named_children if select is not None else ():
            if case.type != "default_case":
                continue
            if any(c.type != "comment" for c in code_children(case)):
                continue
            pass_.report(file, case, "empty default in a select that is the whole body of a for loop: the loop spins, busy-waiting a CPU core", delete_fix("remove the empty default so the select blocks", file, case, safe=False))


RULE = Rule(
    name="selectspin",
    summary="for { select { default: } } with an empty default spins",
    run=run,
    query=QUERY,
    tags=("performance", "correctness"),
    equivalents=("staticcheck:SA5004",),
)
