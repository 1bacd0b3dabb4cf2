"""A group of constants where only the first has a type: the others are untyped.

## What it does
Reports a parenthesized `const (...)` group (a run of specs on consecutive lines; a
blank line or a comment line starts a new run) of at least two constants where the first
is written `Name T = literal`, and every other one is `Name = literal`: each with one
name, no type and a literal value of the same family as `T` (numbers for a numeric `T`,
strings for a string `T`). Groups using `iota` with implicit repetition, groups where any
other constant has a type, values that are not plain literals, and types whose
underlying kind is not visible from the source are left alone.

## Why is this bad?
Only the first constant gets the type; the rest are untyped constants, so they are not of
the enum type: they do not get its methods (`String()`), and a `switch` on the type or a
function taking the type accepts any integer in their place. It reads like an enum but is
not one.

## Example
```go
const (
    Red   Color = 1
    Green       = 2
    Blue        = 3
)
```

## Use instead
```go
const (
    Red   Color = 1
    Green Color = 2
    Blue  Color = 3
)
```

## Fix safety
The fix writes the type on every constant of the group. It is unsafe (never applied
unasked): code that used the untyped constants as plain numbers may no longer compile.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.diagnostics import Edit, Fix
from analyzer.api.rule import Rule
from analyzer.golang.exprtype import TypeRef, basic_kind
from analyzer.golang.source import code_children, unparen

QUERY = """
(const_declaration) @decl
"""

_NUMBER_LITERALS = frozenset({"int_literal", "float_literal", "rune_literal", "imaginary_literal"})
_STRING_LITERALS = frozenset({"interpreted_string_literal", "raw_string_literal"})
_NUMERIC_KINDS = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
                            "byte", "rune", "float32", "float64", "complex64", "complex128"})


def _runs(decl):
    """Const specs grouped as gofmt shows them: consecutive lines, no blank or comment between."""
    run: list = []
    last_row = None
    for child in decl.named_children:
        if child.type != "const_spec":
            continue  # a comment: one on its own line leaves a gap in the rows below
        if last_row is not None and child.start_point[0] != last_row + 1:
            yield run
            run = []
        run.append(child)
        last_row = child.end_point[0]
    if run:
        yield run


def _literal_family(node) -> str | None:
    node = unparen(node)
    if node.type == "unary_expression":
        op = node.child_by_field_name("operator")
        if op is None or op.type not in ("-", "+"):
            return None
        node = node.child_by_field_name("operand")
    if node.type in _NUMBER_LITERALS:
        return "number"
    if node.type in _STRING_LITERALS:
        return "string"
    return None


def _one_value(spec):
    names = spec.children_by_field_name("name")
    value = spec.child_by_field_name("value")
    values = code_children(value) if value is not None else []
    return (names[0], values[0]) if len(names) == 1 and len(values) == 1 else (None, None)


def run(pass_: Pass) -> None:
    for file, decl, _ in pass_.iter_matches("decl"):
        if not any(c.type == "(" for c in decl.children):
            continue
        for group in _runs(decl):
            if len(group) < 2:
                continue
            typ = group[0].child_by_field_name("type")
            if typ is None:
                continue
            kind = basic_kind(pass_, TypeRef(file, typ))
            family = "number" if kind in _NUMERIC_KINDS else "string" if kind == "string" else None
            if family is None:
                continue
            ok = True
            for spec in group:
                name, value = _one_value(spec)
                if name is None or (spec is not group[0] and spec.child_by_field_name("type") is not None) or _literal_family(value) != family:
                    ok = False
                    break
            if not ok:
                continue
            type_text = file.text(typ)
            edits = tuple(Edit(_one_value(s)[0].end_byte, _one_value(s)[0].end_byte, " " + type_text) for s in group[1:])
            fix = Fix("give every constant of the group the type", edits, False)
            pass_.report(file, group[0], f"only the first constant in this group has an explicit type ({type_text}); the other {len(group) - 1} are untyped", fix)


RULE = Rule(
    name="constgrouptype",
    summary="const group where only the first constant has a type",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA9004",),
)
