"""`wg.Add` called inside the goroutine it is meant to count.

## What it does
Reports a `go func() { ... }()` whose first statement is `wg.Add(...)` on a
`sync.WaitGroup` (a variable, parameter or struct field declared as `sync.WaitGroup` or
`*sync.WaitGroup`, or initialised with `&sync.WaitGroup{}` or `new(sync.WaitGroup)`).
Receivers whose type is not known from the package are left alone.

## Why is this bad?
`Add` has to happen before the goroutine starts, in the goroutine that later calls `Wait`.
Inside the new goroutine it races with `Wait`: the scheduler may run `Wait` first, see a
zero counter and return while the work is still to come. The program usually works and
fails under load, in CI or under the race detector.

## Example
```go
for _, item := range items {
    go func(item Item) {
        wg.Add(1)
        defer wg.Done()
        process(item)
    }(item)
}
wg.Wait()
```

## Use instead
```go
for _, item := range items {
    wg.Add(1)
    go func(item Item) {
        defer wg.Done()
        process(item)
    }(item)
}
wg.Wait()
```

## Fix safety
The fix moves the `Add` call to just before the `go` statement. It is offered only when
the call's arguments are constants and its receiver does not name anything declared by the
function literal, so the moved call means the same thing; it is safe.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.constant import is_constant
from analyzer.api.diagnostics import Edit, Fix
from analyzer.golang.exprtype import declared_type, is_named
from analyzer.golang.purity import expression_text, has_side_effects
from analyzer.api.rule import Rule
from analyzer.golang.source import code_children, walk

QUERY = """
(go_statement
  (call_expression
    function: (func_literal
      body: (block
        (statement_list
          .
          (expression_statement
            (call_expression
              function: (selector_expression operand: (_) @wg field: (field_identifier) @add)
              arguments: (argument_list) @args)) @stmt)))
    (#eq? @add "Add"))) @go
"""


def _movable(pass_: Pass, file, m, literal) -> bool:
    args = code_children(m.get("args"))
    if len(args) != 1 or not is_constant(pass_, file, args[0]):
        return False
    recv = m.node("wg")
    if has_side_effects(pass_, file, recv):
        return False
    for n in walk(recv):
        if n.type == "identifier":
            decl = pass_.resolve(file, n)
            if decl is None or decl.owner == literal:
                return False
    return True


def run(pass_: Pass) -> None:
    for file, go, m in pass_.iter_matches("go"):
        recv = m.node("wg")
        if not is_named(pass_, declared_type(pass_, file, recv), "sync", "WaitGroup"):
            continue
        stmt = m.node("stmt")
        literal = go.named_children[0].child_by_field_name("function")
        fix = None
        if _movable(pass_, file, m, literal):
            src = file.source
            line_start = src.rfind(b"\n", 0, go.start_byte) + 1
            indent = src[line_start : go.start_byte].decode("utf-8", "replace")
            s_line = src.rfind(b"\n", 0, stmt.start_byte) + 1
            s_end = src.find(b"\n", stmt.end_byte)
            s_end = len(src) if s_end < 0 else s_end + 1
            rest = src[stmt.end_byte : s_end].strip()
            if not indent.strip() and not src[s_line : stmt.start_byte].strip() and (not rest or rest.startswith(b"//")):
                moved = src[stmt.start_byte : s_end].rstrip().decode("utf-8", "replace")  # with its line comment
                fix = Fix(
                    "call Add before starting the goroutine",
                    (Edit(go.start_byte, go.start_byte, f"{moved}\n{indent}"), Edit(s_line, s_end, "")),
                    True,
                )
        name = expression_text(file, recv)
        pass_.report(file, stmt, f"{name}.Add called inside the goroutine it counts: it races with {name}.Wait; call it before the go statement", fix)


RULE = Rule(
    name="waitgroupadd",
    summary="sync.WaitGroup.Add called inside the goroutine it counts",
    run=run,
    query=QUERY,
    tags=("correctness", "concurrency"),
    equivalents=("staticcheck:SA2000", "vet:waitgroup"),
)
