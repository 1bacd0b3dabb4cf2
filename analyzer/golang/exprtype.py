"""Declared types of simple expressions, from same-package declarations only.

No type checker: `declared_type` answers for identifiers (from their declared type or an
initializer whose type is plain from syntax: a composite literal, `&T{}`, a basic literal)
and for `x.f` when `x`'s type is a struct declared in this package. `basic_kind` follows
named types to what they are built from. Anything else is `None`: unknown, and a rule
that needs to be sure stays silent."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from analyzer.golang.source import GoFile, unparen, required_field

_LITERAL_KINDS = {
    "int_literal": "untyped int",
    "rune_literal": "untyped rune",
    "float_literal": "untyped float",
    "imaginary_literal": "untyped complex",
    "interpreted_string_literal": "string",
    "raw_string_literal": "string",
    "true": "bool",
    "false": "bool",
}
_COMPOSITE_KINDS = {
    "pointer_type": "pointer",
    "slice_type": "slice",
    "array_type": "array",
    "map_type": "map",
    "channel_type": "chan",
    "struct_type": "struct",
    "interface_type": "interface",
    "function_type": "func",
}
FLOAT_KINDS = frozenset({"float32", "float64", "complex64", "complex128", "untyped float", "untyped complex"})
_MAX_STEPS = 20


@dataclass(frozen=True)
class TypeRef:
    """A type as written: a type node in `file`, or a basic kind for literals; `pointer`
    when the value is `&T{...}` of the written type."""

    file: GoFile | None
    node: Node | None
    basic: str | None = None
    pointer: bool = False
    named: tuple[str, str] | None = None  # (import path, name) when known without a node


# Results of standard-library calls, for `x := pkg.F(...)` (first result).
STDLIB_RESULTS: dict[tuple[str, str], TypeRef] = {
    ("errors", "New"): TypeRef(None, None, basic="error"),
    ("fmt", "Errorf"): TypeRef(None, None, basic="error"),
    ("time", "Now"): TypeRef(None, None, named=("time", "Time")),
    ("time", "Date"): TypeRef(None, None, named=("time", "Time")),
    ("time", "Unix"): TypeRef(None, None, named=("time", "Time")),
    ("time", "Parse"): TypeRef(None, None, named=("time", "Time")),
    ("time", "ParseInLocation"): TypeRef(None, None, named=("time", "Time")),
}


def declared_type(pass_, file: GoFile, expr: Node) -> TypeRef | None:
    expr = unparen(expr)
    t = expr.type
    if t in _LITERAL_KINDS:
        return TypeRef(None, None, _LITERAL_KINDS[t])
    if t == "identifier":
        for _ in range(_MAX_STEPS):  # `y := x`: the type of `x`
            decl = pass_.resolve(file, expr)
            if decl is None or decl.kind not in ("var", "param", "result", "receiver", "const") or decl.file is None:
                return None
            if decl.type_node is not None:
                return TypeRef(decl.file, decl.type_node)
            if decl.value is None or (decl.spec is not None and decl.spec.type in ("range_clause", "type_switch_statement")):
                return None
            value = unparen(decl.value)
            if value.type != "identifier" or decl.index != 0:
                return _value_type(pass_, decl.file, value, decl.index)
            file, expr = decl.file, value
        return None
    if t == "selector_expression":
        operand = expr.child_by_field_name("operand")
        field = expr.child_by_field_name("field")
        if operand is None or field is None:
            return None
        if unparen(operand).type == "identifier" and pass_.import_path(file, unparen(operand)) is not None:
            return None
        owner = declared_type(pass_, file, operand)
        struct = _struct_of(pass_, owner)
        if struct is None:
            return None
        sfile, snode = struct
        return _field_type(sfile, snode, file.text(field))
    return None


def _value_type(pass_, file: GoFile, value: Node, index: int) -> TypeRef | None:
    """Type of result `index` of the value expression `value` (unparenthesised) an
    identifier is declared with: a literal, `T{}`, `&T{}`, `func(){}`, a conversion `T(x)` or
    `(*T)(x)`, `x.(T)`, `new(T)`, `make(T)`, or a call of a function of this package."""
    if index != 0 and value.type not in ("call_expression", "type_assertion_expression"):
        return None
    if value.type in _LITERAL_KINDS:
        return TypeRef(None, None, _LITERAL_KINDS[value.type])
    if value.type == "composite_literal":
        typ = value.child_by_field_name("type")
        return TypeRef(file, typ) if typ is not None else None
    if value.type == "func_literal":
        return TypeRef(None, None, basic="func")
    if value.type in ("type_conversion_expression", "type_assertion_expression"):
        typ = value.child_by_field_name("type")
        return TypeRef(file, typ) if typ is not None and index == 0 else None
    if value.type == "call_expression":
        callee = pass_.callee(file, value)
        known = STDLIB_RESULTS.get(callee or ("", ""))
        if known is not None and index == 0:
            return known
        fn = unparen(required_field(value, "function"))
        args = value.child_by_field_name("arguments")
        if callee in (("", "new"), ("", "make")) and fn.type == "identifier" and args is not None and args.named_child_count:
            builtin = pass_.resolve(file, fn)
            if builtin is not None and builtin.kind == "builtin":
                return TypeRef(file, args.named_children[0], pointer=callee[1] == "new")
        if callee is not None and callee[0] == "":
            return _result_type(pass_, file, value, index)
        if fn.type == "unary_expression" and args is not None and args.named_child_count == 1:
            # `(*T)(x)`, a conversion parsed as a call
            operator, operand = fn.child_by_field_name("operator"), fn.child_by_field_name("operand")
            if operator is not None and operator.type == "*" and operand is not None and operand.type == "identifier":
                typ = pass_.resolve(file, operand)
                if typ is not None and typ.kind == "type":
                    return TypeRef(file, operand, pointer=True)
        return None
    if value.type == "unary_expression":
        op = value.child_by_field_name("operator")
        operand = value.child_by_field_name("operand")
        if op is not None and op.type == "&" and operand is not None and operand.type == "composite_literal":
            typ = operand.child_by_field_name("type")
            return TypeRef(file, typ, pointer=True) if typ is not None else None
    return None


def _result_type(pass_, file: GoFile, call: Node, index: int) -> TypeRef | None:
    """Type of result `index` of a call to a function declared in this package."""
    fn = unparen(required_field(call, "function"))
    decl = pass_.resolve(file, fn) if fn.type == "identifier" else None
    if decl is None or decl.kind != "func" or decl.spec is None or decl.file is None:
        return None
    if decl.spec.child_by_field_name("type_parameters") is not None:
        return None
    result = decl.spec.child_by_field_name("result")
    if result is None:
        return None
    if result.type != "parameter_list":
        return TypeRef(decl.file, result) if index == 0 else None
    types: list[Node] = []
    for p in result.named_children:
        if p.type != "parameter_declaration":
            continue
        typ = p.child_by_field_name("type")
        if typ is None:
            return None
        types.extend([typ] * max(1, len(p.children_by_field_name("name"))))
    return TypeRef(decl.file, types[index]) if index < len(types) else None


def qualified_name(pass_, ref: TypeRef | None) -> tuple[str, str] | None:
    """For `pkg.Name` or `*pkg.Name` as written: (import path, Name)."""
    if ref is not None and ref.named is not None:
        return ref.named
    if ref is None or ref.node is None or ref.file is None:
        return None
    node = unparen_type(ref.node)
    if node.type == "pointer_type":
        inner = node.named_children[0] if node.named_child_count else None
        if inner is None:
            return None
        node = unparen_type(inner)
    if node.type != "qualified_type":
        return None
    pkg = node.child_by_field_name("package")
    name = node.child_by_field_name("name")
    if pkg is None or name is None:
        return None
    path = pass_.import_path(ref.file, pkg)
    return (path, ref.file.text(name)) if path is not None else None


def is_named(pass_, ref: TypeRef | None, import_path: str, *names: str) -> bool:
    q = qualified_name(pass_, ref)
    return q is not None and q[0] == import_path and q[1] in names


def basic_kind(pass_, ref: TypeRef | None) -> str | None:
    """What the type is built from: a basic type name ("int", "float64", "string",
    "untyped int"...), a composite kind ("pointer", "slice", "struct"...), or None."""
    if ref is None:
        return None
    if ref.basic is not None:
        return ref.basic
    if ref.pointer:
        return "pointer"
    file, node = ref.file, ref.node
    for _ in range(_MAX_STEPS):
        if node is None or file is None:
            return None
        node = unparen_type(node)
        if node.type in _COMPOSITE_KINDS:
            return _COMPOSITE_KINDS[node.type]
        if node.type not in ("type_identifier", "identifier"):
            return None
        decl = pass_.resolve(file, node)
        if decl is None or decl.kind != "type":
            return None
        if decl.ident is None:  # builtin
            return decl.name
        if decl.spec is not None and decl.spec.child_by_field_name("type_parameters") is not None:
            return None
        file, node = decl.file, decl.type_node
    return None


def unparen_type(node: Node) -> Node:
    while node.type == "parenthesized_type" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def _struct_of(pass_, ref: TypeRef | None) -> tuple[GoFile, Node] | None:
    """The struct_type node a value of `ref` (or pointer to it) has, if declared here."""
    if ref is None or ref.node is None or ref.file is None:
        return None
    file, node = ref.file, unparen_type(ref.node)
    if node.type == "pointer_type" and node.named_child_count:
        node = unparen_type(node.named_children[0])
    for _ in range(_MAX_STEPS):
        if node.type == "struct_type":
            return file, node
        if node.type != "type_identifier":
            return None
        decl = pass_.resolve(file, node)
        if decl is None or decl.kind != "type" or decl.file is None or decl.type_node is None:
            return None
        file, node = decl.file, unparen_type(decl.type_node)
    return None


def _field_type(file: GoFile, struct: Node, name: str) -> TypeRef | None:
    fields = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
    if fields is None:
        return None
    for fd in fields.named_children:
        if fd.type != "field_declaration":
            continue
        for n in fd.children_by_field_name("name"):
            if file.text(n) == name:
                typ = fd.child_by_field_name("type")
                return TypeRef(file, typ) if typ is not None else None
    return None


_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "&&", "||"})
_MAX_OPERATOR_NODES = 64


def value_kind(pass_, file: GoFile, expr: Node) -> str | None:
    """`basic_kind` of an expression's value, through operators and conversions; None if unknown.

    Operator trees are evaluated bottom-up from an explicit stack (no recursion)."""
    order: list[Node] = []
    stack = [unparen(expr)]
    while stack:
        n = stack.pop()
        order.append(n)
        if len(order) > _MAX_OPERATOR_NODES:
            return None
        if n.type == "binary_expression":
            op = _operator(n)
            if op in _COMPARISONS:
                continue
            for part in ("left",) if op in ("<<", ">>") else ("left", "right"):
                child = n.child_by_field_name(part)
                if child is None:
                    return None
                stack.append(unparen(child))
        elif n.type == "unary_expression" and _operator(n) in ("-", "+", "^"):
            child = n.child_by_field_name("operand")
            if child is None:
                return None
            stack.append(unparen(child))
    kinds: dict[int, str | None] = {}
    for n in reversed(order):
        kinds[n.id] = _kind_of_node(pass_, file, n, kinds)
    return kinds[order[0].id]


def _operator(n: Node) -> str:
    op = n.child_by_field_name("operator")
    return op.type if op is not None else ""


def _kind_of_node(pass_, file: GoFile, n: Node, kinds: dict[int, str | None]) -> str | None:
    t = n.type
    if t == "binary_expression":
        op = _operator(n)
        if op in _COMPARISONS:
            return "bool"
        kl = kinds.get(unparen(required_field(n, "left")).id)
        if op in ("<<", ">>"):
            return kl
        kr = kinds.get(unparen(required_field(n, "right")).id)
        if kl is None or kr is None:
            return None
        if kl in FLOAT_KINDS or kr in FLOAT_KINDS:
            return "untyped float" if kl.startswith("untyped") and kr.startswith("untyped") else "float64"
        return kr if kl.startswith("untyped") else kl
    if t == "unary_expression":
        op = _operator(n)
        if op == "!":
            return "bool"
        if op == "&":
            return "pointer"
        if op in ("-", "+", "^"):
            return kinds.get(unparen(required_field(n, "operand")).id)
        return None
    if t == "call_expression":
        fn = n.child_by_field_name("function")
        if fn is not None and fn.type == "identifier":
            decl = pass_.resolve(file, fn)
            if decl is not None and decl.kind == "type":
                return basic_kind(pass_, TypeRef(file, fn))
            if decl is not None and decl.kind == "builtin" and decl.name in ("len", "cap"):
                return "int"
        return None
    if t == "type_conversion_expression":
        typ = n.child_by_field_name("type")
        return basic_kind(pass_, TypeRef(file, typ)) if typ is not None else None
    if t in ("identifier", "selector_expression") or t in _LITERAL_KINDS:
        return basic_kind(pass_, declared_type(pass_, file, n))
    return None
