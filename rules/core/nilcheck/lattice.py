"""What is known about a variable at one point: nil, non-nil or maybe, and how it is known.

- `NIL`: nil on every path here, from an assignment or zero value (`how="assign"`) or
  from a branch on a nil comparison (`how="check"`, `node` is the comparison);
- `NONNIL`: non-nil on every path, because of an allocation (`&T{}`, `new`, `make`,
  literals: `"alloc"`), a comparison (`"check"`), or a dereference that would have panicked
  otherwise (`"deref"`, `node` is the dereference);
- `MAYBE`: nil on some path because a nil comparison said so (`node` is the comparison),
  non-nil on the others; a meet with "unknown" forgets it.

A `State` maps a tracked declaration's id to its `Fact`; absent means unknown.
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

NIL, NONNIL, MAYBE = "nil", "non-nil", "maybe"


class Fact(NamedTuple):
    kind: str
    how: str  # assign | check | tainted | alloc | deref | mixed
    node: Node | None = None
    block: int = -1


ALLOC = Fact(NONNIL, "alloc")
NIL_ASSIGN = Fact(NIL, "assign")
NONNIL_MIXED = Fact(NONNIL, "mixed")

State = dict  # id(Declaration) -> Fact; absent means unknown


def _first(a: Node | None, b: Node | None) -> Node | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a.start_byte <= b.start_byte else b


def meet(a: Fact, b: Fact) -> Fact | None:
    if a == b:
        return a
    ka, kb = a.kind, b.kind
    if ka == kb:
        if ka == NIL:
            if a.how == "assign" or b.how == "assign":
                return NIL_ASSIGN
            if a.how == "tainted":
                return a
            if b.how == "tainted":
                return b
            return a if a.node is _first(a.node, b.node) else b
        if ka == NONNIL:
            hows = {a.how, b.how}
            if hows <= {"alloc", "check"}:
                return Fact(NONNIL, "check")
            return NONNIL_MIXED
        return a if a.node is _first(a.node, b.node) else b  # two MAYBEs
    if ka == NONNIL:
        a, b = b, a
        ka, kb = kb, ka
    # now a is NIL or MAYBE
    if kb == NONNIL:
        if ka == MAYBE:
            return a
        if a.how == "check":
            return Fact(MAYBE, "check", a.node, a.block)
        return None  # nil by assignment, or a nil branch that changed other state
    # NIL and MAYBE
    return a if ka == MAYBE else b


def meet_states(states: list[State]) -> State:
    first = states[0]
    if len(states) == 1:
        return dict(first)
    out: State = {}
    for key, fact in first.items():
        for other in states[1:]:
            g = other.get(key)
            if g is None:
                fact = None
                break
            fact = meet(fact, g)
            if fact is None:
                break
        if fact is not None:
            out[key] = fact
    return out


def demote(state: State) -> State:
    """Facts carried around a loop: comparisons made in an earlier iteration no longer count."""
    out: State = {}
    for k, f in state.items():
        if f.kind == NONNIL:
            if f.how == "alloc":
                out[k] = f
            else:
                out[k] = NONNIL_MIXED  # still non-nil, but no finding may rest on it
        elif f.kind == NIL and f.how == "assign":
            out[k] = f
    return out



def taint(st: State) -> None:
    """A nil branch that assigns something (an error, a flag) usually tells later code not
    to use the variable: its nil-ness then no longer makes a later dereference suspicious."""
    for k, f in st.items():
        if f.kind == NIL and f.how == "check":
            st[k] = Fact(NIL, "tainted", f.node, f.block)

