"""Syntax shapes the nil analysis looks at: where a variable is used, assigned, copied,
compared; `&&`/`||` chains; comma-ok assertions. Syntax only, no name resolution."""

from __future__ import annotations

from tree_sitter import Node

from analyzer.golang.scope import Declaration
from analyzer.golang.source import required_field, unparen


def assigned_here(ident: Node, parent: Node) -> bool:
    if parent.type in ("inc_statement", "dec_statement"):
        return True
    if parent.type == "expression_list" and parent.parent is not None and parent.parent.type in _ASSIGN_PARENTS:
        return parent.parent.child_by_field_name("left") == parent
    return False


def inside_literal(node: Node, func: Node) -> bool:
    n = node.parent
    while n is not None and n != func:
        if n.type == "func_literal":
            return True
        n = n.parent
    return False


def copied_to(ref: Node, parent: Node) -> Node | None:
    """For `y := x`, `y := T(x)`, `y := x[:]`: the identifier `y` the value of `x` flows to."""
    expr: Node | None = ref
    p = parent
    for _ in range(4):
        if p.type in ("type_conversion_expression", "slice_expression") or (p.type == "argument_list" and p.named_child_count == 1):
            expr = p if p.type != "argument_list" else p.parent
            up = expr.parent if expr is not None else None
            while up is not None and up.type == "parenthesized_expression":
                expr, up = up, up.parent
            if up is None:
                return None
            p = up
            continue
        break
    if p.type != "expression_list":
        return None
    stmt = p.parent
    if stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement", "var_spec") or stmt.child_by_field_name("right" if stmt.type != "var_spec" else "value") != p:
        return None
    values = p.named_children
    if stmt.type == "var_spec":
        lefts = stmt.children_by_field_name("name")
    else:
        left = stmt.child_by_field_name("left")
        lefts = left.named_children if left is not None else []
    if len(lefts) != len(values):
        return None
    for i, v in enumerate(values):
        if v == expr:
            return lefts[i] if lefts[i].type == "identifier" else None
    return None


def assignment_before(ifs: Node) -> Node | None:
    """The assignment an `if` checks right after: its initializer, or else the statement
    just before it (comments skipped), when that is an assignment or `:=`."""
    prev = ifs.child_by_field_name("initializer")
    if prev is None:
        prev = ifs.prev_named_sibling
        while prev is not None and prev.type == "comment":
            prev = prev.prev_named_sibling
    if prev is None or prev.type not in ("assignment_statement", "short_var_declaration"):
        return None
    return prev


def uses_in(func: Node, d: Declaration):
    """Each mention of `d` (its declaration and references) inside `func`, with the nearest
    enclosing node that is not a parenthesis."""
    for r in ([d.ident] if d.ident is not None else []) + d.references:
        if r.start_byte < func.start_byte or r.end_byte > func.end_byte:
            continue
        parent = r.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is not None:
            yield r, parent


_ASSIGN_PARENTS = frozenset({"assignment_statement", "short_var_declaration", "range_clause", "receive_statement"})


def opaque(value: Node) -> bool:
    """A value `_eval` knows nothing of: a call that is neither `new`, `make` nor a
    conversion `(*T)(x)`; an index, field, type assertion, operator or literal value."""
    v = unparen(value)
    t = v.type
    if t == "call_expression":
        fn = v.child_by_field_name("function")
        return fn is not None and fn.type != "parenthesized_expression" and not (fn.type == "identifier" and fn.text in (b"new", b"make"))
    return t not in ("nil", "identifier", "composite_literal", "func_literal", "unary_expression", "type_conversion_expression", "slice_expression")


def inside(node: Node, func: Node, types: tuple[str, ...]) -> bool:
    n = node.parent
    while n is not None and n != func:
        if n.type in types:
            return True
        n = n.parent
    return False


def has_nil_case(switch: Node) -> bool:
    for clause in switch.named_children:
        if clause.type == "expression_case":
            values = clause.child_by_field_name("value")
            if values is not None and any(unparen(v).type == "nil" for v in values.named_children):
                return True
    return False


def assigns(ident: Node, parent: Node) -> bool:
    """Is this use of a variable one that assigns it (or declares it)?"""
    pt = parent.type
    if pt in ("inc_statement", "dec_statement", "var_spec"):
        return True
    if pt == "range_clause":
        return parent.child_by_field_name("left") == ident
    if pt == "expression_list":
        stmt = parent.parent
        return stmt is not None and stmt.type in _ASSIGN_PARENTS and stmt.child_by_field_name("left") == parent
    return False


# -- a gate before name resolution ----------------------------------------------------------

# Bytes that may precede an identifier byte within a name, or (`.`) a field name.
def chain(n: Node, op: str) -> list[Node]:
    """Operands of `a && b && c` (left-nested) in evaluation order, iteratively."""
    rights = []
    while True:
        rights.append(required_field(n, "right"))
        left = required_field(n, "left")
        inner = unparen(left)
        o = inner.child_by_field_name("operator") if inner.type == "binary_expression" else None
        if o is not None and o.type == op:
            n = inner
            continue
        rights.append(left)
        break
    return [x for x in reversed(rights) if x is not None]


def comma_ok(assertion: Node) -> bool:
    parent = assertion.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "expression_list":
        return False
    stmt = parent.parent
    if stmt is None or stmt.type not in ("assignment_statement", "short_var_declaration", "var_spec"):
        return False
    if parent.named_child_count != 1:
        return False
    left = stmt.child_by_field_name("left") or None
    if stmt.type == "var_spec":
        return len(stmt.children_by_field_name("name")) == 2
    return left is not None and left.named_child_count == 2


def var_specs(decl: Node):
    for c in decl.named_children:
        if c.type == "var_spec":
            yield c
        elif c.type == "var_spec_list":
            for s in c.named_children:
                if s.type == "var_spec":
                    yield s
