"""The cancel function of `context.WithCancel`, `WithTimeout` or `WithDeadline` thrown away.

## What it does
Reports `ctx, _ := context.WithTimeout(...)` (and `=`, `var ctx, _ = ...`) for
`context.WithCancel`, `WithTimeout`, `WithDeadline` and their `...Cause` forms: the cancel
function is assigned to the blank identifier, so nothing can ever call it. And, as vet
does, `ctx, cancel := context.WithTimeout(...)` in a function where some path from there
to a `return` (or the end of the function) never mentions `cancel`: no `defer cancel()`,
no call, no closure or struct that takes it along. Paths that end in a panic or a call
that never returns (or probably does not) do not count, nor does returning from `main.main`; functions whose control flow cannot be built are left
alone.

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
from analyzer.golang.cfg import enclosing_function
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


def _unused_on_some_path(pass_, file, call, target) -> bool:
    """Does a path from the statement assigning `target` reach the function's exit without
    passing a reference to the variable?"""
    decl = pass_.resolve(file, target)
    func = enclosing_function(call)
    stmt = call.parent.parent if call.parent is not None else None
    if decl is None or decl.kind != "var" or func is None or stmt is None or decl.ident is None or decl.ident.id != target.id:
        return False  # `=` to an existing variable, or a package-level one: not tracked
    uses = [r for r in decl.references if r.id != target.id]
    if any(r.parent is not None and r.parent.type == "expression_list" and r.parent.parent is not None
           and r.parent.parent.type == "assignment_statement" for r in uses):
        return False  # reassigned: which function reaches the return is not plain
    name = func.child_by_field_name("name") if func.type == "function_declaration" else None
    if name is not None and file.text(name) == "main" and file.package_name == "main":
        return False  # returning from main.main ends the program
    cfg = pass_.cfg(file, func)
    start = cfg.block_of(stmt)
    if start is None:
        return False

    def used_in(node) -> bool:
        return any(node.start_byte <= r.start_byte and r.end_byte <= node.end_byte for r in uses)

    def block_uses(block, after: int = -1) -> bool:
        roots = [n for n in block.nodes if n.start_byte > after]
        if block.cond is not None:
            roots.append(block.cond)
        if block.case is not None:
            roots.extend(block.case.values)
        return any(used_in(n) for n in roots)

    if block_uses(start, stmt.end_byte - 1):
        return False
    seen = {start.index}
    todo = list(start.succs)
    while todo:
        block = todo.pop()
        if block.index in seen:
            continue
        seen.add(block.index)
        if block is cfg.exit:
            return True
        if block_uses(block) or block.may_not_return:
            continue  # used; or probably never returns (`t.FailNow()` on a value of unknown type)
        todo.extend(block.succs)
    return False


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name_node = m.get("name")
        if name_node is None:
            continue
        name = file.text(name_node)
        if not pass_.is_call_to(file, call, "context", name):
            continue
        target = _second_target(call)
        if target is None:
            continue
        if file.text(target) == "_":
            pass_.report(file, target, f"the cancel function returned by context.{name} is discarded: the context leaks until its parent is cancelled; keep it and defer cancel()")
        elif target.type == "identifier" and _unused_on_some_path(pass_, file, call, target):
            pass_.report(file, target, f"the {file.text(target)} function returned by context.{name} is not used on all paths: a return leaves without calling it (possible context leak)")


RULE = Rule(
    name="lostcancel",
    summary="the cancel function of context.WithCancel/WithTimeout/WithDeadline discarded or not used on every path",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:lostcancel",),
)
