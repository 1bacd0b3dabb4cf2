"""A write into a map variable that is never given a map: it panics.

## What it does
Reports `m[k] = v` (and `m[k] op= v`, `m[k]++`) where `m` is a local variable declared as
`var m map[K]V` without a value, and nothing in the function ever assigns `m` itself,
takes its address or re-declares it: `m` is nil wherever the write runs. Maps that come
in as parameters, fields, or that are assigned anywhere (even on another path) are left
alone.

## Why is this bad?
Reading a nil map gives zero values, but writing to one panics with "assignment to entry
in nil map". The declaration looks like it created a map; it only declared a nil one.

## Example
```go
var seen map[string]bool
for _, name := range names {
    seen[name] = true
}
```

## Use instead
```go
seen := make(map[string]bool)
for _, name := range names {
    seen[name] = true
}
```

## Fix safety
The fix gives the declaration a value: `var seen = make(map[string]bool)`. It is safe: the
write panicked before.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule

QUERY = """
(var_spec type: (map_type) @type) @spec
"""

_ASSIGNING = ("assignment_statement", "short_var_declaration", "range_clause")


def _assigned_whole(ref) -> bool:
    """`ref` (an identifier) is itself written: a left-hand side, `&m`, or a receive target."""
    node = ref
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "unary_expression":
        op = parent.child_by_field_name("operator")
        return op is not None and op.type == "&"
    if parent.type == "expression_list" and parent.parent is not None and parent.parent.type in _ASSIGNING:
        left = parent.parent.child_by_field_name("left")
        return left is not None and left.id == parent.id
    return False


def _store(ref):
    """The statement storing into `ref[k]`, when the reference is that index's operand."""
    node = ref
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    index = node.parent
    if index is None or index.type != "index_expression" or index.child_by_field_name("operand").id != node.id:
        return None
    parent = index.parent
    if parent is not None and parent.type in ("inc_statement", "dec_statement"):
        return parent
    if parent is not None and parent.type == "expression_list" and parent.parent is not None and parent.parent.type == "assignment_statement":
        stmt = parent.parent
        if stmt.child_by_field_name("left").id == parent.id:
            return stmt
    return None


def run(pass_: Pass) -> None:
    for file, spec, m in pass_.iter_matches("spec"):
        names = spec.children_by_field_name("name")
        if spec.child_by_field_name("value") is not None or len(names) != 1:
            continue
        decl = pass_.resolve(file, names[0])
        if decl is None or decl.kind != "var" or decl.owner is None:
            continue
        refs = [r for r in decl.references if r.id != names[0].id]
        if any(_assigned_whole(r) for r in refs):
            continue
        stores = [s for s in (_store(r) for r in refs) if s is not None]
        if not stores:
            continue
        typ = m.get("type")
        if typ is None:
            continue
        fix = replace_fix("make the map", (typ.start_byte, typ.end_byte), f"= make({file.text(typ)})")
        first = min(stores, key=lambda s: s.start_byte)
        for store in sorted(stores, key=lambda s: s.start_byte):
            pass_.report(file, store, f"assignment to nil map: {file.text(names[0])} is declared without a value and never given a map", fix if store is first else None)


RULE = Rule(
    name="nilmapwrite",
    summary="writing into a map variable that is never given a map panics",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA5000",),
)
