"""`t.Fatal`, `t.FailNow` or `t.Skip` called from a goroutine the test started.

## What it does
Reports calls of `Fatal`, `Fatalf`, `FailNow`, `Skip`, `Skipf` and `SkipNow` on a
`*testing.T`, `*testing.B`, `*testing.F` or `testing.TB` inside a `go` statement: in the
goroutine's function literal (also in function literals it calls), as the goroutine
itself (`go t.Fatal(...)`), or in a function of the package or a local function value the
`go` statement starts with the test value as a parameter (`go check(t, x)`). A
subtest's own `t` inside `t.Run(name, func(t *testing.T) {...})` is not the outer test's
and is not reported.

## Why is this bad?
These methods stop the test by calling `runtime.Goexit`, which ends only the *calling*
goroutine. Called from another goroutine, they end that goroutine: the test goes on
running, may pass, may hang on a WaitGroup the goroutine never signals, or may report
the failure against a later test. The `testing` documentation says they must be called
from the goroutine running the test.

## Example
```go
func TestWorkers(t *testing.T) {
    var wg sync.WaitGroup
    for _, job := range jobs {
        wg.Add(1)
        go func(job Job) {
            defer wg.Done()
            if err := job.Run(); err != nil {
                t.Fatalf("run %s: %v", job.Name, err)
            }
        }(job)
    }
    wg.Wait()
}
```

## Use instead
```go
        go func(job Job) {
            defer wg.Done()
            if err := job.Run(); err != nil {
                t.Errorf("run %s: %v", job.Name, err) // marks the failure, returns normally
                return
            }
        }(job)
```
or send the error back on a channel and call `t.Fatal` in the test goroutine.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen, walk_named, required_field
from analyzer.golang.testing_types import testing_kind

QUERY = """
(go_statement) @go
"""

FORBIDDEN = frozenset({"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"})


def _forbidden_call(pass_, file, call):
    """(kind, method) when `call` is t.Fatal & co on a testing value, else None."""
    if call.type != "call_expression":
        return None
    fn = unparen(call.child_by_field_name("function"))
    if fn.type != "selector_expression":
        return None
    method = file.text(fn.child_by_field_name("field"))
    operand = fn.child_by_field_name("operand")
    if method not in FORBIDDEN or operand is None:
        return None
    kind = testing_kind(pass_, file, operand)
    if kind is None:
        return None
    return kind, method, pass_.resolve(file, unparen(operand))


def _describe(kind: str, method: str) -> str:
    receiver = "testing.TB" if kind == "TB" else f"*{kind}"
    return f"call to ({receiver}).{method} from a non-test goroutine"


def _inside(node, ancestor) -> bool:
    while node is not None:
        if node == ancestor:
            return True
        node = node.parent
    return False


def _check_literal(pass_, file, lit) -> None:
    """Every forbidden call in the goroutine's function literal on a test value that was
    not declared by a nested function literal (a subtest's own t)."""
    for node in walk_named(lit):
        found = _forbidden_call(pass_, file, node)
        if found is None:
            continue
        kind, method, decl = found
        owner = decl.owner if decl is not None else None
        if owner is not None and owner != lit and owner.type == "func_literal" and _inside(owner, lit):
            continue
        pass_.report(file, node.child_by_field_name("function"), _describe(kind, method))


def _function_body(pass_, file, fn):
    """The function a `go f(...)` starts, when it is declared in this package: (file, node)."""
    fn = unparen(fn)
    if fn.type == "identifier":
        decl = pass_.resolve(file, fn)
    elif fn.type == "generic_type":  # go f[int](t) parses as a conversion to a generic type
        name = fn.child_by_field_name("type")
        decl = pass_.resolve(file, name) if name is not None else None
    else:
        return None
    if decl is None or decl.file is None:
        return None
    if decl.kind == "func" and decl.spec is not None and decl.spec.type == "function_declaration":
        return decl.file, decl.spec
    if decl.kind == "var" and decl.value is not None and unparen(decl.value).type == "func_literal":
        # g := func(t *testing.T) {...}; go g(t): only when g is never reassigned
        if all(r.parent is None or r.parent.type != "expression_list" or r.parent.parent is None or r.parent.parent.type != "assignment_statement" or r.parent != r.parent.parent.child_by_field_name("left") for r in decl.references):
            return decl.file, unparen(decl.value)
    return None


def _first_forbidden_on_param(pass_, file, func):
    for node in walk_named(func.child_by_field_name("body") or func, skip=frozenset({"func_literal"})):
        found = _forbidden_call(pass_, file, node)
        if found is not None and found[2] is not None and found[2].kind == "param" and found[2].owner == func:
            return found
    return None


def run(pass_: Pass) -> None:
    for file, go, _ in pass_.iter_matches("go"):
        if not go.named_children:
            continue
        started = go.named_children[0]
        if started.type == "call_expression":
            fn = unparen(required_field(started, "function"))
            if fn.type == "func_literal":
                _check_literal(pass_, file, fn)
                continue
            found = _forbidden_call(pass_, file, started)
            if found is not None:  # go t.Fatal(...)
                pass_.report(file, go, _describe(found[0], found[1]))
                continue
            target = _function_body(pass_, file, fn)
        elif started.type == "type_conversion_expression":
            target = _function_body(pass_, file, started.child_by_field_name("type"))
        else:
            continue
        if target is None:
            continue
        target_file, func = target
        found = _first_forbidden_on_param(pass_, target_file, func)
        if found is not None:
            pass_.report(file, go, _describe(found[0], found[1]))


RULE = Rule(
    name="testfatalgoroutine",
    summary="t.Fatal, t.FailNow or t.Skip called from a goroutine ends the goroutine, not the test",
    run=run,
    query=QUERY,
    tags=("correctness", "testing"),
    equivalents=("vet:testinggoroutine", "staticcheck:SA2002"),
)
