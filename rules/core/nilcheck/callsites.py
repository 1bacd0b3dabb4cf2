"""Dereferences of a call's result that is nil whenever the call fails, with the failure not
looked at first: `v, _ := f()` then `v.x`, or `v, err := f()` then `v.x` before `err` is
checked, where `f` (a function or method of this package) returns nil in that result
together with a non-nil error (`summaries.PackageResults`).

Only when certain: the use is the first mention of `v` (or of `err`) after the call, in a
statement that runs whenever the one before it completes (not in a branch, a loop body, a
func literal, or a later operand of `&&`/`||`), and it is a field selection or `*v` of a
pointer; a function with a deferred `recover` is left alone.
"""

from __future__ import annotations

from tree_sitter import Node

from analyzer.api.diagnostics import Related
from analyzer.golang.source import GoFile, unparen

from .summaries import PackageResults

CALL_SITE_QUERY = """
(short_var_declaration left: (expression_list . (identifier) @nil.result . (identifier) @nil.error .) right: (expression_list . (call_expression) @nil.call .))
(assignment_statement left: (expression_list . (identifier) @nil.result . (identifier) @nil.error .) right: (expression_list . (call_expression) @nil.call .))
"""

# Where a use still runs whenever its statement runs (with `&&`/`||` and `if` checked apart).
_STRAIGHT_PARENTS = frozenset(
    {
        "selector_expression", "call_expression", "argument_list", "expression_list", "unary_expression", "parenthesized_expression",
        "index_expression", "slice_expression", "type_conversion_expression", "composite_literal", "literal_value", "keyed_element",
        "literal_element", "binary_expression", "assignment_statement", "short_var_declaration", "expression_statement",
        "return_statement", "if_statement", "var_declaration", "var_spec", "inc_statement", "dec_statement", "send_statement",
    }
)
_LEAVING = frozenset({"return_statement", "goto_statement", "break_statement", "continue_statement", "labeled_statement", "fallthrough_statement"})
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_" + bytes(range(0x80, 0x100)))


def check_call_sites(pass_, report) -> None:
    """`report(file, node, message, related=...)` for each certain dereference of a failed
    call's nil result; `related` is the trace from the `return nil, err` to the call."""
    sites = [m for m in pass_.matches if "nil.call" in m.captures]
    if not sites:
        return
    results = PackageResults(pass_)
    if not results.names:
        return
    for m in sites:
        file = m.file
        call = m.captures["nil.call"][0]
        fn = call.child_by_field_name("function")
        fn = unparen(fn) if fn is not None else call
        name = fn if fn.type == "identifier" else fn.child_by_field_name("field") if fn.type == "selector_expression" else None
        if name is None or file.text(name) not in results.names:
            continue
        v, err = m.captures["nil.result"][0], m.captures["nil.error"][0]
        if file.text(v) == "_":
            continue
        use = _first_use(file, v, err)  # syntax only: most sites stop here, before any resolution
        if use is None:
            continue
        pass_.current_file = file
        info = results.callee(file, call)
        if info is None or len(info.result_types) != 2:
            continue
        evidence = results.summary(info).nil_with_error.get(0)
        if evidence is None:
            continue
        kind = results.kinds.of_type(info.file, info.result_types[0])
        if kind is None or kind.kind != "pointer":
            continue
        operand = use.child_by_field_name("operand")
        if operand is None or pass_.resolve(file, unparen(operand)) is not pass_.resolve(file, v):
            continue
        callee, name = file.text(fn), file.text(v)
        discarded = file.text(err) == "_"
        how = "the error is discarded" if discarded else f"{file.text(err)} is checked only after this use"
        here = f"{name} is nil when {callee} fails, and " + ("the error is discarded here" if discarded else f"{file.text(err)} is not checked before the use")
        trace = [*evidence.trace, (file, call, here)]
        report(
            file,
            use,
            f"possible nil pointer dereference ({name} is nil when {callee} fails: it {evidence.how}; {how})",
            related=[Related(pass_.location(f, node), message) for f, node, message in trace],
        )


def _first_use(file: GoFile, v: Node, err: Node) -> Node | None:
    """The dereference of `v` (`v.f` or `*v`) that is the first mention of `v` or `err`
    after their assignment, when it surely runs right after it; else None. By name: the
    caller checks that it is the same variable."""
    stmt = v.parent.parent if v.parent is not None else None
    if stmt is None or stmt.parent is None or stmt.parent.type != "statement_list":
        return None
    func: Node | None = stmt.parent
    while func is not None and func.type not in ("function_declaration", "method_declaration", "func_literal"):
        func = func.parent
    if func is None or b"recover()" in file.source[func.start_byte : func.end_byte]:
        return None
    names = [file.text(v).encode()] + ([file.text(err).encode()] if file.text(err) != "_" else [])
    s = stmt.next_named_sibling
    while s is not None:
        u = first_identifier(file, s, names)
        if u is None:
            if s.type in _LEAVING or _panics(s):
                return None  # (a label: a goto may enter below it)
            s = s.next_named_sibling
            continue
        if u.text != names[0] or not runs_with(u, s):
            return None
        parent = u.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is None:
            return None
        if parent.type == "selector_expression":
            call = parent.parent
            if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == parent:
                return None  # a method call: pointer receivers may accept nil
            return parent
        if parent.type == "unary_expression":
            op = parent.child_by_field_name("operator")
            return parent if op is not None and op.type == "*" else None
        return None
    return None


def first_identifier(file: GoFile, node: Node, names: list[bytes]) -> Node | None:
    """The first `identifier` spelled like one of `names` inside `node`, by position."""
    source = file.source
    best = None
    for name in names:
        at = source.find(name, node.start_byte, node.end_byte)
        while at >= 0 and (best is None or at < best.start_byte):
            end = at + len(name)
            if source[at - 1] not in _NAME_BYTES and source[at - 1] != ord(".") and (end >= len(source) or source[end] not in _NAME_BYTES):
                n = node.descendant_for_byte_range(at, end)
                if n is not None and n.type == "identifier" and n.start_byte == at and n.end_byte == end:
                    best = n
                    break
            at = source.find(name, end, node.end_byte)
    return best


def runs_with(use: Node, stmt: Node) -> bool:
    prev, n = use, use.parent
    while n is not None and n != stmt.parent:
        t = n.type
        if t not in _STRAIGHT_PARENTS:
            return False
        if t == "binary_expression":
            op = n.child_by_field_name("operator")
            if op is not None and op.type in ("&&", "||") and n.child_by_field_name("right") == prev:
                return False
        if t == "if_statement" and prev not in (n.child_by_field_name("condition"), n.child_by_field_name("initializer")):
            return False
        prev, n = n, n.parent
    return n == stmt.parent


def _panics(stmt: Node) -> bool:
    if stmt.type != "expression_statement" or not stmt.named_children:
        return False
    call = unparen(stmt.named_children[0])
    fn = call.child_by_field_name("function") if call.type == "call_expression" else None
    return fn is not None and fn.type == "identifier" and fn.text == b"panic"
