"""Unmarshalling into a value that is not a pointer.

## What it does
Reports `json.Unmarshal(data, v)`, `xml.Unmarshal(data, v)`, `asn1.Unmarshal(data, v)` and
`json.NewDecoder(r).Decode(v)` / `xml.NewDecoder(r).Decode(v)` where `v` is a composite
literal or a variable whose declaration writes a struct, slice, map, array or basic type:
surely not a pointer, nor an interface (which may hold one).

## Why is this bad?
The decoder needs a pointer to store into. Given a value it returns an
`InvalidUnmarshalError` (or, for a map, fills a copy nobody sees): the data is never read
into the variable.

## Example
```go
var cfg Config
if err := json.Unmarshal(data, cfg); err != nil {
    return err
}
```

## Use instead
```go
var cfg Config
if err := json.Unmarshal(data, &cfg); err != nil {
    return err
}
```

## Fix safety
The fix takes the address (`&cfg`) of a variable; it is safe: the call could never have
worked without it.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.golang.exprtype import basic_kind, declared_type
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#match? @name "^(Unmarshal|Decode)$"))
  arguments: (argument_list (_) @last .)) @call
"""

_NOT_POINTERS = frozenset({"struct", "slice", "map", "array",
                           "string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                           "float32", "float64", "byte", "rune"})
_UNMARSHAL = {"encoding/json": 2, "encoding/xml": 2, "encoding/asn1": 2}
_DECODERS = ("encoding/json", "encoding/xml")


def _is_target_call(pass_, file, call, name) -> bool:
    args = call.child_by_field_name("arguments")
    count = args.named_child_count if args is not None else 0
    if name == "Unmarshal":
        target = pass_.callee(file, call)
        return target is not None and _UNMARSHAL.get(target[0]) == count
    # json.NewDecoder(r).Decode(v)
    if count != 1:
        return False
    receiver = unparen(call.child_by_field_name("function").child_by_field_name("operand"))
    if receiver.type == "identifier":
        decl = pass_.resolve(file, receiver)
        if decl is None or decl.value is None or decl.kind != "var":
            return False
        receiver = unparen(decl.value)
        file = decl.file
    return receiver.type == "call_expression" and any(pass_.is_call_to(file, receiver, path, "NewDecoder") for path in _DECODERS)


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name = file.text(m.node("name"))
        if not _is_target_call(pass_, file, call, name):
            continue
        arg = unparen(m.node("last"))
        if arg.type == "composite_literal":
            kind: str | None = "composite literal"
        elif arg.type == "identifier":
            decl = pass_.resolve(file, arg)
            if decl is None or decl.kind not in ("var", "param") or decl.type_node is None:
                continue  # only a type written in the declaration is trusted
            kind = basic_kind(pass_, declared_type(pass_, file, arg))
            if kind not in _NOT_POINTERS:
                continue
        else:
            continue
        fix = replace_fix("pass a pointer", arg, "&" + file.text(arg)) if arg.type == "identifier" else None
        pass_.report(file, arg, f"{name} needs a pointer, not a {kind} value: the data is never stored in {file.text(arg)}", fix)


RULE = Rule(
    name="unmarshalptr",
    summary="unmarshalling into a value that is not a pointer",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1014", "vet:unmarshal"),
)
