"""`nil` passed as a `context.Context`.

## What it does
Reports the literal `nil` passed as the context argument of the standard library's
context-taking functions (`context.WithCancel`, `context.WithTimeout`,
`context.WithValue`, `http.NewRequestWithContext`, `exec.CommandContext`,
`signal.NotifyContext`, ...) and of the package's own functions whose first parameter is
declared as `context.Context`.

## Why is this bad?
Functions that take a context call its methods: a nil context panics as soon as it is
used, or deep inside the callee where the cause is hard to see. When no context is at
hand, `context.TODO()` says so and works.

## Example
```go
req, err := http.NewRequestWithContext(nil, "GET", url, nil)
```

## Use instead
```go
req, err := http.NewRequestWithContext(context.TODO(), "GET", url, nil)
```

## Fix safety
The fix replaces `nil` by `context.TODO()` only when the file already imports `context`
under that name; it is safe, since `nil` would panic.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule

QUERY = """
(call_expression
  arguments: (argument_list . (nil) @nil)) @call
"""

_STDLIB = {
    "context": {"WithCancel", "WithTimeout", "WithDeadline", "WithValue", "WithCancelCause", "WithoutCancel", "AfterFunc", "Cause"},
    "net/http": {"NewRequestWithContext"},
    "os/exec": {"CommandContext"},
    "os/signal": {"NotifyContext"},
    "runtime/pprof": {"Do", "SetGoroutineLabels", "WithLabels"},
    "runtime/trace": {"NewTask", "StartRegion", "WithRegion", "Log", "Logf"},
    "golang.org/x/sync/errgroup": {"WithContext"},
}


def _own_function_takes_context(pass_, file, call) -> bool:
    target = pass_.callee(file, call)
    if target is None or target[0] != "":
        return False
    decl = pass_.package.scopes.package_decl(target[1])
    if decl is None or decl.kind != "func" or decl.ident is None or decl.ident.parent is None:
        return False
    params = decl.ident.parent.child_by_field_name("parameters")
    if params is None or not params.named_child_count:
        return False
    first = params.named_children[0]
    typ = first.child_by_field_name("type")
    if typ is None or typ.type != "qualified_type":
        return False
    package = typ.child_by_field_name("package")
    name = typ.child_by_field_name("name")
    if package is None or name is None or decl.file.text(name) != "Context":
        return False
    return pass_.import_path(decl.file, package) == "context"


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        target = pass_.callee(file, call)
        if target is None:
            continue
        if not (target[1] in _STDLIB.get(target[0], ()) or _own_function_takes_context(pass_, file, call)):
            continue
        has_context = pass_.package.scopes.imports.get(file.path, {}).get("context") == "context"
        fix = replace_fix("pass context.TODO()", m.node("nil"), "context.TODO()") if has_context else None
        pass_.report(file, m.node("nil"), "do not pass a nil Context, even if a function permits it; pass context.TODO if you are unsure about which Context to use", fix)


RULE = Rule(
    name="nilcontext",
    summary="nil passed as a context.Context",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1012",),
)
