"""What this package's declarations say about a nil value flowing into them.

`PackageMethods`: the methods declared in the package, by receiver base type, with whether
the receiver is a pointer; `derefs_receiver_unguarded`: whether a pointer-receiver method
dereferences its receiver before anything could guard it (so calling it on nil panics).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from tree_sitter import Node

from analyzer.cfg import _statements
from analyzer.source import GoFile, unparen


class PackageMethods:
    """Methods by receiver base type name: {type: {method: (file, declaration, pointer receiver)}}."""

    def __init__(self, files: list[GoFile]) -> None:
        self.methods: dict[str, dict[str, tuple[GoFile, Node, bool]]] = {}
        for f in files:
            for top in f.root.named_children:
                if top.type != "method_declaration":
                    continue
                name = top.child_by_field_name("name")
                recv = top.child_by_field_name("receiver")
                if name is None or recv is None:
                    continue
                for p in recv.named_children:
                    if p.type != "parameter_declaration":
                        continue
                    typ = p.child_by_field_name("type")
                    pointer = False
                    while typ is not None and typ.type in ("pointer_type", "parenthesized_type", "generic_type"):
                        if typ.type == "pointer_type":
                            pointer = True
                        typ = typ.child_by_field_name("type") if typ.type == "generic_type" else (typ.named_children[0] if typ.named_children else None)
                    if typ is not None and typ.type == "type_identifier":
                        self.methods.setdefault(f.text(typ), {})[f.text(name)] = (f, top, pointer)
                    break


_METHODS: "WeakKeyDictionary[object, PackageMethods]" = WeakKeyDictionary()


def package_methods(package) -> PackageMethods:
    m = _METHODS.get(package)
    if m is None:
        m = _METHODS[package] = PackageMethods(package.files)
    return m


def derefs_receiver_unguarded(file: GoFile, method: Node) -> bool:
    """True when a pointer-receiver method dereferences its receiver before anything could
    guard it: in its straight-line opening statements, before any nil comparison of it."""
    recv = method.child_by_field_name("receiver")
    body = method.child_by_field_name("body")
    if recv is None or body is None:
        return False
    name = None
    for p in recv.named_children:
        if p.type == "parameter_declaration":
            n = p.child_by_field_name("name")
            name = file.text(n) if n is not None else None
    if not name or name == "_":
        return False
    simple = ("expression_statement", "assignment_statement", "short_var_declaration", "return_statement", "inc_statement", "dec_statement", "send_statement", "var_declaration")
    for stmt in _statements(body):
        parts = [stmt] if stmt.type in simple else [c for c in (stmt.child_by_field_name("initializer"), stmt.child_by_field_name("condition"), stmt.child_by_field_name("value")) if c is not None]
        for part in parts:
            stack = [part]
            while stack:
                n = stack.pop()
                t = n.type
                if t == "func_literal":
                    continue
                if t == "binary_expression" and b"nil" in file.source[n.start_byte : n.end_byte] and name.encode() in file.source[n.start_byte : n.end_byte]:
                    return False  # guarded (or at least considered)
                if t == "selector_expression":
                    op = unparen(n.child_by_field_name("operand"))
                    parent = n.parent
                    is_call = parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == n
                    if op.type == "identifier" and file.text(op) == name and not is_call:
                        return True
                if t == "unary_expression":
                    o = n.child_by_field_name("operator")
                    op = n.child_by_field_name("operand")
                    if o is not None and o.type == "*" and op is not None and unparen(op).type == "identifier" and file.text(unparen(op)) == name:
                        return True
                if t == "call_expression":
                    fn = n.child_by_field_name("function")
                    if fn is not None and fn.type == "identifier" and file.text(fn) in ("len", "cap"):
                        continue
                stack.extend(reversed(n.named_children))
        if stmt.type not in simple:
            return False
    return False


