"""Control-flow graphs for Go functions and function literals, over the tree-sitter tree.

One `CFG` per function body. A `Block` holds, in evaluation order, the statements (and
for-range clauses, `case` communications) it executes; control leaves it by its `succs`:

- a block with a `cond` branches on that boolean expression: `succs[0]` when it is true,
  `succs[1]` when false. `&&`, `||`, `!` and parentheses are split into separate blocks,
  so every `cond` is a single comparison or other leaf expression;
- a block with a `case` is one `case` clause's test of a switch: `succs[0]` when the
  clause matches, `succs[1]` when it does not;
- `return` leads to `cfg.exit`; `panic` and never-returning calls (see
  `analyzer/golang/noreturn.py`) end their block with no successor (`terminator`);
- a block whose last call only *probably* never returns (a method named `Fatal` on a value
  of unknown type, say) keeps its successor and sets `may_not_return`, so that analyses
  wanting precision can drop what they know along that edge.

`defer` and `go` statements are ordinary nodes (their arguments are evaluated there);
`cfg.defers` lists the deferred calls. `goto`, labelled `break`/`continue` and
`fallthrough` are wired exactly. Blocks not reachable from the entry have `live == False`.

The builder is iterative (a trampoline over generators): no Python recursion over the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from tree_sitter import Node

from analyzer.golang.source import unparen, node_bytes

FUNCTION_NODES = frozenset({"function_declaration", "method_declaration", "func_literal"})

_NIL_STORE = re.compile(rb"\*\s*\(\s*\*\s*\w+\s*\)\s*\(\s*nil\s*\)\s*=[^=]")

# Statements that are straight-line code: recorded as one node of the current block.
_SIMPLE = frozenset(
    {
        "expression_statement",
        "send_statement",
        "inc_statement",
        "dec_statement",
        "assignment_statement",
        "short_var_declaration",
        "var_declaration",
        "const_declaration",
        "type_declaration",
        "go_statement",
        "defer_statement",
        "empty_statement",
    }
)


@dataclass(frozen=True)
class CaseTest:
    """One `case` of a switch: does `tag` (None for a tagless switch) match one of `values`?
    For a type switch `values` are types (`nil` is a `type_identifier` there)."""

    tag: Node | None
    values: tuple[Node, ...]
    clause: Node
    type_switch: bool = False


class Block:
    """A basic block; see the module docstring for `cond`, `case`, `terminator` and
    `may_not_return`. `index` is its position in `CFG.blocks`."""

    __slots__ = ("index", "kind", "nodes", "succs", "preds", "cond", "case", "terminator", "may_not_return", "live")

    def __init__(self, index: int, kind: str) -> None:
        self.index = index
        self.kind = kind
        self.nodes: list[Node] = []
        self.succs: list[Block] = []
        self.preds: list[Block] = []
        self.cond: Node | None = None
        self.case: CaseTest | None = None
        # "return", "panic", "noreturn" or "jump" when the block's last node ends the path.
        self.terminator: str | None = None
        self.may_not_return = False
        self.live = False

    def __repr__(self) -> str:
        return f"Block({self.index} {self.kind} -> {[s.index for s in self.succs]})"


NoReturnPredicate = Callable[[Node], "str | None"]
"""Given a call expression: "panic" or "noreturn" when it never returns, "maybe" when it
probably does not, else None."""


class CFG:
    def __init__(self, func: Node) -> None:
        self.func = func
        self.blocks: list[Block] = []
        self.entry: Block = self.new_block("entry")
        self.exit: Block = self.new_block("exit")
        self.defers: list[Node] = []
        self.labels: dict[str, Block] = {}
        self._back_edges: set[tuple[int, int]] | None = None
        self._postdom: list[int] | None = None

    def release(self) -> None:
        """Unlink the blocks (each points at its predecessors and successors, a reference
        cycle) so reference counting frees the graph as soon as nothing uses it."""
        for block in self.blocks:
            block.succs = []
            block.preds = []
        self.labels = {}

    def new_block(self, kind: str) -> Block:
        b = Block(len(self.blocks), kind)
        self.blocks.append(b)
        return b

    # -- queries -------------------------------------------------------------------

    @property
    def live_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.live]

    def exit_reachable(self) -> bool:
        """False when every path from the entry ends in a panic, a never-returning call or
        an endless loop: calling this function never returns."""
        return self.exit.live

    def block_of(self, node: Node) -> Block | None:
        """The block whose nodes, cond or case contain `node` (by byte range)."""
        best = None
        best_span = None
        for b in self.blocks:
            for n in _block_roots(b):
                if n.start_byte <= node.start_byte and node.end_byte <= n.end_byte:
                    span = n.end_byte - n.start_byte
                    if best_span is None or span < best_span:
                        best, best_span = b, span
        return best

    def back_edges(self) -> set[tuple[int, int]]:
        """Edges (from.index, to.index) that close a loop (to a block on the DFS stack)."""
        if self._back_edges is None:
            self._back_edges = _back_edges(self)
        return self._back_edges

    def postdominates(self, a: Block, b: Block) -> bool:
        """True when every path from `b` to the function's end passes through `a`.

        Path ends are the exit, never-returning calls, and for loops that never end, the
        edge that starts the next iteration: "within one iteration" post-dominance."""
        if self._postdom is None:
            self._postdom = _postdominators(self)
        return bool(self._postdom[b.index] >> a.index & 1)

    def dump(self, text: Callable[[Node], str]) -> str:
        """A readable listing, for tests and debugging."""
        out = []
        for b in self.blocks:
            head = f"{b.index} {b.kind}{'' if b.live else ' (dead)'}"
            if b.cond is not None:
                head += f" if {text(b.cond)}"
            if b.terminator:
                head += f" [{b.terminator}]"
            out.append(head + f" -> {[s.index for s in b.succs]}")
            for n in b.nodes:
                out.append("    " + text(n).split("\n", 1)[0])
        return "\n".join(out)


def _block_roots(b: Block) -> Iterator[Node]:
    yield from b.nodes
    if b.cond is not None:
        yield b.cond
    if b.case is not None:
        yield from b.case.values


def function_body(func: Node) -> Node | None:
    return func.child_by_field_name("body")


def enclosing_function(node: Node) -> Node | None:
    """The innermost function declaration, method or func literal containing `node`."""
    n = node.parent
    while n is not None:
        if n.type in FUNCTION_NODES:
            return n
        n = n.parent
    return None


def build_cfg(func: Node, noreturn: NoReturnPredicate | None = None) -> CFG:
    """The CFG of a function_declaration, method_declaration or func_literal. `noreturn`
    classifies calls in expression statements (see `NoReturnPredicate`)."""
    return _Builder(func, noreturn or _never).build()


def _never(call: Node) -> str | None:
    if call.type == "call_expression":
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and fn.text == b"panic":
            return "panic"
    return None


def _is_nil_store(s: Node) -> bool:
    left = s.child_by_field_name("left")
    first = left.named_child(0) if left is not None and left.named_child_count == 1 else None
    return first is not None and first.type in ("type_conversion_expression", "unary_expression") and _NIL_STORE.match(node_bytes(s)) is not None


@dataclass
class _Target:
    label: str | None
    brk: Block
    cont: Block | None


def _statements(node: Node | None) -> list[Node]:
    """The statements of a block, statement_list or case clause body."""
    if node is None:
        return []
    if node.type == "block":
        for c in node.named_children:
            if c.type == "statement_list":
                return [s for s in c.named_children if s.type != "comment"]
        return []
    if node.type == "statement_list":
        return [s for s in node.named_children if s.type != "comment"]
    # case clauses: statements live in a statement_list child
    for c in node.named_children:
        if c.type == "statement_list":
            return [s for s in c.named_children if s.type != "comment"]
    return []


class _Builder:
    def __init__(self, func: Node, noreturn: NoReturnPredicate) -> None:
        self.cfg = CFG(func)
        self.noreturn = noreturn
        self.targets: list[_Target] = []
        self.fallthrough: list[Block | None] = []
        self.pending_label: str | None = None

    # -- plumbing --------------------------------------------------------------------

    def build(self) -> CFG:
        cfg = self.cfg
        body = function_body(cfg.func)
        end = self._run(self._stmts(_statements(body), cfg.entry)) if body is not None else cfg.entry
        self.edge(end, cfg.exit)
        for b in cfg.blocks:
            for s in b.succs:
                s.preds.append(b)
        _mark_live(cfg)
        return cfg

    def _run(self, gen) -> Block:
        """Drive generator-based builders: a builder yields a sub-builder and receives the
        block where it ended; the Python stack stays flat however deep the statements nest."""
        stack = [gen]
        value = None
        while stack:
            try:
                sub = stack[-1].send(value)
            except StopIteration as stop:
                stack.pop()
                value = stop.value
                continue
            stack.append(sub)
            value = None
        assert isinstance(value, Block)  # what the outermost builder returned
        return value

    def new(self, kind: str) -> Block:
        return self.cfg.new_block(kind)

    @staticmethod
    def edge(a: Block, b: Block) -> None:
        if a.terminator is None:
            a.succs.append(b)

    def dead(self) -> Block:
        """A block after a jump: code here is unreachable unless a label makes it so."""
        return self.new("unreachable")

    def label_block(self, name: str) -> Block:
        b = self.cfg.labels.get(name)
        if b is None:
            b = self.cfg.labels[name] = self.new(f"label.{name}")
        return b

    def take_label(self) -> str | None:
        label, self.pending_label = self.pending_label, None
        return label

    # -- conditions --------------------------------------------------------------------

    def cond(self, expr: Node, cur: Block, yes: Block, no: Block) -> None:
        """Branch from `cur` on `expr`, splitting &&, || and ! into blocks."""
        work = [(expr, cur, yes, no)]
        while work:
            e, b, t, f = work.pop()
            e = unparen(e)
            if e.type == "binary_expression":
                op = e.child_by_field_name("operator")
                op_t = op.type if op is not None else ""
                left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
                if op_t == "&&" and left is not None and right is not None:
                    mid = self.new("cond.and")
                    work.append((right, mid, t, f))
                    work.append((left, b, mid, f))
                    continue
                if op_t == "||" and left is not None and right is not None:
                    mid = self.new("cond.or")
                    work.append((right, mid, t, f))
                    work.append((left, b, t, mid))
                    continue
            elif e.type == "unary_expression":
                op = e.child_by_field_name("operator")
                operand = e.child_by_field_name("operand")
                if op is not None and op.type == "!" and operand is not None:
                    work.append((operand, b, f, t))
                    continue
            b.cond = e
            b.succs[:] = [t, f]

    # -- statements ---------------------------------------------------------------------

    def _stmts(self, stmts: list[Node], cur: Block):
        simple = self._simple
        for s in stmts:
            t = s.type
            if t in _SIMPLE:
                # most statements: handled here, without a sub-generator round trip
                cur = simple(s, t, cur)
            else:
                cur = yield self._stmt(s, cur)
        return cur

    def _simple(self, s: Node, t: str, cur: Block) -> Block:
        """A straight-line statement (`_SIMPLE`): the block where the flow goes on after it."""
        cur.nodes.append(s)
        if t == "expression_statement":
            call = s.named_children[0] if s.named_child_count else None
            call = unparen(call) if call is not None else None
            if call is not None and call.type == "call_expression":
                kind = self.noreturn(call)
                if kind is None:
                    return cur
                if kind in ("panic", "noreturn"):
                    cur.terminator = kind
                    return self.dead()
                if kind == "maybe":
                    cur.may_not_return = True
                    nxt = self.new("after.call")
                    self.edge(cur, nxt)
                    return nxt
        elif t == "defer_statement":
            self.cfg.defers.append(s)
        elif t == "assignment_statement" and _is_nil_store(s):
            cur.terminator = "panic"  # `*(*int)(nil) = 0 // not reached`: a deliberate crash
            return self.dead()
        return cur

    def _stmt(self, s: Node, cur: Block):
        t = s.type
        if t in _SIMPLE:
            return self._simple(s, t, cur)
        if t == "block":
            return (yield self._stmts(_statements(s), cur))
        if t == "return_statement":
            cur.nodes.append(s)
            self.edge(cur, self.cfg.exit)
            cur.terminator = "return"
            return self.dead()
        if t == "if_statement":
            return (yield self._if(s, cur))
        if t == "for_statement":
            return (yield self._for(s, cur))
        if t in ("expression_switch_statement", "type_switch_statement"):
            return (yield self._switch(s, cur))
        if t == "select_statement":
            return (yield self._select(s, cur))
        if t == "labeled_statement":
            name_node = s.child_by_field_name("label")
            name = node_bytes(name_node).decode() if name_node is not None else ""
            lb = self.label_block(name)
            self.edge(cur, lb)
            inner = [c for c in s.named_children if c.type not in ("label_name", "comment")]
            if not inner:
                return lb
            if inner[0].type in ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"):
                self.pending_label = name
            return (yield self._stmt(inner[0], lb))
        if t in ("break_statement", "continue_statement"):
            label_node = next((c for c in s.named_children if c.type == "label_name"), None)
            label = node_bytes(label_node).decode() if label_node is not None else None
            target = self._target(label, t == "continue_statement")
            cur.nodes.append(s)
            if target is not None:
                self.edge(cur, target)
            cur.terminator = "jump"
            return self.dead()
        if t == "goto_statement":
            label_node = next((c for c in s.named_children if c.type == "label_name"), None)
            cur.nodes.append(s)
            if label_node is not None:
                self.edge(cur, self.label_block(node_bytes(label_node).decode()))
            cur.terminator = "jump"
            return self.dead()
        if t == "fallthrough_statement":
            cur.nodes.append(s)
            target = self.fallthrough[-1] if self.fallthrough else None
            if target is not None:
                self.edge(cur, target)
            cur.terminator = "jump"
            return self.dead()
        # anything else (comments, unknown or error nodes): keep it as straight-line code
        if t != "comment":
            cur.nodes.append(s)
        return cur

    def _target(self, label: str | None, is_continue: bool) -> Block | None:
        for tgt in reversed(self.targets):
            if label is not None and tgt.label != label:
                continue
            if is_continue:
                if tgt.cont is not None:
                    return tgt.cont
                if label is not None:
                    return None
                continue
            return tgt.brk
        return None

    def _if(self, s: Node, cur: Block):
        self.take_label()
        init = s.child_by_field_name("initializer")
        if init is not None:
            cur = yield self._stmt(init, cur)
        then = self.new("if.then")
        done = self.new("if.done")
        alt = s.child_by_field_name("alternative")
        els = self.new("if.else") if alt is not None else done
        cond = s.child_by_field_name("condition")
        if cond is not None:
            self.cond(cond, cur, then, els)
        else:
            self.edge(cur, then)
        end = yield self._stmts(_statements(s.child_by_field_name("consequence")), then)
        self.edge(end, done)
        if alt is not None:
            end = yield self._stmt(alt, els)
            self.edge(end, done)
        return done

    def _for(self, s: Node, cur: Block):
        label = self.take_label()
        body_node = s.child_by_field_name("body")
        clause = next((c for c in s.named_children if c.type not in ("block", "comment")), None)
        body = self.new("for.body")
        done = self.new("for.done")
        if clause is not None and clause.type == "range_clause":
            right = clause.child_by_field_name("right")
            if right is not None:
                cur.nodes.append(right)
            head = self.new("range.head")
            head.nodes.append(clause)
            self.edge(cur, head)
            head.succs.extend((body, done))
            cont = head
        else:
            init = cond = update = None
            if clause is not None and clause.type == "for_clause":
                init = clause.child_by_field_name("initializer")
                cond = clause.child_by_field_name("condition")
                update = clause.child_by_field_name("update")
            elif clause is not None:
                cond = clause
            if init is not None:
                cur = yield self._stmt(init, cur)
            head = self.new("for.head")
            self.edge(cur, head)
            if cond is not None:
                self.cond(cond, head, body, done)
            else:
                self.edge(head, body)
            if update is not None:
                cont = self.new("for.post")
                cont.nodes.append(update)
                self.edge(cont, head)
            else:
                cont = head
        self.targets.append(_Target(label, done, cont))
        end = yield self._stmts(_statements(body_node), body)
        self.targets.pop()
        self.edge(end, cont)
        return done

    def _switch(self, s: Node, cur: Block):
        label = self.take_label()
        type_switch = s.type == "type_switch_statement"
        init = s.child_by_field_name("initializer")
        if init is not None:
            cur = yield self._stmt(init, cur)
        tag = s.child_by_field_name("value")
        if tag is not None:
            cur.nodes.append(tag)
        clauses = [c for c in s.named_children if c.type in ("expression_case", "type_case", "default_case")]
        bodies = [self.new("switch.body") for _ in clauses]
        done = self.new("switch.done")
        default_index = next((i for i, c in enumerate(clauses) if c.type == "default_case"), None)
        prev = cur
        for i, c in enumerate(clauses):
            if i == default_index:
                continue
            if type_switch:
                values = tuple(c.children_by_field_name("type"))
            else:
                vl = c.child_by_field_name("value")
                values = tuple(vl.named_children) if vl is not None else ()
            if tag is None and not type_switch:
                # tagless switch: each value is a condition tried in turn
                for v in values:
                    test = self.new("switch.case")
                    self.edge(prev, test)
                    nxt = self.new("switch.next")
                    self.cond(v, test, bodies[i], nxt)
                    prev = nxt
                continue
            test = self.new("switch.case")
            self.edge(prev, test)
            test.case = CaseTest(tag, values, c, type_switch)
            nxt = self.new("switch.next")
            test.succs.extend((bodies[i], nxt))
            prev = nxt
        self.edge(prev, bodies[default_index] if default_index is not None else done)
        self.targets.append(_Target(label, done, None))
        for i, c in enumerate(clauses):
            self.fallthrough.append(bodies[i + 1] if i + 1 < len(bodies) else None)
            end = yield self._stmts(_statements(c), bodies[i])
            self.fallthrough.pop()
            self.edge(end, done)
        self.targets.pop()
        return done

    def _select(self, s: Node, cur: Block):
        label = self.take_label()
        done = self.new("select.done")
        self.targets.append(_Target(label, done, None))
        for c in s.named_children:
            if c.type not in ("communication_case", "default_case"):
                continue
            body = self.new("select.case")
            self.edge(cur, body)
            comm = c.child_by_field_name("communication")
            if comm is not None:
                body.nodes.append(comm)
            end = yield self._stmts(_statements(c), body)
            self.edge(end, done)
        self.targets.pop()
        return done


# -- graph algorithms (all iterative) ------------------------------------------------------


def _mark_live(cfg: CFG) -> None:
    stack = [cfg.entry]
    cfg.entry.live = True
    while stack:
        b = stack.pop()
        for s in b.succs:
            if not s.live:
                s.live = True
                stack.append(s)


def _back_edges(cfg: CFG) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    state = [0] * len(cfg.blocks)  # 0 new, 1 on stack, 2 done
    stack: list[tuple[Block, int]] = [(cfg.entry, 0)]
    state[cfg.entry.index] = 1
    while stack:
        b, i = stack[-1]
        if i < len(b.succs):
            stack[-1] = (b, i + 1)
            s = b.succs[i]
            if state[s.index] == 1:
                out.add((b.index, s.index))
            elif state[s.index] == 0:
                state[s.index] = 1
                stack.append((s, 0))
        else:
            state[b.index] = 2
            stack.pop()
    return out


def _postdominators(cfg: CFG) -> list[int]:
    """Post-dominator sets as bitsets. Path ends (blocks without successors) lead to a
    virtual exit; so do the back edges of loops that never end, which makes
    post-dominance inside an endless loop mean "on every path through one iteration"."""
    n = len(cfg.blocks)
    virtual = n
    succs = [[s.index for s in b.succs] for b in cfg.blocks]
    preds: list[list[int]] = [[] for _ in range(n)]
    for b in range(n):
        for s in succs[b]:
            preds[s].append(b)
    sinks = [b for b in range(n) if not succs[b]]
    reach = set(sinks)
    stack = list(sinks)
    while stack:
        x = stack.pop()
        for p in preds[x]:
            if p not in reach:
                reach.add(p)
                stack.append(p)
    for b in sinks:
        succs[b] = [virtual]
    for a, b in cfg.back_edges():
        if b not in reach:
            succs[a] = succs[a] + [virtual]
    full = (1 << (n + 1)) - 1
    pdom = [full] * n + [1 << virtual]
    changed = True
    while changed:
        changed = False
        for b in range(n - 1, -1, -1):
            acc = full
            for s in succs[b]:
                acc &= pdom[s]
            new = acc | (1 << b)
            if new != pdom[b]:
                pdom[b] = new
                changed = True
    return [p if p != full else (1 << b) for b, p in enumerate(pdom[:n])]
