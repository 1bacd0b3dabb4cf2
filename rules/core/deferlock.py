"""`mu.Lock()` followed by `defer mu.Lock()`: the deferred call was meant to unlock.

## What it does
Reports `defer x.Lock()` right after the statement `x.Lock()`, and `defer x.RLock()` right
after `x.RLock()`, on the same receiver (the same text). A `defer x.Lock()` after anything
else, or on another lock, is left alone.

## Why is this bad?
The function returns with the lock held and then locks it a second time: the goroutine
deadlocks on the spot (a `sync.Mutex` is not reentrant), or for an `RLock`, a waiting
writer blocks every reader after it. It is a typo for `defer x.Unlock()`.

## Example
```go
c.mu.Lock()
defer c.mu.Lock()
```

## Use instead
```go
c.mu.Lock()
defer c.mu.Unlock()
```

## Fix safety
The fix turns the deferred `Lock` into `Unlock` (`RLock` into `RUnlock`). It is safe: the
code deadlocked before.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(defer_statement
  (call_expression
    function: (selector_expression operand: (_) @receiver field: (field_identifier) @method (#match? @method "^R?Lock$")))) @defer
"""


def _locked_by(file, stmt, method: str) -> str | None:
    """The receiver text of `stmt` when it is the statement `receiver.method()`."""
    if stmt is None or stmt.type != "expression_statement" or not stmt.named_child_count:
        return None
    call = unparen(stmt.named_children[0])
    if call.type != "call_expression" or call_arguments(call):
        return None
    function = call.child_by_field_name("function")
    if function is None:
        return None
    fn = unparen(function)
    field = fn.child_by_field_name("field") if fn.type == "selector_expression" else None
    operand = fn.child_by_field_name("operand") if fn.type == "selector_expression" else None
    if field is None or operand is None or file.text(field) != method:
        return None
    return "".join(file.text(operand).split())


def run(pass_: Pass) -> None:
    for file, defer, m in pass_.iter_matches("defer"):
        receiver, method_node = m.get("receiver"), m.get("method")
        if receiver is None or method_node is None:
            continue
        method = file.text(method_node)
        previous = defer.prev_named_sibling
        while previous is not None and previous.type == "comment":
            previous = previous.prev_named_sibling
        if _locked_by(file, previous, method) != "".join(file.text(receiver).split()):
            continue
        unlock = method.replace("Lock", "Unlock")
        fix = replace_fix(f"defer {unlock} instead", method_node, unlock)
        pass_.report(file, defer, f"deferring {method} right after having locked already; did you mean to defer {unlock}?", fix)


RULE = Rule(
    name="deferlock",
    summary="defer mu.Lock() right after mu.Lock(): meant Unlock",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    equivalents=("staticcheck:SA2003",),
)
