"""`context.WithValue` keyed by a value of a built-in type.

## What it does
Reports `context.WithValue(ctx, key, value)` whose key is a string, integer, float or bool
literal, or a constant or variable declared with (or as) such a built-in type: anything
whose type is not a type of the package's own.

## Why is this bad?
Context keys are compared by type and value. Two packages that both use the string
`"user"` as a key read and overwrite each other's values. A key of an unexported type of
your own (`type ctxKey struct{}`) cannot collide with anyone else's.

## Example
```go
ctx = context.WithValue(ctx, "user", u)
```

## Use instead
```go
type userKey struct{}

ctx = context.WithValue(ctx, userKey{}, u)
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.exprtype import declared_type
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#eq? @name "WithValue"))
  arguments: (argument_list (_) (_) @key (_))) @call
"""

_BUILTIN = frozenset({
    "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
    "float32", "float64", "bool", "byte", "rune",
    "untyped string", "untyped int", "untyped float", "untyped rune", "untyped bool",
})


def _builtin_key_type(pass_, file, key) -> str | None:
    key = unparen(key)
    if key.type == "call_expression":  # string(x): a conversion to a built-in type
        fn = unparen(key.child_by_field_name("function"))
        decl = pass_.resolve(file, fn) if fn.type == "identifier" else None
        if decl is not None and decl.kind == "type" and decl.ident is None and decl.name in _BUILTIN:
            return decl.name
        return None
    ref = declared_type(pass_, file, key)
    if ref is None:
        return None
    if ref.basic is not None:
        return ref.basic if ref.basic in _BUILTIN else None
    node = ref.node
    if node is None or node.type not in ("type_identifier", "identifier"):
        return None
    decl = pass_.resolve(ref.file, node)
    # Only the built-in type itself, not a named type defined on top of it.
    if decl is not None and decl.kind == "type" and decl.ident is None and decl.name in _BUILTIN:
        return decl.name
    return None


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        args = call.child_by_field_name("arguments")
        if args is None or args.named_child_count != 3 or not pass_.is_call_to(file, call, "context", "WithValue"):
            continue
        key = m.node("key")
        kind = _builtin_key_type(pass_, file, key)
        if kind is not None:
            kind = kind.replace("untyped ", "")
            pass_.report(file, key, f"should not use built-in type {kind} as key for value; define your own type to avoid collisions")


RULE = Rule(
    name="contextkey",
    summary="context.WithValue keyed by a value of a built-in type",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1029",),
)
