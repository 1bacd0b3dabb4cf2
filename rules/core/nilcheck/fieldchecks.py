"""A field dereferenced right after a nil check of it whose nil branch does not leave:

    if cfg.TLS == nil {
        log.Printf("no TLS config")
    }
    name := cfg.TLS.ServerName // panics on the path the check was written for

`X.f.g` (or `*X.f`) after `if X.f == nil { ... }` means `X.f` is a pointer and is nil on the
path through the branch. Reported only when certain that nothing sets `X.f` in between: `X`
is a variable, parameter or receiver of the function that no func literal mentions; the
branch and the statements up to the use only log (`fmt`/`log` prints and methods named
`Print...`, `Log...`, `Info...`, `Warn...`, `Debug...`, `Error...` on something other than
`X`) or assign other plain variables without calls; the use is the first mention of `X`
after the `if` and runs whenever the statement holding it runs; a method call `X.f.m()` is
left alone (pointer receivers may accept nil), and so is a function that calls `recover`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tree_sitter import Node

from analyzer.api.diagnostics import Related
from analyzer.golang.cfg import _statements, enclosing_function
from analyzer.golang.source import GoFile, unparen

from .callsites import first_identifier, runs_with

FIELD_CHECK_QUERY = """
(if_statement condition: (binary_expression left: (selector_expression operand: (identifier) field: (field_identifier)) @nil.fieldcheck operator: "==" right: (nil)))
"""

_LOGGING = re.compile(r"^(?:Print|Log|Info|Warn|Debug|Error|Trace|Notice)")
_PLAIN_ASSIGNMENTS = frozenset({"assignment_statement", "short_var_declaration", "inc_statement", "dec_statement"})


def check_field_checks(pass_, report: Callable[..., None]) -> None:
    """`report(file, node, message, related=...)` for each certain dereference of a field
    after a nil check of it whose nil branch does not leave; `related` is the check."""
    for m in pass_.matches:
        check = m.captures.get("nil.fieldcheck")
        if not check:
            continue
        file, sel = m.file, check[0]
        use = _use_after(pass_, file, sel)
        if use is not None:
            line, what = sel.start_point[0] + 1, file.text(sel)
            why = Related(pass_.location(file, sel.parent), f"{what} is compared with nil here, and the branch where it is nil does not leave")
            report(file, use, f"possible nil pointer dereference ({what} is compared with nil at line {line}, and that branch does not leave)", related=[why])


def _use_after(pass_, file: GoFile, sel: Node) -> Node | None:
    ifs = sel.parent.parent if sel.parent is not None else None
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("alternative") is not None or ifs.child_by_field_name("initializer") is not None:
        return None
    lst = ifs.parent
    if lst is None or lst.type != "statement_list":
        return None
    operand, field = sel.child_by_field_name("operand"), sel.child_by_field_name("field")
    body = ifs.child_by_field_name("consequence")
    if operand is None or field is None or body is None:
        return None
    name = operand.text or b""
    if not all(only_logs(file, s, name) for s in _statements(body)):
        return None
    s = ifs.next_named_sibling
    while s is not None:
        u = first_identifier(file, s, [name])
        if u is None:
            if not only_logs(file, s, name):
                return None
            s = s.next_named_sibling
            continue
        use = _field_deref(u, field.text or b"")
        if use is None or not runs_with(u, s):
            return None
        func = enclosing_function(ifs)
        decl = pass_.resolve(file, operand)
        if func is None or decl is None or decl.kind not in ("var", "param", "receiver") or decl.owner != func or pass_.resolve(file, u) is not decl:
            return None
        if b"recover()" in file.source[func.start_byte : func.end_byte] or mentioned_in_closure(file, func, name):
            return None  # a deferred recover handles the panic on purpose
        return use
    return None


def _field_deref(u: Node, field: bytes) -> Node | None:
    """`u.field.x` (not a method call) or `*u.field`, as the node that dereferences."""
    sel = u.parent
    if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand") != u:
        return None
    f = sel.child_by_field_name("field")
    if f is None or f.text != field:
        return None
    outer = sel.parent
    if outer is None:
        return None
    if outer.type == "selector_expression" and outer.child_by_field_name("operand") == sel:
        call = outer.parent
        if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == outer:
            return None
        return outer
    if outer.type == "unary_expression":
        op = outer.child_by_field_name("operator")
        return outer if op is not None and op.type == "*" else None
    return None


def only_logs(file: GoFile, stmt: Node, name: bytes) -> bool:
    """Does `stmt` surely leave `X.f` as it is, and surely complete? A logging call, or an
    assignment without calls whose left side does not mention `X`."""
    if stmt.type == "comment":
        return True
    if stmt.type == "expression_statement":
        call = unparen(stmt.named_children[0]) if stmt.named_children else None
        return call is not None and call.type == "call_expression" and _logging_call(call, name) and not _has_call(call.child_by_field_name("arguments"), name)
    if stmt.type in _PLAIN_ASSIGNMENTS:
        left = stmt.child_by_field_name("left") if stmt.type not in ("inc_statement", "dec_statement") else stmt
        if left is None or first_identifier(file, left, [name]) is not None:
            return False
        return not _has_call(stmt, name)
    return False


def _logging_call(call: Node, name: bytes) -> bool:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return False
    operand, method = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or method is None or operand.text == name:
        return False
    return bool(_LOGGING.match((method.text or b"").decode("utf-8", "replace")))


def _has_call(node: Node | None, name: bytes) -> bool:
    """A call inside `node` other than a logging one, or a func literal."""
    if node is None:
        return False
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "func_literal":
            return True
        if n.type == "call_expression" and n != node and not _logging_call(n, name):
            return True
        stack.extend(n.named_children)
    return False


def mentioned_in_closure(file: GoFile, func: Node, name: bytes) -> bool:
    body = func.child_by_field_name("body")
    if body is None:
        return True
    at = file.source.find(b"func(", body.start_byte, body.end_byte)
    while at >= 0:
        lit = body.descendant_for_byte_range(at, at + 4)
        while lit is not None and lit.type != "func_literal" and lit != body:
            lit = lit.parent
        if lit is not None and lit.type == "func_literal" and first_identifier(file, lit, [name]) is not None:
            return True
        at = file.source.find(b"func(", at + 5, body.end_byte)
    return False
