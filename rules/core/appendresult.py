"""Result of `append` assigned to a local slice that is never read.

## What it does
Reports `s = append(s, ...)` where `s` is a local variable of the function that starts out
with a backing array of its own (`var s []T`, `make(...)`, a literal) and whose every other
use is another such append: nothing ever reads the slice the appends build. A slice cut
from another one (`b := a[:0]`) is left alone: appends to it can be seen through the other. Named results (read by a bare `return`), parameters, package-level
variables, variables that a closure uses, and benchmarks (which append for the cost of
it) are left alone.

## Why is this bad?
The appended values go nowhere. Usually the slice was meant to be returned, stored in a
field or passed on, and the line that does it is missing or uses another variable.

## Example
```go
func names(users []User) []string {
    var out []string
    for _, u := range users {
        out = append(out, u.Name)
    }
    return nil
}
```

## Use instead
```go
func names(users []User) []string {
    var out []string
    for _, u := range users {
        out = append(out, u.Name)
    }
    return out
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
(assignment_statement
  left: (expression_list . (identifier) @target .)
  right: (expression_list . (call_expression function: (identifier) @fn) @call .)
  (#eq? @fn "append")) @stmt
"""


def _is_append_of(pass_, file, ref, decl) -> bool:
    """Is this reference of `decl` the target of `decl = append(...)`, or an argument of an
    append whose result is assigned back to `decl`?"""
    node = ref
    parent = node.parent
    # `s = append(...)`: the target.
    if parent is not None and parent.type == "expression_list" and parent.parent is not None and parent.parent.type == "assignment_statement":
        stmt = parent.parent
        if parent == stmt.child_by_field_name("left"):
            return _appends_to(pass_, file, stmt, decl)
        # `s = append(s, ...)` never reaches here: `s` inside append has argument_list parent.
        return False
    # `append(s, ...)` as the first argument, in `s = append(s, ...)` or `t = append(s, ...)` of another unread slice.
    if parent is not None and parent.type == "argument_list" and parent.named_children and parent.named_children[0] == ref:
        call = parent.parent
        exprs = call.parent if call is not None else None
        stmt = exprs.parent if exprs is not None else None
        if stmt is not None and stmt.type == "assignment_statement" and exprs == stmt.child_by_field_name("right"):
            return _appends_to(pass_, file, stmt, decl)
    return False


def _appends_to(pass_, file, stmt, decl) -> bool:
    left = stmt.child_by_field_name("left")
    right = stmt.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return False
    target = unparen(left.named_children[0])
    call = unparen(right.named_children[0])
    if target.type != "identifier" or pass_.resolve(file, target) is not decl or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    builtin = pass_.resolve(file, fn) if fn is not None and fn.type == "identifier" else None
    return builtin is not None and builtin.kind == "builtin" and builtin.name == "append"


def run(pass_: Pass) -> None:
    done = set()
    for file, _stmt, m in pass_.iter_matches("stmt"):
        target = m.node("target")
        decl = pass_.resolve(file, target)
        if decl is None or decl.kind != "var" or decl.owner is None or id(decl) in done:
            continue
        if not _fresh(pass_, file, decl):
            continue  # `b := a[:0]`: appends to b are seen through a
        if file.is_test and _benchmark(file, decl.owner):
            continue  # a benchmark appends for the cost of it
        done.add(id(decl))
        refs = [r for r in decl.references if r != decl.ident]
        if not refs or not all(_is_append_of(pass_, file, r, decl) for r in refs):
            continue
        if any(_in_closure(r, decl.owner) for r in refs):
            continue
        for r in refs:
            parent = r.parent
            if parent is not None and parent.type == "expression_list" and parent.parent is not None:
                pass_.report(file, parent.parent, f"this result of append is never used: nothing reads {decl.name} afterwards")


def _fresh(pass_, file, decl) -> bool:
    """Does the variable start out with a backing array of its own (nil, `make`, a
    literal), so that no other slice sees what is appended to it?"""
    if decl.value is None:
        return decl.spec is not None and decl.spec.type == "var_spec"
    value = unparen(decl.value)
    if value.type in ("composite_literal", "nil"):
        return True
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        builtin = pass_.resolve(file, fn) if fn is not None and fn.type == "identifier" else None
        return builtin is not None and builtin.kind == "builtin" and builtin.name == "make"
    return False


def _benchmark(file, owner) -> bool:
    name = owner.child_by_field_name("name")
    return name is not None and file.text(name).startswith("Benchmark")


def _in_closure(ref, owner) -> bool:
    node = ref.parent
    while node is not None and node != owner:
        if node.type == "func_literal":
            return True
        node = node.parent
    return False


RULE = Rule(
    name="appendresult",
    summary="result of append assigned to a local slice that nothing reads",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4010",),
)
