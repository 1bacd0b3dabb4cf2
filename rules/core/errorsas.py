"""`errors.As` with a second argument that cannot work.

## What it does
Reports `errors.As(err, target)` where `target` is
- `&e` with `e` declared as `error`: a `*error` matches every error, so the call is just
  `err != nil` (go vet reports this one too);
- `nil`, which panics;
- a variable declared with a struct, basic, slice, map or array type, or a composite
  literal: not a pointer, so `errors.As` panics.

Targets whose type is not plain from the source are left alone.

## Why is this bad?
`errors.As` needs a non-nil pointer to an interface type or to a type implementing
`error`. A value target panics at run time; a `*error` target turns the type test into
"is there any error", so the branch meant for one kind of error runs for all of them.

## Example
```go
var perr *fs.PathError
if errors.As(err, perr) {
    return perr.Path
}
```

## Use instead
```go
var perr *fs.PathError
if errors.As(err, &perr) {
    return perr.Path
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.exprtype import basic_kind, declared_type
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#eq? @name "As"))) @call
"""

_NOT_POINTERS = frozenset({"struct", "slice", "map", "array", "string", "bool", "int", "int8", "int16", "int32", "int64",
                           "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64", "byte", "rune"})


def _problem(pass_, file, target) -> str | None:
    target = unparen(target)
    if target.type == "nil":
        return "the second argument to errors.As must be a non-nil pointer: nil panics"
    if target.type == "composite_literal":
        return "the second argument to errors.As must be a pointer, not a composite literal: it panics"
    if target.type == "unary_expression":
        op = target.child_by_field_name("operator")
        operand = unparen(target.child_by_field_name("operand"))
        if op is None or op.type != "&" or operand.type != "identifier":
            return None
        decl = pass_.resolve(file, operand)
        if decl is None or decl.type_node is None:
            return None
        if basic_kind(pass_, declared_type(pass_, file, operand)) == "error":
            return f"the second argument to errors.As should not be *error: &{file.text(operand)} matches every error"
        return None
    if target.type == "identifier":
        decl = pass_.resolve(file, target)
        if decl is None or decl.kind not in ("var", "param") or decl.type_node is None:
            return None
        kind = basic_kind(pass_, declared_type(pass_, file, target))
        if kind in _NOT_POINTERS:
            return f"the second argument to errors.As must be a pointer: {file.text(target)} is a {kind} value, and errors.As panics"
    return None


def run(pass_: Pass) -> None:
    for file, call, _ in pass_.iter_matches("call"):
        args = call_arguments(call)
        if len(args) != 2 or not pass_.is_call_to(file, call, "errors", "As"):
            continue
        message = _problem(pass_, file, args[1])
        if message is not None:
            pass_.report(file, args[1], message)


RULE = Rule(
    name="errorsas",
    summary="errors.As with a target that panics or matches every error",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:errorsas",),
)
