"""Constant expressions, as far as syntax and same-package declarations tell.

`is_constant` answers "is this surely a Go constant expression" (literals, named constants,
operators over constants, conversions of constants to basic types); `string_value` gives a
constant string's value when it can be computed (literals, named constants, `+`)."""

from __future__ import annotations

import bisect
import weakref
from typing import TYPE_CHECKING, Callable

from tree_sitter import Node

from analyzer.golang.goliteral import unquote_bytes
from analyzer.golang.scope import Declaration
from analyzer.golang.source import GoFile, unparen, required_field

if TYPE_CHECKING:
    from analyzer.api.analysis_pass import Pass

_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal", "true", "false", "iota"})
_MAX_STEPS = 200

# PackageScopes -> file path -> (start bytes of the root's children, the children,
# child index -> whether its text holds "const")
_TOPS: "weakref.WeakKeyDictionary[object, dict[str, tuple[list[int], list[Node], dict[int, bool]]]]" = weakref.WeakKeyDictionary()


def may_name_constant(pass_, file: GoFile, ident: Node) -> bool:
    """Could `ident` resolve to a constant? A package-level one is in the package scope; a
    local one is declared in the top-level declaration around `ident`, whose text then holds
    `const` (the universe declares no constants: `true` and `iota` are not identifiers).
    Answers without resolving: the first name resolved in a function resolves all of it."""
    scopes = pass_.scopes
    decl = scopes.package_decl(file.text(ident))
    if decl is not None and decl.kind == "const":
        return True
    per_file = _TOPS.get(scopes)
    if per_file is None:
        per_file = _TOPS[scopes] = {}
    tops = per_file.get(file.path)
    if tops is None:
        children = file.root.children
        tops = per_file[file.path] = ([c.start_byte for c in children], children, {})
    starts, children, has_const = tops
    i = bisect.bisect_right(starts, ident.start_byte) - 1
    if i < 0 or ident.start_byte >= children[i].end_byte:
        return True
    found = has_const.get(i)
    if found is None:
        top = children[i]
        found = has_const[i] = file.source.find(b"const", top.start_byte, top.end_byte) >= 0
    return found


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
            if not may_name_constant(pass_, file, n):
                return False
            decl = pass_.resolve(file, n)
            if decl is None or decl.kind != "const":
                return False
            continue
        if t == "selector_expression":
            # pkg.Const: without the other package's source, only a few well-known ones
            return False
        if t == "binary_expression":
            stack.append(required_field(n, "left"))
            stack.append(required_field(n, "right"))
            continue
        if t == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is None or op.type not in ("-", "+", "^", "!"):
                return False
            stack.append(required_field(n, "operand"))
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


# How many named constants deep `string_value` follows (`const a = b + "x"`; a cycle ends here).
_MAX_NAME_DEPTH = 4


def string_value(pass_: Pass, file: GoFile, node: Node, accept: Callable[[Declaration, GoFile], bool] | None = None) -> str | None:
    """The value of a constant string expression (literals, named constants, `+`), or None
    when unknown. The parts are joined as bytes, as Go does, then decoded as UTF-8 (invalid
    bytes replaced): `"\\xe2" + "\\x82\\xac"` is `€`. Iterative: generated code concatenates
    thousands of literals. `accept(decl, file)` may refuse a named constant used in `file`."""
    parts: list[bytes] = []
    stack: list[tuple[GoFile, Node, int]] = [(file, node, 0)]
    while stack:
        f, n, depth = stack.pop()
        n = unparen(n)
        t = n.type
        if t in ("interpreted_string_literal", "raw_string_literal"):
            value = unquote_bytes(f.text(n))
            if value is None:
                return None
            parts.append(value)
        elif t == "identifier" and depth < _MAX_NAME_DEPTH:
            if not may_name_constant(pass_, f, n):
                return None  # resolving would say the same, after resolving the whole function
            decl = pass_.resolve(f, n)
            if decl is None or decl.kind != "const" or decl.value is None or decl.file is None or decl.index != 0:
                return None
            if accept is not None and not accept(decl, f):
                return None
            stack.append((decl.file, decl.value, depth + 1))
        elif t == "binary_expression" and _op(n) == "+":
            # pushed right first so the left part is produced first
            stack.append((f, required_field(n, "right"), depth))
            stack.append((f, required_field(n, "left"), depth))
        else:
            return None
    return b"".join(parts).decode("utf-8", "replace")


def _op(n: Node) -> str:
    op = n.child_by_field_name("operator")
    return op.type if op is not None else ""
