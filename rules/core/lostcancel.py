"""The cancel function of `context.WithCancel`, `WithTimeout` or `WithDeadline` thrown away.

## What it does
Reports `ctx, _ := context.WithTimeout(...)` (and `=`, `var ctx, _ = ...`) for
`context.WithCancel`, `WithTimeout`, `WithDeadline` and their `...Cause` forms: the cancel
function is assigned to the blank identifier, so nothing can ever call it. A cancel
function that is kept but not called on some path (which vet's lostcancel also reports)
is not checked here.

## Why is this bad?
The derived context, its timer and its entry in the parent's children stay alive until
the parent is cancelled or the deadline passes: for a long-lived parent (a server's base
context, `context.Background()`) that is a leak per call. `go vet` reports the same.

## Example
```go
ctx, _ := context.WithTimeout(parent, 5*time.Second)
return fetch(ctx, url)
```

## Use instead
```go
ctx, cancel := context.WithTimeout(parent, 5*time.Second)
defer cancel()
return fetch(ctx, url)
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import code_children

QUERY = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @name
    (#match? @name "^With(Cancel|Timeout|Deadline|CancelCause|TimeoutCause|DeadlineCause)$"))) @call
"""


def _second_target(call):
    """The second name assigned from `call` when it is the whole right-hand side."""
    parent = call.parent
    if parent is None:
        return None
    if parent.type == "expression_list":
        if len(code_children(parent)) != 1 or parent.parent is None:
            return None
        stmt = parent.parent
        if stmt.type in ("short_var_declaration", "assignment_statement"):
            left = stmt.child_by_field_name("left")
            names = code_children(left) if left is not None else []
            return names[1] if len(names) == 2 else None
        if stmt.type == "var_spec":
            names = stmt.children_by_field_name("name")
            return names[1] if len(names) == 2 else None
    return None


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name_node = m.get("name")
        if name_node is None:
            continue
        name = file.text(name_node)
        if not pass_.is_call_to(file, call, "context", name):
            continue
        target = _second_target(call)
        if target is None or file.text(target) != "_":
            continue
        pass_.report(file, target, f"the cancel function returned by context.{name} is discarded: the context leaks until its parent is cancelled; keep it and defer cancel()")


RULE = Rule(
    name="lostcancel",
    summary="the cancel function of context.WithCancel/WithTimeout/WithDeadline discarded",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:lostcancel",),
)
