"""Cheap tests that a function, or a variable in it, can give no finding: run before the
CFG and the dataflow, which most functions with a nil comparison never need.

- `only_fresh_checks`: every seed is `if v != nil` right after a call assigned `v`, and `v`
  is never dereferenced (before any name resolution);
- `SyntaxGate`: the per-declaration tests below, per *name*, before any name resolution;
- `worth_of_uses`: can a variable give a finding at all;
- `quiet_uses`: can no finding be about it (its comparisons are shielded or inert, its
  dereferences guarded).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzer.golang.cfg import _statements
from analyzer.golang.source import GoFile, unparen, required_field, node_bytes

from .shapes import assignment_before, assigns, chain, copied_to, has_nil_case, inside, inside_literal, opaque

# Statements that run straight through (see cfg._SIMPLE); labelled ones are not among them.
_STRAIGHT_LINE = frozenset(
    {"expression_statement", "send_statement", "inc_statement", "dec_statement", "assignment_statement", "short_var_declaration", "var_declaration", "const_declaration", "type_declaration", "go_statement", "defer_statement", "empty_statement"}
)

def only_fresh_checks(func: Node, seeds: list[tuple[Node, str]]) -> bool:
    """Before any name resolution: is every nil seed an `if v != nil` / `if v == nil` right
    after a call assigned `v` (`x, err := f(); if err != nil`), with `v` never dereferenced
    anywhere in the function? Then the dataflow cannot find anything: skip it cheaply."""
    names: set[bytes] = set()
    for node, kind in seeds:
        if kind != "ident":
            return False
        cmp = node.parent
        if cmp is None or cmp.type != "binary_expression":
            return False
        prev = assignment_guarded_by(cmp)
        if prev is None:
            return False
        name = node_bytes(node)
        left, right = prev.child_by_field_name("left"), prev.child_by_field_name("right")
        if left is None or right is None:
            return False
        lefts, rights = left.named_children, right.named_children
        if not any(x.text == name for x in lefts):
            return False
        if len(rights) == len(lefts):
            v = unparen(rights[[x.text for x in lefts].index(name)])
            if v.type != "call_expression" or node_bytes(v).startswith((b"make(", b"new(")):
                return False
        elif len(rights) != 1 or unparen(rights[0]).type != "call_expression":
            return False
        names.add(name)
    body = func.child_by_field_name("body")
    if body is None:
        return True
    text = node_bytes(body)
    for name in names:
        if re.search(rb"(?<![\w.])" + re.escape(name) + rb"\s*[.\[(]", text) or re.search(rb"\*\s*" + re.escape(name) + rb"\b", text):
            return False
    return True

_LEAVING_NAME = re.compile(r"^(?:[Ff]atal|[Pp]anic|[Ee]xit|[Tt]hrow$|[Ff]ail[Nn]ow$|[Ss]kip|[Gg]oexit$)")

_NOT_BEFORE_NAME = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_." + bytes(range(0x80, 0x100)))
# Bytes that continue an identifier (ASCII letters, digits, `_`, any byte of a multi-byte letter).
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_" + bytes(range(0x80, 0x100)))
_MAX_NAME_USES = 400
# The only parents from which `copied_to` finds a copy.
_COPY_PARENTS = frozenset({"type_conversion_expression", "slice_expression", "argument_list", "expression_list"})
# Where an identifier (re)declares or assigns a name, beyond what `assigns` covers.
_DECLARING_PARENTS = frozenset({"parameter_declaration", "variadic_parameter_declaration", "const_spec", "type_parameter_declaration"})


def _name_uses(func: Node, source: bytes, name: bytes) -> list[tuple[Node, Node]] | None:
    """Every `identifier` spelled `name` inside `func` (declarations too), with its nearest
    enclosing node that is not a parenthesis: a superset of `uses_in(func, d)` for every
    declaration `d` of that name. None when there are too many to be cheap.

    Found by text: in valid Go an identifier is neither preceded nor followed by an
    identifier byte (ASCII letters, digits, `_`, and every byte of a multi-byte UTF-8
    letter); preceded by `.` it is a field or a qualified name, never an `identifier`. Each
    hit is then checked to be an `identifier` node exactly there (not text in a string,
    comment or longer name)."""
    out: list[tuple[Node, Node]] = []
    find = source.find
    size = len(name)
    end = func.end_byte
    nxt = find(name, func.start_byte, end)
    while nxt >= 0:
        s, e = nxt, nxt + size
        nxt = find(name, e, end)
        # a plain substring search (no regex to compile per name): the bytes around it decide
        if source[s - 1] in _NOT_BEFORE_NAME or (e < end and source[e] in _NAME_BYTES):
            continue
        node = func.descendant_for_byte_range(s, e)
        if node is None or node.type != "identifier" or node.start_byte != s or node.end_byte != e:
            continue
        if len(out) >= _MAX_NAME_USES:
            return None
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is not None:
            out.append((node, parent))
    return out


def _declares(ident: Node, parent: Node) -> bool:
    """Could `ident` be where a variable, parameter, result or receiver is declared? Every
    declaration `_find_tracked` tracks has its `Declaration.ident` at such a place inside
    the function (`d.owner == func`), so a name with none there is not tracked."""
    pt = parent.type
    if pt in ("var_spec", "parameter_declaration", "variadic_parameter_declaration", "const_spec", "type_parameter_declaration"):
        return True
    if pt == "expression_list":
        stmt = parent.parent
        return stmt is not None and stmt.type in ("short_var_declaration", "range_clause", "receive_statement", "type_switch_statement")
    return False


def _signature_names(func: Node, fields: tuple[str, ...]) -> set[bytes]:
    out: set[bytes] = set()
    for field in fields:
        plist = func.child_by_field_name(field)
        if plist is None or plist.type != "parameter_list":
            continue
        for p in plist.named_children:
            if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
                out.update(node_bytes(n) for n in p.children_by_field_name("name"))
    return out


class SyntaxGate:
    """Can the dataflow for `func` report nothing? Decided from the syntax tree alone, before
    any name resolution (`Pass.resolve` resolves a whole top-level declaration, the largest
    cost of the analysis for the thousands of functions that have a nil check but nothing
    to report).

    `NilAnalysis` runs its dataflow only when a `panic` seed exists or some tracked
    variable `d` has `_worth(d) and not _quiet(d)`; without that it reports nothing. This
    gate mirrors both tests per *name* instead of per declaration, and each step is an
    over-approximation, so `cannot_report()` implies, for every declaration `d` that
    `_find_tracked` could track, `not _worth(d) or _quiet(d)`:

    - tracked names: those of the seeds, closed over `copied_to` on every identifier of
      such a name (a superset of the tracked declarations' names); `uses_in(func, d)` is
      a subset of the identifiers spelled `d.name` in `func` (see `_name_uses`); every
      flag `_worth` raises on a use it raises here on a superset of uses;
    - what takes a type (`var_kind`) is assumed to be what makes a finding possible: a
      method call, an index, a slice or a conversion of the name is a dereference, a
      named result and a `var` without value are nil sources, and any identifier of a
      tracked name may evaluate to nil;
    - "this identifier is `d`" (`self._decl(x) is d`) is replaced by "this identifier is
      spelled like `d`" only where no other declaration of the name can come between
      (the assignment right before an `if` and that `if`'s condition; an `if` test and its
      body or the rest of its statement list, where every declaration and assignment of
      the name inside counts as one that undoes the test; an `if` whose initializer
      declares or assigns the name never guards what follows it).
    - a comparison `_worth`'s guard shortcut may ignore (all guards leave, all
      dereferences after the first) is taken to be after the last one here.
    """

    def __init__(self, file: GoFile, func: Node, seeds: list[tuple[Node, str]]) -> None:
        self.file = file
        self.func = func
        self.seeds = seeds
        self.names: set[bytes] = set()
        self._params: set[bytes] | None = None

    def cannot_report(self) -> bool:
        if any(kind != "ident" for _, kind in self.seeds):
            return False
        func, source = self.func, self.file.source
        names = self.names
        uses: dict[bytes, list[tuple[Node, Node]]] = {}
        work = []
        for node, _ in self.seeds:
            name = source[node.start_byte : node.end_byte]
            if name not in names:
                names.add(name)
                work.append(name)
        while work:
            name = work.pop()
            found = _name_uses(func, source, name)
            if found is None:
                return False
            uses[name] = found
            for r, parent in found:
                if parent.type not in _COPY_PARENTS:
                    continue  # `copied_to` would say None at once
                target = copied_to(r, parent)
                if target is not None:
                    t = node_bytes(target)
                    if t not in names:
                        names.add(t)
                        work.append(t)
        self.no_goto = source.find(b"goto", func.start_byte, func.end_byte) < 0
        results = _signature_names(func, ("result",))
        for name, found in uses.items():
            sites = [r for r, parent in found if _declares(r, parent)]
            if not sites:
                continue  # declared outside `func` (captured, package-level): never tracked here
            if len(sites) == 1 and self._address_taken(sites[0], found):
                continue
            if self._worth(name, found, name in results) and not self._quiet(name, found):
                return False
        return True

    def _address_taken(self, site: Node, uses: list[tuple[Node, Node]]) -> bool:
        """Is the one declaration of this name in `func` (at `site`) surely excluded from
        tracking because its address is taken? Yes when a `&name` lies in its scope and every
        mention there is of it: `site` is a parameter, result or receiver of `func` (scope:
        the body), or is declared by a statement of the body's own list (scope: the rest of
        the body after that statement), and nothing else in `func` declares the name."""
        parent = site.parent
        if parent is None:
            return False
        if parent.type in ("parameter_declaration", "variadic_parameter_declaration"):
            plist = parent.parent
            if plist is None or plist.parent != self.func:
                return False
            scope_start = site.end_byte
        else:
            stmt = parent.parent if parent.type == "expression_list" else parent
            if stmt is not None and stmt.type == "var_spec":
                stmt = stmt.parent
                if stmt is not None and stmt.type == "var_spec_list":
                    stmt = stmt.parent
            if stmt is None or stmt.type not in ("short_var_declaration", "var_declaration"):
                return False
            body = self.func.child_by_field_name("body")
            lst = stmt.parent
            if body is None or lst is None or lst.type != "statement_list" or lst.parent != body:
                return False
            scope_start = stmt.end_byte
        for r, p in uses:
            if r.start_byte >= scope_start and p.type == "unary_expression":
                op = p.child_by_field_name("operator")
                if op is not None and op.type == "&":
                    return True
        return False

    # -- `NilAnalysis._worth`, per name ----------------------------------------------------

    def _worth(self, name: bytes, uses: list[tuple[Node, Node]], result: bool) -> bool:
        # Types unknown, so whatever a type could make a dereference or a nil source is one.
        return worth_of_uses(
            uses,
            # by name: nothing but operators lies between the assignment and the condition,
            # so the name assigned there and the one compared are one variable
            fresh_check=lambda cmp: fresh_check(cmp, lambda x: x.text == name),
            var_kind=lambda: None,
            methods=frozenset(),
            nil_at_entry=result,
            unknown_type_counts=True,
            leave_bound=max,
        )

    # -- `NilAnalysis._quiet`, per name ----------------------------------------------------

    def _quiet(self, name: bytes, uses: list[tuple[Node, Node]]) -> bool:
        return quiet_uses(
            uses,
            func=self.func,
            source=self.file.source,
            name=name,
            is_var=lambda x: x.text == name,
            is_param=name in self._param_names(),
            may_eval_nil=lambda e: may_eval_nil(e, lambda x: x.text in self.names),
            no_goto=self.no_goto,
            index_derefs=lambda: True,
            by_name=True,
        )

    def _param_names(self) -> set[bytes]:
        if self._params is None:
            self._params = _signature_names(self.func, ("receiver", "parameters"))
        return self._params



def _guard(cmp: Node):
    """("leave", if) for `if x == nil { ...; return }` without else; ("then", body) for
    `if x != nil { body }` without else; None for anything else."""
    ifs = cmp.parent
    while ifs is not None and ifs.type == "parenthesized_expression":
        ifs = ifs.parent
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("alternative") is not None:
        return None
    cond = ifs.child_by_field_name("condition")
    if cond is None or unparen(cond) != cmp:
        return None
    op = cmp.child_by_field_name("operator")
    body = ifs.child_by_field_name("consequence")
    if op is None or body is None:
        return None
    if op.type == "!=":
        return ("then", body)
    stmts = _statements(body)
    last = stmts[-1] if stmts else None
    if last is None:
        return None
    if last.type in ("return_statement", "continue_statement", "break_statement", "goto_statement"):
        return ("leave", ifs)
    if last.type == "expression_statement" and last.named_child_count:
        call = unparen(last.named_children[0])
        fn = call.child_by_field_name("function") if call.type == "call_expression" else None
        if fn is not None:
            name = fn.child_by_field_name("field") if fn.type == "selector_expression" else fn
            if name is not None and (node_bytes(name) == b"panic" or _LEAVING_NAME.match(node_bytes(name).decode("utf-8", "replace"))):
                return ("leave", ifs)
    return None


def guarded(ref: Node, func: Node, is_var, targets: list[int], initializer_assigns: bool) -> bool:
    """Is the variable (`is_var(identifier)` says which identifiers are it) non-nil wherever
    `ref` runs, by a nil test no assignment undoes (`targets`: start bytes of its
    assignments and declarations), or else unknown? That is, is `ref` inside
    - the body of an `if` whose condition is `v != nil` (or has it in its `&&` chain), or
      the `else` of one whose condition is `v == nil` (or has it in its `||` chain),
      a body or `else` that does not assign `v`;
    - a later operand of an `&&` chain after `v != nil`, of an `||` chain after `v == nil`;
    - a statement after `if v == nil { ...; return }` (or `break`, `continue`; `||`
      chains too) in the same list, with no assignment of `v` from that `if` on (with
      `initializer_assigns`, not when that `if`'s initializer assigns it either: the
      syntax gate's `v` is every variable of one name);
    - a nested func literal, which this function's dataflow does not enter?
    (The caller has made sure no `goto` jumps past the tests.)"""

    def assigned(node: Node) -> bool:
        return any(node.start_byte <= x < node.end_byte for x in targets)

    prev, n = ref, ref.parent
    while n is not None and n != func:
        t = n.type
        if t == "func_literal":
            return True
        if t == "if_statement":
            cond = n.child_by_field_name("condition")
            if n.child_by_field_name("consequence") == prev:
                if _tests_nil(cond, is_var, "&&", "!=") and not assigned(prev):
                    return True
            elif n.child_by_field_name("alternative") == prev:
                if _tests_nil(cond, is_var, "||", "==") and not assigned(prev):
                    return True
        elif t == "binary_expression" and n.child_by_field_name("right") == prev:
            op = n.child_by_field_name("operator")
            if op is not None and op.type in ("&&", "||"):
                if _tests_nil(n.child_by_field_name("left"), is_var, op.type, "!=" if op.type == "&&" else "=="):
                    return True
        elif t == "statement_list":
            before = prev.prev_named_sibling
            while before is not None:
                if before.type == "if_statement" and _leaves_unless_non_nil(before, is_var):
                    init = before.child_by_field_name("initializer") if initializer_assigns else None
                    if not (init is not None and assigned(init)) and not any(before.end_byte <= x < n.end_byte for x in targets):
                        return True
                before = before.prev_named_sibling
        prev, n = n, n.parent
    return False


def _leaves_unless_non_nil(ifs: Node, is_var) -> bool:
    """`if v == nil { ...; return }` without `else`: after it `v` is non-nil."""
    if ifs.child_by_field_name("alternative") is not None or not _tests_nil(ifs.child_by_field_name("condition"), is_var, "||", "=="):
        return False
    stmts = _statements(ifs.child_by_field_name("consequence"))
    return bool(stmts) and stmts[-1].type in ("return_statement", "break_statement", "continue_statement")


def _tests_nil(cond: Node | None, is_var, connective: str, test: str) -> bool:
    """Is `cond`, or an operand of its `connective` ("&&" or "||") chain, `v <test> nil`?"""
    if cond is None:
        return False
    c = unparen(cond)
    op = c.child_by_field_name("operator") if c.type == "binary_expression" else None
    for operand in chain(c, connective) if op is not None and op.type == connective else [c]:
        x = unparen(operand)
        if x.type != "binary_expression":
            continue
        o = x.child_by_field_name("operator")
        if o is None or o.type != test:
            continue
        left, right = unparen(required_field(x, "left")), unparen(required_field(x, "right"))
        if left.type == "nil":
            left, right = right, left
        if right.type == "nil" and left.type == "identifier" and is_var(left):
            return True
    return False


def shielded(cmp: Node, ident: Node, func: Node, source: bytes, name: bytes, is_var, is_param: bool, inert: set[int], no_goto: bool) -> bool:
    """Is `cmp` (a comparison of `ident`, a use of the variable `v`, spelled `name`;
    `is_var(identifier)` says which identifiers are it) in the condition of an `if` whose
    initializer, or an earlier statement of its list, assigns `v` a value `_eval` knows
    nothing of (a call's result, a multi-value assignment), with no statement in between
    (nor an earlier operand of the condition) that mentions `name` other than in
    comparisons to no effect (`inert`)? Every path to `cmp` then goes through that
    assignment (statements in between that are not straight-line code could be entered
    only by a `goto`), and `v` is unknown at `cmp`. A parameter (`is_param`) is also
    unknown at its first mention outside any loop."""

    def untouched(start: int, end: int) -> bool:
        at = source.find(name, start, end)
        while at >= 0:
            if at not in inert:
                return False
            at = source.find(name, at + 1, end)
        return True

    if is_param and no_goto:
        body = func.child_by_field_name("body")
        if body is not None and untouched(body.start_byte, ident.start_byte) and not inside(cmp, func, ("for_statement", "func_literal")):
            return True
    n = cmp
    while n.parent is not None and n.parent.type in ("binary_expression", "parenthesized_expression", "unary_expression"):
        n = n.parent
    ifs = n.parent
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("condition") != n:
        return False
    if not untouched(n.start_byte, ident.start_byte):
        return False  # an earlier operand may have refined `v`
    prev = ifs.child_by_field_name("initializer")
    if prev is None:
        prev = ifs.prev_named_sibling
        while prev is not None and (prev.type == "comment" or ((no_goto or prev.type in _STRAIGHT_LINE) and untouched(prev.start_byte, prev.end_byte))):
            prev = prev.prev_named_sibling
    if prev is None or prev.type not in ("assignment_statement", "short_var_declaration"):
        return False
    left, right = prev.child_by_field_name("left"), prev.child_by_field_name("right")
    if left is None or right is None:
        return False
    lefts, rights = left.named_children, right.named_children
    for i, x in enumerate(lefts):
        if x.type == "identifier" and x.text == name and is_var(x):
            return len(rights) != len(lefts) or opaque(rights[i])
    return False


def may_eval_nil(e: Node, is_tracked) -> bool:
    """Could the dataflow find `e` nil (`nil`, a tracked variable: `is_tracked(identifier)`,
    a conversion or slice of one)? Comparing a variable with anything else neither refines
    it nor has a known outcome."""
    e = unparen(e)
    t = e.type
    if t == "identifier":
        return is_tracked(e)
    if t == "call_expression":
        fn = e.child_by_field_name("function")
        return fn is None or fn.type == "parenthesized_expression"  # `(*T)(x)`
    return t in ("nil", "type_conversion_expression", "slice_expression")


def quiet_uses(uses, *, func: Node, source: bytes, name: bytes, is_var, is_param: bool, may_eval_nil, no_goto: bool, index_derefs, by_name: bool) -> bool:
    """Can no finding be about a variable with these uses (identifier, nearest non-paren
    parent), spelled `name`, in `func`? (`is_var(identifier)`: is it the variable.)

    Findings about a variable come from its dereferences (nil, possibly nil, or compared with
    nil after one) and from its comparisons (outcome already known). So it is quiet when each
    use of it is one of:

    - a comparison that can neither refine it nor have a known outcome: the other operand is
      no `nil` and nothing the dataflow could find nil (`err == io.EOF`), or a switch on it
      without `case nil`;
    - a comparison right after an opaque assignment (see `shielded`): the variable is unknown
      there whatever came before, so nothing is decided;
    - a dereference (or what might be one) inside the body of an `if` that tested it
      `!= nil` and that does not assign it (see `guarded`): non-nil there;
    - inside a nested func literal, which the dataflow does not enter;
    - anything else, which no finding is about (`f(v)`, `return v`, `x := v`: what it is
      copied to is tracked, and judged, on its own).

    Shared by `NilAnalysis._quiet` (one declaration, `index_derefs()` from its type) and
    `SyntaxGate` (`by_name`: every variable of one name, types unknown; every declaration
    of the name counts as an assignment, an `if` whose initializer assigns it guards nothing)."""
    derefs: list[Node] = []
    targets: list[int] = []  # where the variable is assigned (and, by name, declared)
    inert = inert_comparisons(uses, may_eval_nil)
    for r, parent in uses:
        pt = parent.type
        if pt == "binary_expression":
            if r.start_byte in inert:
                continue
            if not shielded(parent, r, func, source, name, is_var, is_param, inert, no_goto) and not inside_literal(r, func):
                return False
        elif pt == "expression_switch_statement":
            if has_nil_case(parent) and not inside_literal(r, func):
                return False
        elif pt in ("type_switch_statement", "slice_expression", "type_conversion_expression"):
            if not inside_literal(r, func):
                return False  # the dataflow sees through these: `v[:] == nil` may have a known outcome
        elif pt == "index_expression":
            if parent.child_by_field_name("operand") == r and index_derefs():
                derefs.append(r)
        elif pt in ("selector_expression", "unary_expression", "type_assertion_expression", "call_expression"):
            derefs.append(r)
        elif pt == "argument_list":
            call = parent.parent
            fn = call.child_by_field_name("function") if call is not None else None
            if fn is not None and fn.type == "parenthesized_expression" and not inside_literal(r, func):
                return False  # `(*T)(v)`, like a conversion
            if fn is not None and fn.type == "identifier" and fn.text == b"panic":
                derefs.append(r)
        elif assigns(r, parent) or (by_name and (pt in _DECLARING_PARENTS or (pt == "expression_list" and parent.parent is not None and parent.parent.type == "type_switch_statement"))):
            targets.append(r.start_byte)
    if not derefs:
        return True
    # (a `goto` into a guarded body would skip its guard)
    return no_goto and all(guarded(r, func, is_var, targets, initializer_assigns=by_name) for r in derefs)


def assignment_guarded_by(condition: Node) -> Node | None:
    """The assignment an `if` checks right away: `condition` is the `if`'s whole condition,
    and the assignment is its initializer or the statement right before it."""
    ifs = condition.parent
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("condition") != condition:
        return None
    return assignment_before(ifs)


def fresh_check(cmp: Node, is_var) -> bool:
    """Is this comparison the condition of an `if` right after an assignment to the
    variable (`is_var(identifier)` says which identifiers are it)? The assignment is the
    `if`'s initializer or the statement right before it."""
    n = cmp
    while n.parent is not None and n.parent.type in ("binary_expression", "parenthesized_expression", "unary_expression"):
        n = n.parent
    prev = assignment_guarded_by(n)
    if prev is None:
        return False
    left = prev.child_by_field_name("left")
    return left is not None and any(x.type == "identifier" and is_var(x) for x in left.named_children)


def inert_comparisons(uses, may_eval_nil) -> set[int]:
    """Start bytes of the uses that are comparisons to no effect: not `==`/`!=`, or with an
    other operand that `may_eval_nil` says can never be nil (`err == io.EOF`)."""
    inert: set[int] = set()
    for r, parent in uses:
        if parent.type == "binary_expression":
            op = parent.child_by_field_name("operator")
            right = parent.child_by_field_name("right")
            other = parent.child_by_field_name("left") if right is not None and r.start_byte >= right.start_byte else right
            if op is None or op.type not in ("==", "!=") or (other is not None and not may_eval_nil(other)):
                inert.add(r.start_byte)
    return inert


def worth_of_uses(uses, *, fresh_check, var_kind, methods, nil_at_entry: bool, unknown_type_counts: bool, leave_bound) -> bool:
    """Can a variable with these uses (identifier, nearest non-paren parent) give a finding
    at all? It needs a nil comparison that is not just the check right after an opaque
    assignment, together with a dereference, a nil source or an allocation; or, without any
    comparison, a nil source and a dereference. Shared by `NilAnalysis._worth` (one
    declaration, its type from `var_kind()`) and `SyntaxGate._worth` (every variable of one
    name, types unknown: `unknown_type_counts` makes whatever a type could make a
    dereference or a nil source count as one, and `leave_bound=max` takes a leaving guard's
    shortcut only after the last guard, since the name may stand for several variables)."""
    comparisons = 0
    fresh = True
    cmps: list[Node] = []
    derefs: list[Node] = []
    deref = alloc = False
    nil_source = nil_at_entry
    for r, parent in uses:
        pt = parent.type
        if pt == "binary_expression":
            op = parent.child_by_field_name("operator")
            if op is not None and op.type in ("==", "!="):
                comparisons += 1
                cmps.append(parent)
                if fresh and not fresh_check(parent):
                    fresh = False
        elif pt in ("expression_switch_statement", "type_switch_statement"):
            comparisons += 1
            cmps.append(parent)
            fresh = False
        elif pt == "selector_expression":
            call = parent.parent
            if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == parent:
                # a method call dereferences only interfaces and pointers to types with methods here
                k = var_kind()
                counts = unknown_type_counts if k is None else (k.kind == "interface" or (k.kind == "pointer" and k.base in methods))
            else:
                counts = True
            if counts:
                deref = True
                derefs.append(r)
        elif pt in ("unary_expression", "index_expression", "slice_expression", "type_assertion_expression", "type_conversion_expression"):
            if pt in ("index_expression", "slice_expression", "type_conversion_expression"):
                k = var_kind()
                counts = unknown_type_counts if k is None else k.kind in ("ptr_array", "slice")
            elif pt == "unary_expression":
                op = parent.child_by_field_name("operator")
                counts = op is not None and op.type == "*"
            else:
                counts = True
            if counts:
                deref = True
                derefs.append(r)
        elif pt == "call_expression":
            deref = True
            derefs.append(r)
        elif pt == "argument_list":
            fn = parent.parent.child_by_field_name("function") if parent.parent is not None else None
            if (fn is not None and fn.type == "identifier" and fn.text == b"panic") or (fn is not None and fn.type == "parenthesized_expression"):
                deref = True
                derefs.append(r)
        elif pt == "var_spec":
            if parent.child_by_field_name("value") is None:
                k = var_kind()
                nil_source = nil_source or (unknown_type_counts if k is None else k.kind != "value")
            else:
                nil_source = True
        elif pt == "expression_list":
            stmt = parent.parent
            if stmt is not None and stmt.type in ("assignment_statement", "short_var_declaration") and stmt.child_by_field_name("left") == parent:
                right = stmt.child_by_field_name("right")
                values = right.named_children if right is not None else []
                lefts = parent.named_children
                if len(values) == len(lefts):
                    v = unparen(values[lefts.index(r)] if r in lefts else values[0])
                    vt = v.type
                    if vt == "nil" or vt == "identifier" or vt in ("type_conversion_expression", "slice_expression"):
                        nil_source = True
                    elif vt in ("unary_expression", "composite_literal", "func_literal") or (vt == "call_expression" and node_bytes(v).startswith((b"make(", b"new("))):
                        alloc = True
    if not comparisons:
        return nil_source and deref
    if alloc or nil_source or (comparisons > 1 and not fresh):
        return True
    if not derefs:
        return False
    # Guards that leave (`if x == nil { return }`) with every use after them, or a single
    # `if x != nil { ...uses... }`: nothing to find.
    guards = [_guard(c) for c in cmps]
    if all(g is not None and g[0] == "leave" for g in guards):
        bound = leave_bound(g[1].end_byte for g in guards)
        if all(x.start_byte >= bound for x in derefs):
            return False
    if len(guards) == 1 and guards[0] is not None and guards[0][0] == "then":
        body = guards[0][1]
        if all(body.start_byte <= x.start_byte < body.end_byte for x in derefs):
            return False
    return True

