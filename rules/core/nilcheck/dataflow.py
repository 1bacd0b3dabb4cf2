"""Forward nil / non-nil / unknown dataflow over a function's CFG (`analyzer/golang/cfg.py`).

Per local variable and parameter of the function (not captured ones, not those whose
address is taken, not those a closure assigns), a `Fact` (see `lattice`) says what is known
at each point.

Facts are refined on the edges of `x == nil`, `nil != x` (with `!`, `&&`, `||` already split
by the CFG) and `case nil`; reset by assignment. Along loop back edges, facts that came from
comparisons are dropped, so a check in an earlier iteration says nothing about this one.
After a call that probably never returns (`Block.may_not_return`), everything is forgotten.

`NilAnalysis(...).run()` returns `NilFinding`s: dereferences of nil, possible nil
dereferences, and nil comparisons whose outcome is already known. The nilcheck rule
reports them; other rules can use `state_at(block)`.
"""

from __future__ import annotations

import bisect
import heapq

from tree_sitter import Node

from analyzer.golang.cfg import CFG, Block, enclosing_function
from analyzer.golang.scope import Declaration
from analyzer.golang.source import GoFile, unparen, required_field

from .kinds import NilKinds, TypeKind
from .lattice import ALLOC, MAYBE, NIL, NIL_ASSIGN, NONNIL, NONNIL_MIXED, Fact, State, demote, meet_states, taint
from .prefilter import SyntaxGate, fresh_check, may_eval_nil, only_fresh_checks, quiet_uses, worth_of_uses
from .report import NilFinding
from .seeds import function_seeds
from .shapes import assigned_here, chain, comma_ok, copied_to, inside_literal, uses_in, var_specs
from .summaries import derefs_receiver_unguarded, package_methods

_MAX_REFERENCES = 300
_STATE_CHANGING = frozenset({"assignment_statement", "short_var_declaration", "inc_statement", "dec_statement", "var_declaration", "receive_statement", "send_statement"})
_NO_EVAL_CALLS = frozenset({"len", "cap"})


class NilAnalysis:
    """The dataflow for one function or func literal: `run()` -> findings."""

    def __init__(self, pass_, file: GoFile, func: Node, cfg: CFG | None = None, seeds: list[tuple[Node, str]] | None = None) -> None:
        """`seeds`: the function's SEED_QUERY captures when the caller has them already."""
        self._seeds = seeds
        self.pass_ = pass_
        self.file = file
        self.func = func
        self._cfg = cfg
        self.methods = package_methods(pass_.package).methods
        self.kinds = NilKinds(pass_)
        self.tracked: set[int] = set()
        self.decls: dict[int, Declaration] = {}
        self._ident_decl: dict[int, Declaration | None] = {}
        self.in_states: list[State | None] = []
        self._relevant: list[int] = []
        self.worth = False
        self._relevant_blocks: list[bool | None] = []
        self._changes_state: dict[int, bool] = {}  # block index -> has a statement `_taint` reacts to
        self.findings: list[NilFinding] = []
        self._emit = False
        self._reported: set[tuple[int, str]] = set()
        self._cur_block: Block | None = None

    # -- setup -----------------------------------------------------------------------------

    def _decl(self, ident: Node) -> Declaration | None:
        key = ident.start_byte
        if key in self._ident_decl:
            return self._ident_decl[key]
        d = self.pass_.resolve(self.file, ident)
        self._ident_decl[key] = d
        return d

    def _find_tracked(self) -> None:
        """Track only the variables nil is about: compared with nil, assigned nil, declared
        without a value, switched on with `case nil`, and what is converted or sliced or
        copied from those. Leave out those whose address is taken or a closure assigns."""
        func = self.func
        if self._seeds is not None and (only_fresh_checks(func, self._seeds) or SyntaxGate(self.file, func, self._seeds).cannot_report()):
            return
        seeds: list[Node] = []
        panics = False
        for node, capture in (self._seeds if self._seeds is not None else function_seeds(func)):
            if self._seeds is None and enclosing_function(node) != func:
                continue
            if capture == "pair":
                # `x != y`: only when both may be nil (type parameters with nilable terms)
                d = self._decl(node)
                k = self.kinds.of_var(d) if d is not None and d.kind in ("var", "param") else None
                if k is None or k.kind == "value":
                    continue
            self._relevant.append(node.start_byte)
            if capture != "panic":
                seeds.append(node)
            else:
                panics = True
        candidates: dict[int, Declaration] = {}
        excluded: set[int] = set()
        work = seeds
        rounds = 0
        while work and rounds < 8:
            rounds += 1
            derived: list[Node] = []
            for ident in work:
                d = self._decl(ident)
                if d is None or d.owner is None or d.kind not in ("var", "param", "result", "receiver") or d.owner != func:
                    continue
                key = id(d)
                if key in candidates:
                    continue
                candidates[key] = d
                if len(d.references) > _MAX_REFERENCES:
                    excluded.add(key)  # generated code: Node.parent is O(depth), stay linear
                    continue
                for r, parent in uses_in(func, d):
                    self._relevant.append(r.start_byte)
                    pt = parent.type
                    if pt == "unary_expression":
                        op = parent.child_by_field_name("operator")
                        if op is not None and op.type == "&":
                            excluded.add(key)
                            continue
                    if assigned_here(r, parent) and inside_literal(r, func):
                        excluded.add(key)
                        continue
                    target = copied_to(r, parent)
                    if target is not None:
                        derived.append(target)
            work = derived
        self.decls = {k: d for k, d in candidates.items() if k not in excluded}
        self.tracked = set(self.decls)
        self._relevant.sort()
        self.worth = panics or any(self._worth(d) and not self._quiet(d) for d in self.decls.values())

    def _worth(self, d: Declaration) -> bool:
        """Cheap syntactic test: can this variable give a finding at all? A variable only
        checked right after each assignment (`v, err := f(); if err != nil {...}`) and never
        dereferenced, allocated or set to nil cannot: no CFG for it."""
        kind: list = []

        def var_kind():
            if not kind:
                kind.append(self.kinds.of_var(d))
            return kind[0]

        nil_at_entry = False
        if d.kind == "result":
            k = var_kind()
            nil_at_entry = k is not None and k.kind != "value"
        return worth_of_uses(
            list(uses_in(self.func, d)),
            fresh_check=lambda cmp: fresh_check(cmp, lambda x: self._decl(x) is d),
            var_kind=var_kind,
            methods=self.methods,
            nil_at_entry=nil_at_entry,
            unknown_type_counts=False,
            leave_bound=min,
        )

    def _quiet(self, d: Declaration) -> bool:
        """A finer look at a variable `_worth` let through: can no finding be about it?
        (see `prefilter.quiet_uses`)"""
        func = self.func

        def index_derefs() -> bool:
            k = self.kinds.of_var(d)
            return k is not None and k.kind == "ptr_array"

        return quiet_uses(
            list(uses_in(func, d)),
            func=func,
            source=self.file.source,
            name=d.name.encode(),
            is_var=lambda x: self._decl(x) is d,
            is_param=d.kind in ("param", "receiver"),
            may_eval_nil=self._may_eval_nil,
            no_goto=self.file.source.find(b"goto", func.start_byte, func.end_byte) < 0,
            index_derefs=index_derefs,
            by_name=False,
        )

    def _may_eval_nil(self, e: Node) -> bool:
        return may_eval_nil(e, lambda x: self._var(x) is not None)

    def _is_relevant(self, node: Node) -> bool:
        rel = self._relevant
        i = bisect.bisect_left(rel, node.start_byte)
        return i < len(rel) and rel[i] < node.end_byte

    def _var(self, node: Node) -> Declaration | None:
        node = unparen(node)
        if node.type != "identifier":
            return None
        d = self._decl(node)
        if d is None or id(d) not in self.tracked:
            return None
        return d

    # -- driver ----------------------------------------------------------------------------

    @property
    def cfg(self) -> CFG:
        if self._cfg is None:
            self._cfg = self.pass_.cfg(self.file, self.func)
        return self._cfg

    def run(self) -> list[NilFinding]:
        self._find_tracked()
        if not self.worth:
            return []
        cfg = self.cfg
        self.in_states = [None] * len(cfg.blocks)
        self._relevant_blocks = [None] * len(cfg.blocks)
        order = _reverse_postorder(cfg)
        position = {b.index: i for i, b in enumerate(order)}
        back = cfg.back_edges()
        outs: dict[int, list[tuple[Block, State]]] = {}
        self.in_states[cfg.entry.index] = self._entry_state()
        pending = {cfg.entry.index}
        visits: dict[int, int] = {}
        heap = [(0, cfg.entry.index)]
        budget = 30 * len(cfg.blocks) + 100
        while heap:
            _, bi = heapq.heappop(heap)
            if bi not in pending:
                continue
            pending.discard(bi)
            budget -= 1
            if budget < 0:
                return []  # does not settle: say nothing rather than something wrong
            block = cfg.blocks[bi]
            edges = []
            state = self.in_states[bi]
            assert state is not None  # a pending block has been reached
            for succ, out in self._transfer(block, dict(state)):
                if out is not None:
                    edges.append((succ, demote(out) if (bi, succ.index) in back else out))
            outs[bi] = edges
            done = set()
            for succ, out in edges:
                si = succ.index
                if si in done:
                    continue
                done.add(si)
                new: State | None
                if len(succ.preds) == 1:
                    new = out
                else:
                    incoming = [o for p in succ.preds for x, o in outs.get(p.index, ()) if x is succ]
                    new = meet_states(incoming) if incoming else None
                old = self.in_states[si]
                if old is not None and new is not None and new != old:
                    visits[si] = visits.get(si, 0) + 1
                    if visits[si] > 2:
                        new = meet_states([old, new])  # widen: only ever lose facts from here on
                if new != old:
                    self.in_states[succ.index] = new
                    if succ.index not in pending:
                        pending.add(succ.index)
                        heapq.heappush(heap, (position.get(succ.index, len(order)), succ.index))
        # final pass: report from the settled states
        self._emit = True
        for b in cfg.blocks:
            st = self.in_states[b.index]
            if st is not None and b.live and self._block_relevant(b):
                self._transfer(b, dict(st))
        return self.findings

    def state_at(self, block: Block) -> State | None:
        """The facts on entry to `block` (None when no path reaches it), after `run()`."""
        return self.in_states[block.index]

    def _entry_state(self) -> State:
        st: State = {}
        for key, d in self.decls.items():
            if d.kind == "result" and d.type_node is not None:
                k = self.kinds.of_var(d)
                if k is not None and k.kind not in ("value",):
                    st[key] = NIL_ASSIGN
        return st

    # -- transfer ----------------------------------------------------------------------------

    def _block_relevant(self, block: Block) -> bool:
        """Does one of the block's nodes, its condition or its case (values, tag) contain a
        tracked use? Memoised per block: one bisect per node over the sorted positions."""
        r = self._relevant_blocks[block.index]
        if r is None:
            rel = self._relevant
            n_rel = len(rel)
            roots = block.nodes
            if block.cond is not None:
                roots = roots + [block.cond]
            case = block.case
            if case is not None:
                roots = roots + list(case.values) + ([case.tag] if case.tag is not None else [])
            r = False
            for n in roots:
                i = bisect.bisect_left(rel, n.start_byte)
                if i < n_rel and rel[i] < n.end_byte:
                    r = True
                    break
            self._relevant_blocks[block.index] = r
        return r

    def _transfer(self, block: Block, st: State) -> list[tuple[Block, State | None]]:
        self._cur_block = block
        if not self._block_relevant(block):
            # nothing tracked here: only a nil branch's assignments matter (see _taint)
            if st:
                changes = self._changes_state.get(block.index)
                if changes is None:
                    changes = self._changes_state[block.index] = any(n.type in _STATE_CHANGING for n in block.nodes)
                if changes:
                    taint(st)
            succs = block.succs
            if block.terminator in ("panic", "noreturn") or not succs:
                return []
            if block.may_not_return:
                return [(x, {}) for x in succs]
            if len(succs) == 1:
                return [(succs[0], st)]
            return [(succs[0], st), *((x, dict(st)) for x in succs[1:])]
        for node in block.nodes:
            self._node(node, st)
        if block.terminator in ("panic", "noreturn"):
            return []
        if block.cond is not None:
            if self._is_relevant(block.cond):
                self._walk(block.cond, st)
            t, f = self._refine_cond(block.cond, st, block)
            return [(block.succs[0], t), (block.succs[1], f)] if len(block.succs) == 2 else []
        if block.case is not None:
            for v in block.case.values:
                if not block.case.type_switch:
                    self._walk(v, st)
            t, f = self._refine_case(block, st)
            return [(block.succs[0], t), (block.succs[1], f)] if len(block.succs) == 2 else []
        if block.may_not_return:
            return [(s, {}) for s in block.succs]
        return [(s, dict(st)) for s in block.succs] if len(block.succs) > 1 else [(s, st) for s in block.succs]

    def _node(self, node: Node, st: State) -> None:
        t = node.type
        if t in _STATE_CHANGING:
            taint(st)
        rel = self._relevant
        i = bisect.bisect_left(rel, node.start_byte)
        if i == len(rel) or rel[i] >= node.end_byte:
            return  # nothing tracked inside (`_is_relevant`, inlined: most nodes stop here)
        if t == "range_clause":
            left = node.child_by_field_name("left")
            if left is not None:
                for x in left.named_children if left.type == "expression_list" else [left]:
                    self._assign(x, None, st)
            return
        if t in ("assignment_statement", "short_var_declaration", "receive_statement"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if right is not None:
                self._walk(right, st)
            lefts = (left.named_children if left.type == "expression_list" else [left]) if left is not None else []
            for x in lefts:
                if unparen(x).type != "identifier":
                    self._walk(x, st, store=True)
            rights = (right.named_children if right.type == "expression_list" else [right]) if right is not None else []
            op = node.child_by_field_name("operator")
            plain = t == "short_var_declaration" or (t == "assignment_statement" and op is not None and op.type == "=")
            if t == "receive_statement":
                plain = False
            values = [self._eval(r, st) for r in rights] if plain and len(rights) == len(lefts) else [None] * len(lefts)
            for x, v in zip(lefts, values):
                self._assign(x, v, st)
            return
        if t == "var_declaration":
            for spec in var_specs(node):
                value = spec.child_by_field_name("value")
                if value is not None:
                    self._walk(value, st)
                names = spec.children_by_field_name("name")
                vals = value.named_children if value is not None else []
                for i, name in enumerate(names):
                    if vals:
                        fact = self._eval(vals[i], st) if len(vals) == len(names) else None
                    else:
                        d = self._var(name)
                        k = self.kinds.of_var(d) if d is not None else None
                        fact = NIL_ASSIGN if k is not None and k.kind != "value" else None
                    self._assign(name, fact, st)
            return
        if t in ("inc_statement", "dec_statement"):
            operand = node.named_children[0] if node.named_children else None
            if operand is not None:
                if unparen(operand).type == "identifier":
                    self._assign(operand, None, st)
                else:
                    self._walk(operand, st, store=True)
            return
        self._walk(node, st)

    def _assign(self, target: Node, fact: Fact | None, st: State) -> None:
        d = self._var(target)
        if d is None:
            return
        key = id(d)
        if fact is None:
            st.pop(key, None)
        else:
            st[key] = fact

    # -- expression values -----------------------------------------------------------------

    def _eval(self, e: Node, st: State) -> Fact | None:
        for _ in range(64):
            e = unparen(e)
            t = e.type
            if t == "nil":
                return NIL_ASSIGN
            if t == "identifier":
                d = self._var(e)
                if d is None:
                    return None
                f = st.get(id(d))
                if f is None or f.kind == MAYBE:
                    return None
                return NIL_ASSIGN if f.kind == NIL else ALLOC
            if t in ("composite_literal", "func_literal"):
                return ALLOC
            if t == "unary_expression":
                op = e.child_by_field_name("operator")
                return ALLOC if op is not None and op.type == "&" else None
            if t == "call_expression":
                target = self.pass_.callee(self.file, e)
                if target in (("", "new"), ("", "make")):
                    return ALLOC
                conv = self._conversion(e)
                if conv is None:
                    return None
                typ, operand = conv
            elif t == "type_conversion_expression":
                typ, operand = required_field(e, "type"), required_field(e, "operand")
            elif t == "slice_expression":
                operand = required_field(e, "operand")
                base = unparen(operand) if operand is not None else None
                if base is not None and base.type == "identifier":
                    d = self._var(base)
                    k = self.kinds.of_var(d) if d is not None else None
                    if k is None or k.kind != "slice":
                        return None
                elif base is None or base.type != "slice_expression":
                    return None
                e = base
                continue
            else:
                return None
            return self._eval_conversion(typ, operand, st)
        return None

    def _eval_conversion(self, typ, operand: Node | None, st: State) -> Fact | None:
        if typ is None or operand is None:
            return None
        kind = self.kinds.of_type(self.file, typ)
        if kind is None:
            return None
        src = self._eval(operand, st) if unparen(operand).type != "call_expression" else None
        if kind.kind == "ptr_array":
            okind = self._operand_kind(operand)
            if okind is None or okind.kind != "slice":
                return None
            if kind.length is not None and kind.length > 0:
                return ALLOC  # a nil slice would have panicked
            return src if src is not None and src.kind == NIL else None
        if kind.kind == "interface":
            okind = self._operand_kind(operand)
            if src is not None and src.kind == NIL and okind is not None and okind.kind == "interface":
                return src
            return None
        if kind.kind == "pointer":
            return src
        return None

    def _operand_kind(self, operand: Node) -> TypeKind | None:
        operand = unparen(operand)
        if operand.type == "identifier":
            d = self._decl(operand)
            return self.kinds.of_var(d) if d is not None and d.kind in ("var", "param", "result", "receiver") else None
        if operand.type in ("type_conversion_expression",):
            return self.kinds.of_type(self.file, operand.child_by_field_name("type"))
        return None

    def _conversion(self, call: Node) -> tuple[Node | _PointerTo, Node] | None:
        """`(*T)(x)` parsed as a call: (type-ish node, operand) when the callee is a type."""
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is None or args is None or args.named_child_count != 1:
            return None
        inner = unparen(fn)
        if fn.type == "parenthesized_expression" and inner.type == "unary_expression":
            operand = inner.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                d = self.pass_.resolve(self.file, operand)
                if d is not None and d.kind == "type":
                    return _PointerTo(inner), args.named_children[0]
        return None

    # -- dereferences ----------------------------------------------------------------------

    def _walk(self, root: Node, st: State, store: bool = False) -> None:
        """Visit `root`'s expressions in (roughly) evaluation order, noting dereferences."""
        stack: list = [(root, st)]
        called: set[tuple[int, int]] = set()
        rel = self._relevant
        n_rel = len(rel)
        bisect_left = bisect.bisect_left
        if root.type == "selector_expression" and root.parent is not None and root.parent.type == "call_expression":
            called.add((root.start_byte, root.end_byte))
        while stack:
            item = stack.pop()
            if item[0] is None:
                # the next operand of an && / || chain runs only when the previous one let it
                _, ops, i, prev, is_and = item
                refined = self._branch_state(ops[i - 1], prev, is_and)
                if refined is None:
                    continue
                if i + 1 < len(ops):
                    stack.append((None, ops, i + 1, refined, is_and))
                stack.append((ops[i], refined))
                continue
            n, st = item
            t = n.type
            if t == "func_literal":
                continue
            i = bisect_left(rel, n.start_byte)
            if i == n_rel or rel[i] >= n.end_byte:
                continue  # nothing tracked inside (`_is_relevant`, inlined)
            if t == "binary_expression":
                op = n.child_by_field_name("operator")
                if op is not None and op.type in ("&&", "||"):
                    ops = chain(n, op.type)
                    stack.append((None, ops, 1, st, op.type == "&&"))
                    stack.append((ops[0], st))
                    continue
            if t == "selector_expression":
                operand = n.child_by_field_name("operand")
                d = self._var(operand) if operand is not None else None
                if d is not None:
                    if (n.start_byte, n.end_byte) in called:  # known from the call visited first, no .parent walk
                        self._method_call(n, d, st)
                    else:
                        self._deref(n, d, st, "field selection")
            elif t == "unary_expression":
                op = n.child_by_field_name("operator")
                operand = n.child_by_field_name("operand")
                if op is not None and op.type == "*" and operand is not None:
                    what = "store" if store and n == root else "load"
                    d = self._var(operand)
                    if d is not None:
                        self._deref(n, d, st, what)
                    else:
                        v = self._eval(operand, st)
                        if v is not None and v.kind == NIL and b"(nil)" not in operand.text:
                            self._finding(n, f"nil dereference in {what}", "nil-deref")
            elif t in ("index_expression", "slice_expression"):
                operand = n.child_by_field_name("operand")
                d = self._var(operand) if operand is not None else None
                if d is not None:
                    k = self.kinds.of_var(d)
                    if k is not None and k.kind == "ptr_array":
                        self._deref(n, d, st, "index operation" if t == "index_expression" else "slice operation")
            elif t == "type_assertion_expression":
                operand = n.child_by_field_name("operand")
                d = self._var(operand) if operand is not None else None
                if d is not None and not comma_ok(n):
                    self._deref(n, d, st, "type assertion")
            elif t == "call_expression":
                fn = n.child_by_field_name("function")
                if fn is not None and fn.type == "selector_expression":
                    called.add((fn.start_byte, fn.end_byte))
                target = self.pass_.callee(self.file, n)
                if target is not None and target[0] == "" and target[1] in _NO_EVAL_CALLS:
                    continue  # len(p.arr) of an array does not evaluate p
                if target is not None and target[0] == "unsafe":
                    continue
                if target == ("", "panic"):
                    self._panic(n, st)
                d = self._var(fn) if fn is not None else None
                if d is not None:
                    self._deref(n, d, st, "dynamic function call")
                conv = self._conversion(n)
                self._slice_cast(n, conv, st)
            elif t == "type_conversion_expression":
                typ, operand = n.child_by_field_name("type"), n.child_by_field_name("operand")
                if typ is not None and typ.type == "pointer_type" and typ.named_children and typ.named_children[0].type == "parenthesized_type":
                    # tree-sitter reads `*(*T)(x)` as a conversion to `*(*T)`: it is a load
                    typ = typ.named_children[0]
                    v = self._eval_conversion(typ, operand, st)
                    if v is not None and v.kind == NIL and unparen(operand).type != "nil":
                        self._finding(n, "nil dereference in load", "nil-deref")
                self._slice_cast(n, (typ, operand), st)
            children = n.named_children
            if children:
                stack.extend((c, st) for c in reversed(children))

    def _branch_state(self, cond: Node, st: State, when_true: bool) -> State | None:
        emit, self._emit = self._emit, False
        try:
            t, f = self._refine_cond(cond, dict(st), self._cur_block)
        finally:
            self._emit = emit
        out = t if when_true else f
        if out is None:
            return None
        # A later operand runs only on some paths: like a dereference that does not
        # post-dominate the check, it is no ground for a "possible" finding.
        return {k: v for k, v in out.items() if v.kind != MAYBE}

    def _slice_cast(self, n: Node, conv, st: State) -> None:
        if conv is None or conv[0] is None or conv[1] is None:
            return
        kind = self.kinds.of_type(self.file, conv[0])
        if kind is None or kind.kind != "ptr_array" or not kind.length:
            return
        okind = self._operand_kind(conv[1])
        v = self._eval(conv[1], st)
        if okind is not None and okind.kind == "slice" and v is not None and v.kind == NIL:
            self._finding(n, "nil slice being cast to an array of len > 0 will always panic", "nil-deref")

    def _panic(self, call: Node, st: State) -> None:
        args = call.child_by_field_name("arguments")
        if args is None or args.named_child_count != 1:
            return
        arg = unparen(args.named_children[0])
        if arg.type == "nil":
            self._finding(call, "panic with nil value", "panic-nil")
            return
        d = self._var(arg)
        if d is None:
            return
        f = st.get(id(d))
        k = self.kinds.of_var(d)
        if f is not None and f.kind == NIL and k is not None and k.kind == "interface":
            self._finding(call, f"panic with nil value ({d.name} is nil)", "panic-nil")

    def _method_call(self, sel: Node, d: Declaration, st: State) -> None:
        k = self.kinds.of_var(d)
        if k is None or k.kind not in ("pointer", "interface", "ptr_array"):
            # a pointer-receiver method of a named slice, map or func type may change it
            st.pop(id(d), None)
            return
        method = self.file.text(required_field(sel, "field"))
        if k.kind == "interface":
            self._deref(sel, d, st, "dynamic method call")
            return
        if k.kind != "pointer" or k.base is None:
            return
        info = self.methods.get(k.base, {}).get(method)
        if info is None:
            return
        mfile, mnode, pointer = info
        if not pointer:
            self._deref(sel, d, st, f"method call: ({k.base}).{method} has a value receiver")
        elif derefs_receiver_unguarded(mfile, mnode):
            self._deref(sel, d, st, f"method call: (*{k.base}).{method} dereferences its receiver")

    def _deref(self, node: Node, d: Declaration, st: State, what: str) -> None:
        key = id(d)
        f = st.get(key)
        if f is not None and f.kind == NIL:
            k = self.kinds.of_var(d)
            if what == "field selection" and k is not None and k.kind in ("slice", "map", "chan", "func", "value"):
                return
            self._finding(node, f"nil dereference in {what} ({d.name} is nil)", "nil-deref")
            return
        if f is not None and f.kind == MAYBE:
            check_block = self.cfg.blocks[f.block] if 0 <= f.block < len(self.cfg.blocks) else None
            here = self._cur_block
            if check_block is not None and here is not None and self.cfg.postdominates(here, check_block):
                line = f.node.start_point[0] + 1 if f.node is not None else 0
                why = ((f.node, f"{d.name} is compared with nil here, and the path where it is nil reaches the dereference"),) if f.node is not None else ()
                self._finding(node, f"possible nil pointer dereference ({d.name} is compared with nil at line {line})", "possible-nil-deref", why)
                st[key] = NONNIL_MIXED
                return
        if f is None or f.kind != NONNIL:
            st[key] = Fact(NONNIL, "deref", node)

    def _finding(self, node: Node, message: str, category: str, related: tuple[tuple[Node, str], ...] = ()) -> None:
        if not self._emit:
            return
        key = (node.start_byte, message)
        if key in self._reported:
            return
        self._reported.add(key)
        self.findings.append(NilFinding(node, message, category, related))

    # -- conditions ----------------------------------------------------------------------------

    def _refine_cond(self, cond: Node, st: State, block: Block | None) -> tuple[State | None, State | None]:
        c = unparen(cond)
        if c.type != "binary_expression":
            return st, dict(st)
        op = c.child_by_field_name("operator")
        if op is None or op.type not in ("==", "!="):
            return st, dict(st)
        eq = op.type == "=="
        left, right = unparen(required_field(c, "left")), unparen(required_field(c, "right"))
        if left.type == "nil":
            left, right = right, left
        if right.type != "nil":
            # two values: both nil on every path?
            a, b = self._eval(left, st), self._eval(right, st)
            if a is not None and b is not None and a.kind == NIL and b.kind == NIL and self._both_nilable(left, right):
                self._finding(c, f"{'tautological' if eq else 'impossible'} condition: nil {op.type} nil", "condition")
                return (st, None) if eq else (None, st)
            return st, dict(st)
        d = self._var(left)
        fact = st.get(id(d)) if d is not None else self._eval(left, st)
        name = d.name if d is not None else self.file.text(left)
        yes_nil = no_nil = None  # states where the value is nil / non-nil
        if fact is not None and fact.kind == NIL:
            self._finding(c, f"{'tautological' if eq else 'impossible'} condition: nil {op.type} nil ({name} is always nil here)", "condition")
            yes_nil, no_nil = st, None
        elif fact is not None and fact.kind == NONNIL:
            if fact.how == "deref" and fact.node is not None and d is not None:
                line = c.start_point[0] + 1
                why = ((c, f"{name} is compared with nil here, after the dereference"),)
                self._finding(fact.node, f"possible nil pointer dereference ({name} is compared with nil at line {line})", "possible-nil-deref", why)
            elif fact.how in ("alloc", "check"):
                self._finding(c, f"{'impossible' if eq else 'tautological'} condition: non-nil {op.type} nil ({name} is never nil here)", "condition")
            yes_nil, no_nil = None, st
        else:
            yes_nil, no_nil = dict(st), st
            if d is not None:
                yes_nil[id(d)] = Fact(NIL, "check", c, block.index if block is not None else -1)
                no_nil[id(d)] = Fact(NONNIL, "check")
        return (yes_nil, no_nil) if eq else (no_nil, yes_nil)

    def _both_nilable(self, a: Node, b: Node) -> bool:
        for x in (a, b):
            d = self._var(x)
            k = self.kinds.of_var(d) if d is not None else None
            if k is None or k.kind == "value":
                return False
        return True

    def _refine_case(self, block: Block, st: State) -> tuple[State | None, State | None]:
        case = block.case
        assert case is not None  # called for the blocks of switch cases
        tag = case.tag
        d = self._var(tag) if tag is not None else None
        if d is None:
            return st, dict(st)
        nils = [v for v in case.values if (v.type == "nil" or (case.type_switch and v.type == "type_identifier" and self.file.text(v) == "nil"))]
        fact = st.get(id(d))
        if not nils:
            if case.type_switch:
                yes = dict(st)
                if fact is None or fact.kind != NIL:
                    yes[id(d)] = Fact(NONNIL, "check")
                    return yes, st
                return None, st  # a nil interface matches no type case
            return st, dict(st)
        if fact is not None and fact.kind == NONNIL and fact.how in ("alloc", "check"):
            self._finding(nils[0], f"impossible condition: non-nil == nil ({d.name} is never nil here)", "condition")
            return (st, dict(st)) if len(nils) < len(case.values) else (None, st)
        if fact is not None and fact.kind == NIL:
            self._finding(nils[0], f"tautological condition: nil == nil ({d.name} is always nil here)", "condition")
            return st, None
        yes, no = dict(st), st
        if len(nils) == len(case.values):
            yes[id(d)] = Fact(NIL, "check", nils[0], block.index)
        else:
            yes.pop(id(d), None)
        no[id(d)] = Fact(NONNIL, "check")
        return yes, no


class _PointerTo:
    """Stands for the type `*T` of a conversion `(*T)(x)` parsed as a call."""

    def __init__(self, unary: Node) -> None:
        self.node = unary
        self.type = "pointer_type"
        self.named_children = [unary.child_by_field_name("operand")]


def _reverse_postorder(cfg: CFG) -> list[Block]:
    seen = {cfg.entry.index}
    post: list[Block] = []
    stack: list[tuple[Block, int]] = [(cfg.entry, 0)]
    while stack:
        b, i = stack[-1]
        if i < len(b.succs):
            stack[-1] = (b, i + 1)
            s = b.succs[i]
            if s.index not in seen:
                seen.add(s.index)
                stack.append((s, 0))
        else:
            post.append(b)
            stack.pop()
    post.reverse()
    return post
