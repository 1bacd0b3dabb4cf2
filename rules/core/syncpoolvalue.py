"""Non-pointer value put into a `sync.Pool`.

## What it does
Reports `p.Put(v)` where `p` is declared as a `sync.Pool` (or `*sync.Pool`) and `v` is a
slice, string, struct, array or number: a value whose declared type (or whose literal) is
surely not a pointer. Variables whose type is not written in their declaration, and
interfaces, are left alone.

## Why is this bad?
`Put` takes an `interface{}`. Storing a non-pointer value in an interface allocates a copy
of it on the heap, so every `Put` allocates: the pool exists to save exactly those
allocations. A pooled `[]byte` is the classic case.

## Example
```go
buf := bufPool.Get().([]byte)
defer bufPool.Put(buf[:0])
```

## Use instead
```go
bufp := bufPool.Get().(*[]byte)
defer bufPool.Put(bufp)
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.golang.exprtype import basic_kind, declared_type, is_named
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
(call_expression
  function: (selector_expression operand: (_) @pool field: (field_identifier) @name (#eq? @name "Put"))
  arguments: (argument_list . (_) @value .)) @call
"""

_NOT_POINTERS = frozenset({"slice", "struct", "array", "string", "bool", "int", "int8", "int16", "int32", "int64",
                           "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "byte", "rune"})


def _value_kind(pass_, file, value) -> str | None:
    value = unparen(value)
    if value.type == "slice_expression":
        return "slice"
    if value.type == "composite_literal":
        typ = value.child_by_field_name("type")
        if typ is not None and typ.type in ("slice_type", "array_type"):
            return typ.type.removesuffix("_type")
        return None
    if value.type == "identifier":
        decl = pass_.resolve(file, value)
        if decl is None or decl.kind not in ("var", "param") or decl.type_node is None:
            return None
        kind = basic_kind(pass_, declared_type(pass_, file, value))
        return kind if kind in _NOT_POINTERS else None
    return None


def run(pass_: Pass) -> None:
    for file, _call, m in pass_.iter_matches("call"):
        pool = unparen(m.node("pool"))
        ref = declared_type(pass_, file, pool)
        if ref is None or not is_named(pass_, ref, "sync", "Pool"):
            continue
        kind = _value_kind(pass_, file, m.get("value"))
        if kind is not None:
            pass_.report(file, m.node("value"), f"argument should be pointer-like to avoid allocations: Put of a {kind} value allocates a copy on each call")


RULE = Rule(
    name="syncpoolvalue",
    summary="non-pointer value put into a sync.Pool: each Put allocates",
    run=run,
    query=QUERY,
    tags=("performance",),
    equivalents=("staticcheck:SA6002",),
)
