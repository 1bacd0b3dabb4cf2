"""`x = atomic.AddInt64(&x, n)`: the atomic add's own store is overwritten by a plain one.

## What it does
Reports an assignment whose right side is `atomic.AddInt32`, `AddInt64`, `AddUint32`,
`AddUint64` or `AddUintptr` (of `sync/atomic`) with `&x` as the first argument, and whose
left side is that same `x` (the same text), or `*p = atomic.AddInt64(p, n)`. Using the returned value any other way
(`n := atomic.AddInt64(&x, 1)`) is fine.

## Why is this bad?
The add already stored the new value atomically; assigning its result back to `x` is a
second, non-atomic write that races with every other goroutine updating `x`, which is
exactly what the atomic add was there to avoid.

## Example
```go
hits = atomic.AddInt64(&hits, 1)
```

## Use instead
```go
atomic.AddInt64(&hits, 1)
```

## Fix safety
The fix drops the assignment and keeps the call (`atomic.AddInt64(&hits, 1)`). It is safe:
the value `x` ends up with is the same, without the racy store.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule
from analyzer.golang.source import call_arguments, code_children, unparen

QUERY = """
(assignment_statement
  right: (expression_list (call_expression
    function: (selector_expression field: (field_identifier) @name (#match? @name "^Add(Int32|Int64|Uint32|Uint64|Uintptr)$"))) @call)) @assign
"""


def _pointee_text(file, addr) -> str:
    """The variable the first argument points to, as text without spaces: `x` for `&x`,
    `*p` for a pointer `p`."""
    addr = unparen(addr)
    op = addr.child_by_field_name("operator") if addr.type == "unary_expression" else None
    if op is not None and op.type == "&":
        return _compact(file, addr.child_by_field_name("operand"))
    return "*" + _compact(file, addr)


def _compact(file, node) -> str:
    node = unparen(node)
    if node.type == "unary_expression":
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "*":
            return "*" + _compact(file, node.child_by_field_name("operand"))
    return "".join(file.text(node).split())


def run(pass_: Pass) -> None:
    for file, assign, m in pass_.iter_matches("assign"):
        call, name = m.get("call"), m.get("name")
        op = assign.child_by_field_name("operator")
        left = assign.child_by_field_name("left")
        right = assign.child_by_field_name("right")
        if call is None or name is None or op is None or op.type != "=" or left is None or right is None:
            continue
        lefts, rights = code_children(left), code_children(right)
        if len(lefts) != len(rights):
            continue
        index = next((i for i, r in enumerate(rights) if r.id == call.id), None)
        if index is None or not pass_.is_call_to(file, call, "sync/atomic", file.text(name)):
            continue
        args = call_arguments(call)
        if not args:
            continue
        if _pointee_text(file, args[0]) != _compact(file, lefts[index]):
            continue
        target = file.text(unparen(lefts[index]))
        fix = replace_fix("keep only the atomic call", assign, file.text(call)) if len(lefts) == 1 else None
        pass_.report(file, assign, f"direct assignment to atomic value {target}: the atomic add already stored it, and this plain store races", fix)


RULE = Rule(
    name="atomicassign",
    summary="x = atomic.AddInt64(&x, n): a racy plain store of an atomic result",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    equivalents=("vet:atomic",),
)
