"""`defer x.Close()` before the error of the call that produced `x` is checked.

## What it does
Reports `v, err := f(...)` (or `=`) immediately followed by `defer v.Close()` (also
`defer v.Body.Close()` and the like), when the last value assigned is an error variable
(`err`, `readErr`, ...) and so has not been checked yet.

## Why is this bad?
When the call fails, `v` is usually nil or otherwise invalid: the deferred `Close` panics
with a nil dereference (`resp.Body.Close()` on a nil `*http.Response`) or closes
something that was never opened, and it does so while the function is already returning
the error, hiding it behind a panic.

## Example
```go
f, err := os.Open(path)
defer f.Close()
if err != nil {
    return err
}
```

## Use instead
```go
f, err := os.Open(path)
if err != nil {
    return err
}
defer f.Close()
```
"""

import re

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, required_field

QUERY = """
(defer_statement
  (call_expression
    function: (selector_expression field: (field_identifier) @method)) @deferred
  (#eq? @method "Close")) @defer
"""

# err, readErr, errRead, closeErr: the names Go code gives an error result
_ERROR_NAME = re.compile(r"^(err|[a-z][A-Za-z0-9]*Err|err[A-Z0-9][A-Za-z0-9]*)$")


def _root_operand(selector):
    node = unparen(selector.child_by_field_name("operand"))
    while node.type == "selector_expression":
        node = unparen(node.child_by_field_name("operand"))
    return node


def _same_variable(pass_, file, a, b) -> bool:
    da, db = pass_.resolve(file, a), pass_.resolve(file, b)
    if da is not None or db is not None:
        return da is db
    return file.text(a) == file.text(b)


def _assignment_before(defer):
    """The statement right before `defer` when it is `a, b := call()` or `a, b = call()`:
    (left names, call), else None."""
    prev = defer.prev_named_sibling
    while prev is not None and prev.type == "comment":
        prev = prev.prev_named_sibling
    if prev is None or prev.type not in ("short_var_declaration", "assignment_statement"):
        return None
    if prev.type == "assignment_statement":
        op = prev.child_by_field_name("operator")
        if op is None or op.type != "=":
            return None
    left, right = prev.child_by_field_name("left"), prev.child_by_field_name("right")
    if left is None or right is None:
        return None
    values = [v for v in right.named_children if v.type != "comment"]
    if len(values) != 1 or unparen(values[0]).type != "call_expression":
        return None
    return [n for n in left.named_children if n.type != "comment"], unparen(values[0])


def run(pass_: Pass) -> None:
    for file, defer, m in pass_.iter_matches("defer"):
        found = _assignment_before(defer)
        if found is None:
            continue
        names, call = found
        if len(names) < 2 or any(n.type != "identifier" for n in (names[0], names[-1])):
            continue
        value, err = names[0], names[-1]
        if file.text(value) == "_" or not _ERROR_NAME.match(file.text(err)):
            continue
        deferred = m.node("deferred")
        root = _root_operand(unparen(required_field(deferred, "function")))
        if root.type != "identifier" or not _same_variable(pass_, file, root, value):
            continue
        callee = file.text(unparen(call.child_by_field_name("function")))
        if len(callee) > 40 or "\n" in callee:
            callee = callee[:37] + "..."
        pass_.report(file, defer, f"should check error returned from {callee}() before deferring {file.text(deferred)}")


RULE = Rule(
    name="closebeforecheck",
    summary="defer x.Close() before checking the error of the call that returned x",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA5001", "vet:httpresponse"),
)
