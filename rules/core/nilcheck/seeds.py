"""Where nil is involved: the identifiers the nil analysis starts from.

`SEED_QUERY` is the rule's tree-sitter query (capture names `nil.*`): nil comparisons, nil
assignments, `var` declarations without a value, `case nil`, and `panic` with nil or a
variable. Only functions (innermost function or func literal) with a seed are analysed.
"""

from __future__ import annotations

import tree_sitter
from tree_sitter import Node

from analyzer.golang.cfg import enclosing_function
from analyzer.golang.source import GO_LANGUAGE, node_bytes

from .kinds import STD_INTERFACES, VALUE_TYPES

SEED_QUERY = """
(binary_expression left: (identifier) @nil.ident right: (nil))
(binary_expression left: (nil) right: (identifier) @nil.ident)
(binary_expression left: (parenthesized_expression (identifier) @nil.ident) right: (nil))
(assignment_statement left: (expression_list (identifier) @nil.ident) right: (expression_list (nil)))
(var_spec name: (identifier) @nil.ident !value type: [(pointer_type) (function_type) (interface_type) (slice_type) (map_type) (channel_type) (type_identifier) (generic_type) (qualified_type)])
(var_spec name: (identifier) @nil.ident value: (expression_list (nil)))
(expression_switch_statement value: (identifier) @nil.ident (expression_case value: (expression_list (nil))))
(type_switch_statement value: (identifier) @nil.ident (type_case type: (type_identifier) @nil.niltype))
(call_expression function: (identifier) @nil.panicfn arguments: (argument_list (nil)) (#eq? @nil.panicfn "panic")) @nil.panic
(call_expression function: (identifier) @nil.panicfn arguments: (argument_list (identifier) @nil.ident) (#eq? @nil.panicfn "panic"))
"""

_SEED_QUERY = tree_sitter.Query(GO_LANGUAGE, SEED_QUERY)


def seed_captures(captures: dict) -> list[tuple[Node, str]]:
    """(node, kind) pairs from one match of SEED_QUERY; kind is ident, pair or panic."""
    fn = captures.get("nil.panicfn")
    if fn and fn[0].text != b"panic":
        return []
    nt = captures.get("nil.niltype")
    if nt is not None and not any(t.text == b"nil" for t in nt):
        return []
    out = []
    for name, kind in (("nil.ident", "ident"), ("nil.pair", "pair"), ("nil.panic", "panic")):
        for n in captures.get(name, ()):
            if kind == "ident" and not _may_be_nil_declaration(n):
                continue
            out.append((n, kind))
    return out


def _may_be_nil_declaration(ident: Node) -> bool:
    """`var n int` or `var mu sync.Mutex` declare nothing nil can be about."""
    spec = ident.parent
    if spec is None or spec.type != "var_spec" or spec.child_by_field_name("value") is not None:
        return True
    typ = spec.child_by_field_name("type")
    if typ is None:
        return True
    if typ.type == "type_identifier":
        return node_bytes(typ).decode() not in VALUE_TYPES
    if typ.type == "qualified_type":
        return node_bytes(typ).decode() in STD_INTERFACES
    return True


def function_seeds(func: Node):
    """The seeds inside `func` (nested func literals too), for callers without query matches."""
    cursor = tree_sitter.QueryCursor(_SEED_QUERY)
    cursor.match_limit = 1024
    for _, caps in cursor.matches(func):
        yield from seed_captures(caps)


def candidates(pass_):
    """(file, function, seeds) for each function (innermost function or func literal) with
    nil seeds among the pass's matches, in match order."""
    by_func: dict = {}
    for m in pass_.matches:
        seeds = seed_captures(m.captures)
        if not seeds:
            continue
        func = enclosing_function(seeds[0][0])
        if func is None:
            continue
        key = (m.file.path, func.start_byte, func.type)
        entry = by_func.get(key)
        if entry is None:
            entry = by_func[key] = (m.file, func, [])
        entry[2].extend(seeds)
    return by_func.values()
