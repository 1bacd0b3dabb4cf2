"""Constant expressions, as far as syntax and same-package declarations tell.

`is_constant` answers "is this surely a Go constant expression" (literals, named constants,
operators over constants, conversions of constants to basic types); `string_value` gives a
constant string's value when it can be computed (literals, named constants, `+`)."""

from __future__ import annotations

from tree_sitter import Node

from analyzer.goliteral import unquote
from analyzer.source import GoFile, unparen

_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal", "true", "false", "iota"})
_MAX_STEPS = 200


def is_constant(pass_, file: GoFile, node: Node) -> bool:
    stack = [node]
    steps = 0
    while stack:
        steps += 1
        if steps > _MAX_STEPS:
            return False
        n = unparen(stack.pop())
        t = n.type
        if t in _LITERALS:
            continue
        if t == "identifier":
            decl = pass_.resolve(file, n)
            if decl is None or decl.kind != "const":
                return False
            continue
        if t == "selector_expression":
            # pkg.Const: without the other package's source, only a few well-known ones
            return False
        if t == "binary_expression":
            stack.append(n.child_by_field_name("left"))
            stack.append(n.child_by_field_name("right"))
            continue
        if t == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is None or op.type not in ("-", "+", "^", "!"):
                return False
            stack.append(n.child_by_field_name("operand"))
            continue
        if t == "call_expression":
            fn = n.child_by_field_name("function")
            args = n.child_by_field_name("arguments")
            if fn is None or args is None or fn.type != "identifier" or args.named_child_count != 1:
                return False
            decl = pass_.resolve(file, fn)
            name = file.text(fn)
            # a conversion: to a builtin basic type, or to a type declared in the package
            if decl is None or decl.kind != "type" or (decl.ident is None and name in ("error", "any", "comparable")):
                return False
            stack.append(args.named_children[0])
            continue
        return False
    return True


def string_value(pass_, file: GoFile, node: Node) -> str | None:
    """The value of a constant string expression, or None when unknown."""
    parts: list[str] = []
    stack: list[tuple[GoFile, Node]] = [(file, node)]
    steps = 0
    while stack:
        steps += 1
        if steps > _MAX_STEPS:
            return None
        f, n = stack.pop()
        n = unparen(n)
        t = n.type
        if t in ("interpreted_string_literal", "raw_string_literal"):
            value = unquote(f.text(n))
            if value is None:
                return None
            parts.append(value)
        elif t == "identifier":
            decl = pass_.resolve(f, n)
            if decl is None or decl.kind != "const" or decl.value is None or decl.file is None:
                return None
            stack.append((decl.file, decl.value))
        elif t == "binary_expression" and _op(n) == "+":
            # pushed right first so the left part is produced first
            stack.append((f, n.child_by_field_name("right")))
            stack.append((f, n.child_by_field_name("left")))
        else:
            return None
    return "".join(parts)


def _op(n: Node) -> str:
    op = n.child_by_field_name("operator")
    return op.type if op is not None else ""
