"""A pointer from a map lookup dereferenced right after a presence check whose "missing"
branch does not leave:

    c, ok := conns[addr]
    if !ok {
        log.Printf("no connection to %s", addr)
    }
    return c.Addr // c is nil when addr is missing: panics on the path the check was written for

Reported only when certain: the map's declared type is written `map[K]*T` (a pointer value,
so a missing key gives nil); the `if !ok` comes right after the lookup, has no else and no
initializer; that branch and the statements up to the use only log or assign other
variables without calls (`fieldchecks.only_logs`); the use `c.f` (not a method call) or
`*c` is the first mention of `c` after the `if` and runs whenever its statement runs; `c` is
declared by the lookup in this function, no func literal mentions it, and the function does
not call `recover`.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from analyzer.api.diagnostics import Related
from analyzer.golang.cfg import _statements, enclosing_function
from analyzer.golang.exprtype import declared_type
from analyzer.golang.source import GoFile, unparen

from .callsites import first_identifier, runs_with
from .fieldchecks import mentioned_in_closure, only_logs

MAP_LOOKUP_QUERY = """
(short_var_declaration left: (expression_list . (identifier) @nil.mapvalue . (identifier) @nil.mapok .) right: (expression_list . (index_expression) @nil.maplookup .))
"""


def check_map_lookups(pass_, report: Callable[..., None]) -> None:
    """`report(file, node, message, related=...)` for each certain dereference of a map
    lookup's pointer after its presence check said missing and did not leave."""
    for m in pass_.matches:
        lookup = m.captures.get("nil.maplookup")
        if not lookup:
            continue
        file = m.file
        v, ok = m.captures["nil.mapvalue"][0], m.captures["nil.mapok"][0]
        found = _use_after(pass_, file, lookup[0], v, ok)
        if found is None:
            continue
        use, check = found
        name, line = file.text(v), check.start_point[0] + 1
        why = Related(pass_.location(file, check), f"{name} is nil here when the key is missing, and this branch does not leave")
        report(file, use, f"possible nil pointer dereference ({name} is nil when the key is missing: {file.text(ok)} is checked at line {line}, and that branch does not leave)", related=[why])


def _use_after(pass_, file: GoFile, lookup: Node, v: Node, ok: Node) -> tuple[Node, Node] | None:
    stmt = v.parent.parent if v.parent is not None else None
    if stmt is None or stmt.parent is None or stmt.parent.type != "statement_list":
        return None
    ifs = stmt.next_named_sibling
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("alternative") is not None or ifs.child_by_field_name("initializer") is not None:
        return None
    cond = ifs.child_by_field_name("condition")
    cond = unparen(cond) if cond is not None else None
    op = cond.child_by_field_name("operator") if cond is not None else None
    if cond is None or cond.type != "unary_expression" or op is None or op.type != "!":
        return None
    operand = cond.child_by_field_name("operand")
    if operand is None or unparen(operand).type != "identifier" or unparen(operand).text != ok.text:
        return None
    name = v.text or b""
    if name == b"_" or not all(only_logs(file, s, name) for s in _statements(ifs.child_by_field_name("consequence"))):
        return None
    s = ifs.next_named_sibling
    while s is not None:
        u = first_identifier(file, s, [name])
        if u is None:
            if not only_logs(file, s, name):
                return None
            s = s.next_named_sibling
            continue
        use = _deref(u)
        if use is None or not runs_with(u, s):
            return None
        break
    else:
        return None
    func = enclosing_function(stmt)
    if func is None or b"recover()" in file.source[func.start_byte : func.end_byte] or mentioned_in_closure(file, func, name):
        return None
    decl = pass_.resolve(file, v)
    if decl is None or decl.kind != "var" or decl.ident != v or pass_.resolve(file, u) is not decl:
        return None
    if pass_.resolve(file, unparen(operand)) is not pass_.resolve(file, ok):
        return None
    if not _pointer_valued_map(pass_, file, lookup):
        return None
    return use, cond


def _deref(u: Node) -> Node | None:
    """`u.f` (not a method call) or `*u`, as the node that dereferences."""
    parent = u.parent
    if parent is None:
        return None
    if parent.type == "selector_expression" and parent.child_by_field_name("operand") == u:
        call = parent.parent
        if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == parent:
            return None
        return parent
    if parent.type == "unary_expression":
        op = parent.child_by_field_name("operator")
        return parent if op is not None and op.type == "*" else None
    return None


def _pointer_valued_map(pass_, file: GoFile, lookup: Node) -> bool:
    """Is the indexed value's declared type written `map[K]*T`?"""
    operand = lookup.child_by_field_name("operand")
    ref = declared_type(pass_, file, operand) if operand is not None else None
    if ref is None or ref.node is None or ref.pointer:
        return False
    node = ref.node
    while node.type == "parenthesized_type" and node.named_children:
        node = node.named_children[0]
    if node.type != "map_type":
        return False
    value = node.child_by_field_name("value")
    return value is not None and value.type == "pointer_type"
