"""Whether evaluating an expression can have side effects, and whether two expressions are
the same expression (token for token, whatever the spacing).

Without types, "pure" is approximated conservatively, as vet's bools pass does: any call is
impure except a conversion to a type declared in this package or built in (`byte(x)`,
`(func() int)(f)`, `MyInt(x)`); a channel receive is impure. Builtins (`len`, `append`)
count as calls."""

from __future__ import annotations

from tree_sitter import Node

from analyzer.golang.source import GoFile, walk

_TYPE_NODES = frozenset(
    {
        "parenthesized_type",
        "pointer_type",
        "function_type",
        "slice_type",
        "array_type",
        "map_type",
        "channel_type",
        "struct_type",
        "interface_type",
        "qualified_type",
        "generic_type",
    }
)


def is_conversion(pass_, file: GoFile, call: Node) -> bool:
    """`T(x)` where T is surely a type: a builtin or package/local type name, or a type literal."""
    if call.type == "type_conversion_expression":
        return True
    if call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    while fn is not None and fn.type == "parenthesized_expression" and fn.named_child_count == 1:
        fn = fn.named_children[0]
    if fn is None:
        return False
    if fn.type in _TYPE_NODES:
        return True
    if fn.type == "identifier":
        decl = pass_.resolve(file, fn)
        return decl is not None and decl.kind == "type"
    return False


def has_side_effects(pass_, file: GoFile, node: Node) -> bool:
    """True when evaluating `node` may call a function or receive from a channel."""
    for n in walk(node):
        t = n.type
        if t == "call_expression":
            if not is_conversion(pass_, file, n):
                return True
        elif t == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is not None and op.type == "<-":
                return True
    return False


def tokens(file: GoFile, node: Node) -> list[str]:
    """The source tokens of `node`, comments left out."""
    out = []
    for n in walk(node):
        if n.child_count == 0 and n.type != "comment":
            out.append(file.text(n))
    return out


def same_expression(file: GoFile, a: Node, b: Node, file_b: GoFile | None = None) -> bool:
    """`a` and `b` spell the same expression (spacing, line breaks and comments aside)."""
    if a.type != b.type:
        return False
    fb = file_b or file
    if a.end_byte - a.start_byte == b.end_byte - b.start_byte and file.text(a) == fb.text(b):
        return True
    return tokens(file, a) == tokens(fb, b)


def expression_text(file: GoFile, node: Node) -> str:
    """The expression as one line, for messages: runs of whitespace become one space."""
    return " ".join(file.text(node).split())
