"""Value assigned to a local variable and never read.

## What it does
Reports an assignment `x = v`, `x := v` or `x op= v` to a local variable or parameter
whose value no path through the function reads before `x` is assigned again or the
function returns, found by liveness on the function's control-flow graph. Left alone, so
that a report is certain: variables whose address is taken or that a function literal
uses (a closure or deferred function may read them at any time), named results (a bare
`return` or a deferred function reads them), `_`, self-assignments (`x = x`, the `selfassign` rule's), assignments of a constant or zero value
(`x = nil`, `n = 0`, `r := endOfText`, `rune(0)`, `T{}`: an initial value or a reset kept for
clarity, whose loss costs nothing), and functions with a `goto` into a
label the graph cannot place.

## Why is this bad?
The work is lost, and usually a bug hides behind it: an error assigned and never checked
(`err = f()` followed by another `err = g()`), a result computed and then overwritten, a
variable updated where another one was meant.

## Example
```go
data, err := read(path)
data, err = decode(data)
if err != nil {
    return err
}
```
Here the first `err` is never looked at.

## Use instead
```go
data, err := read(path)
if err != nil {
    return err
}
data, err = decode(data)
if err != nil {
    return err
}
```
"""

from bisect import bisect_left
from operator import attrgetter

from tree_sitter import Query, QueryCursor

from analyzer.api.analysis_pass import Pass
from analyzer.golang.cfg import FUNCTION_NODES
from analyzer.golang.constant import is_constant
from analyzer.api.rule import Rule
from analyzer.golang.source import GO_LANGUAGE, unparen, walk_named

QUERY = """
[(function_declaration) (method_declaration) (func_literal)] @func
"""

_LITERAL = frozenset({"func_literal"})
_START = attrgetter("start_byte")
_NAMES = frozenset({"identifier", "package_identifier", "type_identifier"})
_ZERO = frozenset({"nil", "false", "0", '""', "``", "0.0"})


class _Function:
    """What one walk learns about a function, a method or a func literal: the locals and
    parameters it declares that are safe to track (never captured by a nested function
    literal, never address-taken), whether its body (nested literals included) has a
    `goto`, and its own names outside nested literals (identifiers, type and package
    identifiers) in source order, with their start bytes and the declarations of the
    identifiers (None for the others)."""

    __slots__ = ("node", "parent", "tracked", "excluded", "has_goto", "starts", "names", "decls", "stores")

    def __init__(self, node, parent: "_Function | None") -> None:
        self.node = node
        self.parent = parent
        self.tracked: dict[int, object] = {}
        self.excluded: set[int] = set()
        self.has_goto = False
        self.starts: list[int] = []
        self.names: list = []
        self.decls: list = []
        self.stores: list = []  # its own assignments and `var` declarations: the only nodes with "write" effects


def _key(node) -> tuple[int, int]:
    return (node.start_byte, node.end_byte)


_WALK = Query(GO_LANGUAGE, "[(identifier) (type_identifier) (package_identifier) (func_literal) (goto_statement) (assignment_statement) (short_var_declaration) (var_declaration)] @n")
_STORES = frozenset({"assignment_statement", "short_var_declaration", "var_declaration"})


def _walk_function(pass_, file, root, resolved) -> dict[tuple[int, int], _Function]:
    """What a pre-order walk of `root` would see, from one query: its names, func literals
    and gotos in source order (no two start at the same byte), each in its innermost
    function. One pass over each outermost function, instead of one per function (which
    re-walks each literal once per enclosing function). Fills `resolved` (identifier start
    byte -> declaration) for the liveness pass, and returns the facts of each function in
    `root`, keyed by `_key`."""
    functions = {_key(root): _Function(root, None)}
    fn = functions[_key(root)]
    open_literals: list[tuple[int, _Function]] = []  # (end byte, facts) of the enclosing literals, innermost last
    resolve = pass_.resolve
    nodes = QueryCursor(_WALK).captures(root).get("n", [])
    nodes.sort(key=_START)
    for node in nodes:
        start = node.start_byte
        while open_literals and open_literals[-1][0] <= start:
            open_literals.pop()
            fn = open_literals[-1][1] if open_literals else functions[_key(root)]
        t = node.type
        if t in ("package_identifier", "type_identifier"):
            fn.starts.append(start)
            fn.names.append(node)
            fn.decls.append(None)
            continue
        if t == "func_literal":
            if node != root:
                fn = functions[_key(node)] = _Function(node, fn)
                open_literals.append((node.end_byte, fn))
            continue
        if t in _STORES:
            fn.stores.append(node)
            continue
        if t == "goto_statement":
            up: _Function | None = fn
            while up is not None:
                up.has_goto = True
                up = up.parent
            continue
        decl = resolve(file, node)
        resolved[start] = decl
        fn.starts.append(start)
        fn.names.append(node)
        fn.decls.append(decl)
        if decl is None or decl.kind not in ("var", "param") or decl.file is not file or decl.owner is None:
            continue
        owner = functions.get(_key(decl.owner))
        if owner is None or owner.node != decl.owner:
            continue  # declared outside `root`: that function's own walk sees it
        if owner is fn:
            captured = False
        else:
            up = fn.parent  # is the owner an enclosing function?
            while up is not None and up is not owner:
                up = up.parent
            if up is None:
                continue  # not inside its owner: the owner's walk would not see it
            captured = True
        did = id(decl)
        if did in owner.excluded:
            continue
        if captured or _address_taken(node):
            owner.excluded.add(did)
            owner.tracked.pop(did, None)
        else:
            owner.tracked[did] = decl
    return functions


def _address_taken(node) -> bool:
    """`&x`, `&x.f`, `&x[i]`, or a method call `x.m()` (which may take its address)."""
    child, parent = node, node.parent
    while parent is not None and parent.type in ("selector_expression", "index_expression", "parenthesized_expression") and parent.named_children and parent.named_children[0] == child:
        if parent.type == "selector_expression" and parent.parent is not None and parent.parent.type == "call_expression":
            return True
        child, parent = parent, parent.parent
    if parent is not None and parent.type == "unary_expression":
        op = parent.child_by_field_name("operator")
        return op is not None and op.type == "&"
    return False


def _effects(pass_, file, node, tracked, by_name, resolved, fn):
    """The reads and writes of tracked variables that `node` (a CFG node of `fn`) makes, in
    order: a list of ("read"|"write"|"kill", decl, assignment statement or None). `by_name`
    holds the tracked declarations by name, `resolved` the identifiers of the walk (start
    byte -> declaration, from `_walk_function`)."""
    t = node.type
    events = []

    def resolve(ident):
        start = ident.start_byte
        return resolved[start] if start in resolved else pass_.resolve(file, ident)

    def reads(n):
        if n is None:
            return
        if n.type == "func_literal":  # its own names, which are not `fn`'s
            names = [i for i in walk_named(n, skip=_LITERAL) if i.type in _NAMES]
            decls = [resolve(i) if i.type == "identifier" else None for i in names]
        else:  # `fn`'s names inside `n`: those outside nested literals, as a walk would
            lo = bisect_left(fn.starts, n.start_byte)
            hi = bisect_left(fn.starts, n.end_byte, lo)
            names, decls = fn.names[lo:hi], fn.decls[lo:hi]
        for ident, decl in zip(names, decls):
            if ident.type == "identifier":
                if decl is not None and id(decl) in tracked:
                    events.append(("read", decl, None))
                else:
                    # Resolved elsewhere (a type or package name the variable shadows, a
                    # later spec of the same `var (...)` block): count it as a read of the
                    # variables of that name rather than miss a use.
                    for same in by_name.get(file.text(ident), ()):
                        events.append(("read", same, None))
            elif ident.type in ("package_identifier", "type_identifier"):
                # `new(uint64(m.ID))` parses `m.ID` as a type: count any tracked variable
                # of that name as read, rather than miss a use.
                for decl in by_name.get(file.text(ident), ()):
                    events.append(("read", decl, None))

    def _write_one(target, stmt, report):
        target = unparen(target)
        if target.type == "identifier":
            decl = resolve(target)
            if decl is not None and id(decl) in tracked:
                events.append(("write" if report else "kill", decl, (stmt, target)))
        else:
            reads(target)  # a[i] = v reads a and i

    def writes(left, stmt, report):
        if left is None:
            return
        for target in left.named_children if left.type == "expression_list" else [left]:
            _write_one(target, stmt, report)

    if t in ("assignment_statement", "short_var_declaration"):
        op = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        compound = op is not None and op.type not in ("=", ":=")
        if compound:
            reads(left)
        reads(right)
        values = right.named_children if right is not None and right.type == "expression_list" else []
        targets = left.named_children if left is not None and left.type == "expression_list" else []
        if len(values) == len(targets) and not compound:
            for target, value in zip(targets, values):
                # `x = x` is selfassign's finding, not a second one here.
                _write_one(target, node, not _trivial(pass_, file, value) and file.text(target) != file.text(value))
        else:
            writes(left, node, True)
    elif t == "var_declaration":
        for spec in walk_named(node):
            if spec.type == "var_spec":
                value = spec.child_by_field_name("value")
                reads(value)
                for i, child in enumerate(spec.children):
                    if child.type == "identifier" and spec.field_name_for_child(i) == "name":
                        decl = resolve(child)
                        if decl is not None and id(decl) in tracked:
                            report = value is not None and value.named_child_count == 1 and not _trivial(pass_, file, value.named_children[0])
                            events.append(("write" if report else "kill", decl, (node, child)))
    elif t in ("inc_statement", "dec_statement"):
        reads(node)
    elif t == "range_clause":
        reads(node.child_by_field_name("right"))
        writes(node.child_by_field_name("left"), node, False)
    elif t == "receive_statement":
        reads(node.child_by_field_name("right"))
        writes(node.child_by_field_name("left"), node, False)
    else:
        reads(node)
    return events


def _trivial(pass_, file, value) -> bool:
    """A value whose loss costs nothing: a constant (`0`, `nil`, `endOfText`), a conversion of
    one (`rune(0)`, `[]byte(nil)`), an empty composite literal (`T{}`)."""
    value = unparen(value)
    if file.text(value) in _ZERO or value.type == "nil" or is_constant(pass_, file, value):
        return True
    if value.type == "composite_literal":
        body = value.child_by_field_name("body")
        return body is None or body.named_child_count == 0
    if value.type in ("call_expression", "type_conversion_expression"):
        args = value.child_by_field_name("arguments") or value.child_by_field_name("operand")
        if args is not None and args.type == "argument_list":
            return args.named_child_count == 1 and unparen(args.named_children[0]).type in ("nil", "int_literal", "interpreted_string_literal") and file.text(unparen(args.named_children[0])) in _ZERO
        if args is not None:
            return file.text(unparen(args)) in _ZERO
    return False


def _result_names(file, func) -> set[str]:
    """Names of the function's named results: the engine's scopes give `x, err := f()` in
    the body a declaration of its own, but Go reuses the result there, and a bare `return`
    reads it."""
    result = func.child_by_field_name("result")
    names = set()
    if result is not None and result.type == "parameter_list":
        for p in result.named_children:
            for i, child in enumerate(p.children):
                if child.type == "identifier" and p.field_name_for_child(i) == "name":
                    names.add(file.text(child))
    return names


def _check(pass_, file, func, fn, resolved):
    tracked = fn.tracked
    results = _result_names(file, func)
    tracked = {k: d for k, d in tracked.items() if d.kind != "result" and d.name not in results}
    if not tracked:
        return
    by_name = {}
    for decl in tracked.values():
        by_name.setdefault(decl.name, []).append(decl)
    # No assignment that could be reported: the graph and the liveness cannot find anything.
    # The effects of the stores are kept for the pass over the graph.
    known = {}
    for stmt in fn.stores:
        known[_key(stmt)] = _effects(pass_, file, stmt, tracked, by_name, resolved, fn)
    if not any(kind == "write" for effects in known.values() for kind, _, _ in effects):
        return
    cfg = pass_.cfg(file, func)
    blocks = cfg.live_blocks
    # Per block: its events in order (nodes, then the branch condition / case test).
    events = {}
    for b in blocks:
        evs = []
        for n in b.nodes:
            found = known.get(_key(n))
            evs.extend(found if found is not None and n.type in _STORES else _effects(pass_, file, n, tracked, by_name, resolved, fn))
        if b.cond is not None:
            evs.extend(_effects(pass_, file, b.cond, tracked, by_name, resolved, fn))
        if b.case is not None:
            if b.case.tag is not None:
                evs.extend(_effects(pass_, file, b.case.tag, tracked, by_name, resolved, fn))
            for v in b.case.values:
                evs.extend(_effects(pass_, file, v, tracked, by_name, resolved, fn))
        events[b.index] = evs
    # Backward liveness to a fixed point, on bit sets (one bit per tracked variable), each
    # block summarized once as live_in = gen | (live_out & ~kill).
    bit = {did: 1 << i for i, did in enumerate(tracked)}
    gen: dict[int, int] = {}
    kill: dict[int, int] = {}
    for b in blocks:
        g = k = 0
        for kind, decl, _ in reversed(events[b.index]):
            m = bit[id(decl)]
            if kind == "read":
                g |= m
            else:
                g &= ~m
                k |= m
        gen[b.index], kill[b.index] = g, k
    live_in = {b.index: 0 for b in blocks}
    changed = True
    while changed:
        changed = False
        for b in reversed(blocks):
            out = 0
            for s in b.succs:
                out |= live_in.get(s.index, 0)
            new = gen[b.index] | (out & ~kill[b.index])
            if new != live_in[b.index]:
                live_in[b.index] = new
                changed = True
    for b in blocks:
        live = 0
        for s in b.succs:
            live |= live_in.get(s.index, 0)
        for kind, decl, where in reversed(events[b.index]):
            m = bit[id(decl)]
            if kind == "read":
                live |= m
                continue
            if kind == "write" and not live & m:
                stmt, target = where
                pass_.report(file, target, f"this value of {decl.name} is never used")
            live &= ~m


def run(pass_: Pass) -> None:
    # Per file: what the walk of each outermost function learned about it and every func
    # literal inside it (matches come outer first), and the identifiers it resolved.
    functions: dict[tuple[int, int], _Function] = {}
    resolved: dict[int, object] = {}
    current = None
    for file, func, _ in pass_.iter_matches("func"):
        if file is not current:
            current, functions, resolved = file, {}, {}
        body = func.child_by_field_name("body")
        if func.type not in FUNCTION_NODES or body is None or func.has_error:
            continue  # a function that does not parse: its statements are guesses
        facts = functions.get(_key(func))
        if facts is None or facts.node != func:
            functions.update(_walk_function(pass_, file, func, resolved))
            facts = functions[_key(func)]
        if facts.has_goto:
            continue
        _check(pass_, file, func, facts, resolved)


RULE = Rule(
    name="deadstore",
    summary="value assigned to a local variable and never read",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA4006",),
    per_file=True,  # a function's locals, its CFG (never-returning calls) and package constants
)
