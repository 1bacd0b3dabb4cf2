"""Forward nil / non-nil / unknown dataflow over a function's CFG (`analyzer/golang/cfg.py`).

Per local variable and parameter of the function (not captured ones, not those whose
address is taken, not those a closure assigns), a `Fact` says what is known at each point:

- `NIL`: nil on every path here, from an assignment or zero value (`how="assign"`) or
  from a branch on a nil comparison (`how="check"`, `node` is the comparison);
- `NONNIL`: non-nil on every path, because of an allocation (`&T{}`, `new`, `make`,
  literals: `"alloc"`), a comparison (`"check"`), or a dereference that would have panicked
  otherwise (`"deref"`, `node` is the dereference);
- `MAYBE`: nil on some path because a nil comparison said so (`node` is the comparison),
  non-nil on the others; a meet with "unknown" forgets it.

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
import re
import heapq
from dataclasses import dataclass
from typing import NamedTuple
from weakref import WeakKeyDictionary

from tree_sitter import Node

import tree_sitter

from analyzer.golang.cfg import CFG, Block, enclosing_function as enclosing_function_of
from analyzer.golang.scope import Declaration
from analyzer.golang.source import GO_LANGUAGE, GoFile, unparen

NIL, NONNIL, MAYBE = "nil", "non-nil", "maybe"


class Fact(NamedTuple):
    kind: str
    how: str  # assign | check | alloc | deref | mixed
    node: Node | None = None
    block: int = -1


_ALLOC = Fact(NONNIL, "alloc")
_NIL_ASSIGN = Fact(NIL, "assign")
_NONNIL_MIXED = Fact(NONNIL, "mixed")

State = dict  # Declaration -> Fact; absent means unknown


@dataclass(frozen=True)
class NilFinding:
    node: Node
    message: str
    category: str  # "nil-deref" | "possible-nil-deref" | "condition" | "panic-nil"


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
                return _NIL_ASSIGN
            if a.how == "tainted":
                return a
            if b.how == "tainted":
                return b
            return a if a.node is _first(a.node, b.node) else b
        if ka == NONNIL:
            hows = {a.how, b.how}
            if hows <= {"alloc", "check"}:
                return Fact(NONNIL, "check")
            return _NONNIL_MIXED
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


def _demote(state: State) -> State:
    """Facts carried around a loop: comparisons made in an earlier iteration no longer count."""
    out: State = {}
    for k, f in state.items():
        if f.kind == NONNIL:
            if f.how == "alloc":
                out[k] = f
            else:
                out[k] = _NONNIL_MIXED  # still non-nil, but no finding may rest on it
        elif f.kind == NIL and f.how == "assign":
            out[k] = f
    return out


# -- what the package's declarations say about types -----------------------------------------

_NILABLE_NAMED = {"error": "interface", "any": "interface"}
_VALUE_TYPES = frozenset(
    "bool byte comparable complex64 complex128 float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr".split()
)
# Well-known interfaces of the standard library, by their usual qualified spelling.
_STD_INTERFACES = frozenset(
    "context.Context io.Reader io.Writer io.Closer io.ReadCloser io.WriteCloser io.ReadWriter io.ReadWriteCloser "
    "io.ReaderAt io.WriterTo io.ReaderFrom io.Seeker io.ByteReader fmt.Stringer net.Conn net.Listener net.Addr "
    "http.Handler http.ResponseWriter http.RoundTripper reflect.Type sort.Interface hash.Hash fs.File fs.FS os.Signal".split()
)
_NONNIL_CALLS = {("errors", "New"), ("fmt", "Errorf")}


class TypeKind(NamedTuple):
    kind: str  # pointer | ptr_array | interface | func | slice | map | chan | nilable | value
    base: str | None = None  # for pointers to a named type of this package: its name
    length: int | None = None  # for pointers to arrays


class PackageTypes:
    """Package-level declarations: named types, methods, function signatures."""

    def __init__(self, files: list[GoFile]) -> None:
        self.types: dict[str, tuple[GoFile, Node]] = {}
        self.methods: dict[str, dict[str, tuple[GoFile, Node, bool]]] = {}
        self.funcs: dict[str, tuple[GoFile, Node]] = {}
        for f in files:
            for top in f.root.named_children:
                t = top.type
                if t == "type_declaration":
                    for spec in top.named_children:
                        if spec.type in ("type_spec", "type_alias"):
                            name, typ = spec.child_by_field_name("name"), spec.child_by_field_name("type")
                            if name is not None and typ is not None:
                                self.types[f.text(name)] = (f, typ)
                elif t == "function_declaration":
                    name = top.child_by_field_name("name")
                    if name is not None:
                        self.funcs[f.text(name)] = (f, top)
                elif t == "method_declaration":
                    name = top.child_by_field_name("name")
                    recv = top.child_by_field_name("receiver")
                    if name is None or recv is None:
                        continue
                    for p in recv.named_children:
                        if p.type != "parameter_declaration":
                            continue
                        typ = p.child_by_field_name("type")
                        pointer = False
                        while typ is not None and typ.type in ("pointer_type", "parenthesized_type", "generic_type"):
                            if typ.type == "pointer_type":
                                pointer = True
                            typ = typ.child_by_field_name("type") if typ.type == "generic_type" else (typ.named_children[0] if typ.named_children else None)
                        if typ is not None and typ.type == "type_identifier":
                            self.methods.setdefault(f.text(typ), {})[f.text(name)] = (f, top, pointer)
                        break


_TYPES: "WeakKeyDictionary[object, PackageTypes]" = WeakKeyDictionary()


def package_types(package) -> PackageTypes:
    t = _TYPES.get(package)
    if t is None:
        t = _TYPES[package] = PackageTypes(package.files)
    return t


def _array_length(file: GoFile, arr: Node) -> int | None:
    length = arr.child_by_field_name("length")
    if length is not None and length.type == "int_literal":
        try:
            return int(file.text(length).replace("_", ""), 0)
        except ValueError:
            return None
    return None


class _TypeOracle:
    def __init__(self, pass_, types: PackageTypes) -> None:
        self.pass_ = pass_
        self.types = types
        self._var_kinds: dict[int, TypeKind | None] = {}

    def kind_of(self, file: GoFile, typ: Node | None) -> TypeKind | None:
        for _ in range(8):  # named types of named types, bounded
            if typ is None:
                return None
            t = typ.type
            if t == "parenthesized_type":
                typ = typ.named_children[0] if typ.named_children else None
                continue
            if t == "pointer_type":
                inner = typ.named_children[0] if typ.named_children else None
                while inner is not None and inner.type == "parenthesized_type":
                    inner = inner.named_children[0] if inner.named_children else None
                if inner is not None and inner.type == "array_type":
                    return TypeKind("ptr_array", None, _array_length(file, inner))
                base = None
                if inner is not None and inner.type == "generic_type":
                    inner = inner.child_by_field_name("type")
                if inner is not None and inner.type == "type_identifier":
                    decl = self.pass_.resolve(file, inner)
                    if decl is None or (decl.kind == "type" and decl.owner is None):
                        base = file.text(inner)
                return TypeKind("pointer", base)
            if t == "interface_type":
                return TypeKind("interface")
            if t == "function_type":
                return TypeKind("func")
            if t == "slice_type":
                return TypeKind("slice")
            if t == "map_type":
                return TypeKind("map")
            if t == "channel_type":
                return TypeKind("chan")
            if t in ("struct_type", "array_type"):
                return TypeKind("value")
            if t == "qualified_type":
                return TypeKind("interface") if file.text(typ) in _STD_INTERFACES else None
            if t == "generic_type":
                typ = typ.child_by_field_name("type")
                continue
            if t == "type_identifier":
                name = file.text(typ)
                decl = self.pass_.resolve(file, typ)
                if decl is not None and decl.kind == "type" and decl.owner is not None and decl.spec is not None and decl.spec.type == "type_parameter_declaration":
                    return self._type_param_kind(decl)
                if decl is not None and decl.kind == "type" and decl.type_node is not None and decl.file is not None:
                    if decl.owner is not None:  # a type declared inside a function
                        file, typ = decl.file, decl.type_node
                        continue
                    file, typ = decl.file, decl.type_node
                    continue
                if name in _NILABLE_NAMED and (decl is None or decl.kind == "type"):
                    return TypeKind(_NILABLE_NAMED[name])
                if name in _VALUE_TYPES:
                    return TypeKind("value")
                return None
            return None
        return None

    def _type_param_kind(self, decl: Declaration) -> TypeKind | None:
        """A type parameter whose constraint's every term is nilable has a nil zero value."""
        c = decl.type_node
        if c is None or c.type != "type_constraint":
            return None
        kinds = set()
        for term in c.named_children:
            inner = term.named_children[0] if term.type == "negated_type" and term.named_children else term
            k = self.kind_of(decl.file, inner)
            if k is None or k.kind in ("value", "interface"):
                return None
            kinds.add(k.kind)
        if not kinds:
            return None
        return TypeKind(kinds.pop()) if len(kinds) == 1 else TypeKind("nilable")

    def var_kind(self, decl: Declaration) -> TypeKind | None:
        key = id(decl)
        if key in self._var_kinds:
            return self._var_kinds[key]
        self._var_kinds[key] = None  # cycles
        out = self._var_kind(decl)
        self._var_kinds[key] = out
        return out

    def _var_kind(self, decl: Declaration) -> TypeKind | None:
        f = decl.file
        if f is None:
            return None
        if decl.type_node is not None:
            return self.kind_of(f, decl.type_node)
        v = decl.value
        if v is None or decl.kind not in ("var",):
            return None
        if decl.spec is not None and decl.spec.type in ("range_clause", "type_switch_statement"):
            return None
        v = unparen(v)
        return self.expr_kind(f, v, decl.index)

    def expr_kind(self, f: GoFile, v: Node, index: int = 0) -> TypeKind | None:
        t = v.type
        if t == "unary_expression":
            op = v.child_by_field_name("operator")
            operand = v.child_by_field_name("operand")
            if op is not None and op.type == "&" and operand is not None and unparen(operand).type == "composite_literal":
                typ = unparen(operand).child_by_field_name("type")
                if typ is not None and typ.type == "type_identifier":
                    return TypeKind("pointer", f.text(typ))
                return TypeKind("pointer")
            return None
        if t == "composite_literal":
            return self.kind_of(f, v.child_by_field_name("type"))
        if t == "func_literal":
            return TypeKind("func")
        if t == "type_conversion_expression":
            return self.kind_of(f, v.child_by_field_name("type"))
        if t == "type_assertion_expression" and index == 0:
            return self.kind_of(f, v.child_by_field_name("type"))
        if t == "identifier" and index == 0:
            decl = self.pass_.resolve(f, v)
            if decl is not None and decl.kind in ("var", "param", "result", "receiver"):
                return self.var_kind(decl)
            return None
        if t == "call_expression":
            fn = unparen(v.child_by_field_name("function"))
            args = v.child_by_field_name("arguments")
            target = self.pass_.callee(f, v)
            if target == ("", "new") and args is not None and args.named_children:
                a = args.named_children[0]
                return TypeKind("pointer", f.text(a) if a.type == "type_identifier" else None)
            if target == ("", "make") and args is not None and args.named_children:
                return self.kind_of(f, args.named_children[0])
            if target in _NONNIL_CALLS:
                return TypeKind("interface")
            if target is not None and target[0] == "" and target[1] in self.types.funcs:
                ff, fnode = self.types.funcs[target[1]]
                results = _result_types(fnode)
                if index < len(results):
                    return self.kind_of(ff, results[index])
                return None
            if fn.type == "parenthesized_expression":
                inner = unparen(fn)
                if inner.type == "unary_expression" and inner.child_by_field_name("operand") is not None:
                    operand = inner.child_by_field_name("operand")
                    if operand.type == "identifier":
                        d = self.pass_.resolve(f, operand)
                        if d is not None and d.kind == "type":
                            return TypeKind("pointer", f.text(operand) if d.owner is None else None)
            return None
        return None


def _result_types(fn: Node) -> list[Node]:
    res = fn.child_by_field_name("result")
    if res is None:
        return []
    if res.type != "parameter_list":
        return [res]
    out: list[Node] = []
    for p in res.named_children:
        if p.type == "parameter_declaration":
            typ = p.child_by_field_name("type")
            names = p.children_by_field_name("name")
            out.extend([typ] * max(1, len(names)))
    return out


def derefs_receiver_unguarded(file: GoFile, method: Node) -> bool:
    """True when a pointer-receiver method dereferences its receiver before anything could
    guard it: in its straight-line opening statements, before any nil comparison of it."""
    recv = method.child_by_field_name("receiver")
    body = method.child_by_field_name("body")
    if recv is None or body is None:
        return False
    name = None
    for p in recv.named_children:
        if p.type == "parameter_declaration":
            n = p.child_by_field_name("name")
            name = file.text(n) if n is not None else None
    if not name or name == "_":
        return False
    from analyzer.golang.cfg import _statements

    simple = ("expression_statement", "assignment_statement", "short_var_declaration", "return_statement", "inc_statement", "dec_statement", "send_statement", "var_declaration")
    for stmt in _statements(body):
        parts = [stmt] if stmt.type in simple else [c for c in (stmt.child_by_field_name("initializer"), stmt.child_by_field_name("condition"), stmt.child_by_field_name("value")) if c is not None]
        for part in parts:
            stack = [part]
            while stack:
                n = stack.pop()
                t = n.type
                if t == "func_literal":
                    continue
                if t == "binary_expression" and b"nil" in file.source[n.start_byte : n.end_byte] and name.encode() in file.source[n.start_byte : n.end_byte]:
                    return False  # guarded (or at least considered)
                if t == "selector_expression":
                    op = unparen(n.child_by_field_name("operand"))
                    parent = n.parent
                    is_call = parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == n
                    if op.type == "identifier" and file.text(op) == name and not is_call:
                        return True
                if t == "unary_expression":
                    o = n.child_by_field_name("operator")
                    op = n.child_by_field_name("operand")
                    if o is not None and o.type == "*" and op is not None and unparen(op).type == "identifier" and file.text(unparen(op)) == name:
                        return True
                if t == "call_expression":
                    fn = n.child_by_field_name("function")
                    if fn is not None and fn.type == "identifier" and file.text(fn) in ("len", "cap"):
                        continue
                stack.extend(reversed(n.named_children))
        if stmt.type not in simple:
            return False
    return False


# -- the analysis -------------------------------------------------------------------------------

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
"""Where nil is involved: the identifiers a nil analysis starts from. Rules can put it in
their own query (the capture names are `nil.*`) and hand the matches to `NilAnalysis`."""

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
        return typ.text.decode() not in _VALUE_TYPES
    if typ.type == "qualified_type":
        return typ.text.decode() in _STD_INTERFACES
    return True


def _seed_captures(func: Node):
    cursor = tree_sitter.QueryCursor(_SEED_QUERY)
    cursor.match_limit = 1024
    for _, caps in cursor.matches(func):
        yield from seed_captures(caps)


def _only_fresh_checks(func: Node, seeds: list[tuple[Node, str]]) -> bool:
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
        ifs = cmp.parent
        if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("condition") != cmp:
            return False
        prev = _assignment_before(ifs)
        if prev is None:
            return False
        name = node.text
        left, right = prev.child_by_field_name("left"), prev.child_by_field_name("right")
        if left is None or right is None:
            return False
        lefts, rights = left.named_children, right.named_children
        if not any(x.text == name for x in lefts):
            return False
        if len(rights) == len(lefts):
            v = unparen(rights[[x.text for x in lefts].index(name)])
            if v.type != "call_expression" or v.text.startswith((b"make(", b"new(")):
                return False
        elif len(rights) != 1 or unparen(rights[0]).type != "call_expression":
            return False
        names.add(name)
    body = func.child_by_field_name("body")
    if body is None:
        return True
    text = body.text
    for name in names:
        if re.search(rb"(?<![\w.])" + re.escape(name) + rb"\s*[.\[(]", text) or re.search(rb"\*\s*" + re.escape(name) + rb"\b", text):
            return False
    return True


def _assigned_here(ident: Node, parent: Node) -> bool:
    if parent.type in ("inc_statement", "dec_statement"):
        return True
    if parent.type == "expression_list" and parent.parent is not None and parent.parent.type in _ASSIGN_PARENTS:
        return parent.parent.child_by_field_name("left") == parent
    return False


def _inside_literal(node: Node, func: Node) -> bool:
    n = node.parent
    while n is not None and n != func:
        if n.type == "func_literal":
            return True
        n = n.parent
    return False


def _copied_to(ref: Node, parent: Node) -> Node | None:
    """For `y := x`, `y := T(x)`, `y := x[:]`: the identifier `y` the value of `x` flows to."""
    expr = ref
    p = parent
    for _ in range(4):
        if p.type in ("type_conversion_expression", "slice_expression") or (p.type == "argument_list" and p.named_child_count == 1):
            expr = p if p.type != "argument_list" else p.parent
            p = expr.parent if expr is not None else None
            while p is not None and p.type == "parenthesized_expression":
                expr, p = p, p.parent
            if p is None:
                return None
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


_LEAVING_NAME = re.compile(r"^(?:[Ff]atal|[Pp]anic|[Ee]xit|[Tt]hrow$|[Ff]ail[Nn]ow$|[Ss]kip|[Gg]oexit$)")

_MAX_REFERENCES = 300

_STATE_CHANGING = frozenset({"assignment_statement", "short_var_declaration", "inc_statement", "dec_statement", "var_declaration", "receive_statement", "send_statement"})


def _assignment_before(ifs: Node) -> Node | None:
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


def _uses_in(func: Node, d: Declaration):
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


def _taint(st: State) -> None:
    """A nil branch that assigns something (an error, a flag) usually tells later code not
    to use the variable: its nil-ness then no longer makes a later dereference suspicious."""
    for k, f in st.items():
        if f.kind == NIL and f.how == "check":
            st[k] = Fact(NIL, "tainted", f.node, f.block)


_ASSIGN_PARENTS = frozenset({"assignment_statement", "short_var_declaration", "range_clause", "receive_statement"})
_NO_EVAL_CALLS = frozenset({"len", "cap"})


# Statements that run straight through (see cfg._SIMPLE); labelled ones are not among them.
_STRAIGHT_LINE = frozenset(
    {"expression_statement", "send_statement", "inc_statement", "dec_statement", "assignment_statement", "short_var_declaration", "var_declaration", "const_declaration", "type_declaration", "go_statement", "defer_statement", "empty_statement"}
)


def _opaque(value: Node) -> bool:
    """A value `_eval` knows nothing of: a call that is neither `new`, `make` nor a
    conversion `(*T)(x)`; an index, field, type assertion, operator or literal value."""
    v = unparen(value)
    t = v.type
    if t == "call_expression":
        fn = v.child_by_field_name("function")
        return fn is not None and fn.type != "parenthesized_expression" and not (fn.type == "identifier" and fn.text in (b"new", b"make"))
    return t not in ("nil", "identifier", "composite_literal", "func_literal", "unary_expression", "type_conversion_expression", "slice_expression")


def _inside(node: Node, func: Node, types: tuple[str, ...]) -> bool:
    n = node.parent
    while n is not None and n != func:
        if n.type in types:
            return True
        n = n.parent
    return False


def _has_nil_case(switch: Node) -> bool:
    for clause in switch.named_children:
        if clause.type == "expression_case":
            values = clause.child_by_field_name("value")
            if values is not None and any(unparen(v).type == "nil" for v in values.named_children):
                return True
    return False


def _assigns(ident: Node, parent: Node) -> bool:
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
_NOT_BEFORE_NAME = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_." + bytes(range(0x80, 0x100)))
# Bytes that continue an identifier (ASCII letters, digits, `_`, any byte of a multi-byte letter).
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_" + bytes(range(0x80, 0x100)))
_MAX_NAME_USES = 400
# The only parents from which `_copied_to` finds a copy.
_COPY_PARENTS = frozenset({"type_conversion_expression", "slice_expression", "argument_list", "expression_list"})
# Where an identifier (re)declares or assigns a name, beyond what `_assigns` covers.
_DECLARING_PARENTS = frozenset({"parameter_declaration", "variadic_parameter_declaration", "const_spec", "type_parameter_declaration"})


def _name_uses(func: Node, source: bytes, name: bytes) -> list[tuple[Node, Node]] | None:
    """Every `identifier` spelled `name` inside `func` (declarations too), with its nearest
    enclosing node that is not a parenthesis: a superset of `_uses_in(func, d)` for every
    declaration `d` of that name. None when there are too many to be cheap.

    Found by text: in valid Go an identifier is neither preceded nor followed by an
    identifier byte (ASCII letters, digits, `_`, and every byte of a multi-byte UTF-8
    letter); preceded by `.` it is a field or a qualified name, never an `identifier`. Each
    hit is then checked to be an `identifier` node exactly there (not text in a string,
    comment or longer name)."""
    out = []
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
                out.update(n.text for n in p.children_by_field_name("name"))
    return out


class _SyntaxGate:
    """Can the dataflow for `func` report nothing? Decided from the syntax tree alone, before
    any name resolution (`Pass.resolve` resolves a whole top-level declaration, the largest
    cost of the analysis for the thousands of functions that have a nil check but nothing
    to report).

    `NilAnalysis` runs its dataflow only when a `panic` seed exists or some tracked
    variable `d` has `_worth(d) and not _quiet(d)`; without that it reports nothing. This
    gate mirrors both tests per *name* instead of per declaration, and each step is an
    over-approximation, so `cannot_report()` implies, for every declaration `d` that
    `_find_tracked` could track, `not _worth(d) or _quiet(d)`:

    - tracked names: those of the seeds, closed over `_copied_to` on every identifier of
      such a name (a superset of the tracked declarations' names); `_uses_in(func, d)` is
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
                    continue  # `_copied_to` would say None at once
                target = _copied_to(r, parent)
                if target is not None:
                    t = target.text
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
        func = self.func
        derefs: list[Node] = []
        targets: list[int] = []  # where the name is declared or assigned
        inert = inert_comparisons(uses, self._may_eval_nil)
        no_goto = self.no_goto
        for r, parent in uses:
            pt = parent.type
            if pt == "binary_expression":
                if r.start_byte in inert:
                    continue
                if not shielded(parent, r, func, self.file.source, name, lambda x: True, name in self._param_names(), inert, no_goto) and not _inside_literal(r, func):
                    return False
            elif pt == "expression_switch_statement":
                if _has_nil_case(parent) and not _inside_literal(r, func):
                    return False
            elif pt in ("type_switch_statement", "slice_expression", "type_conversion_expression"):
                if not _inside_literal(r, func):
                    return False
            elif pt == "index_expression":
                if parent.child_by_field_name("operand") == r:
                    derefs.append(r)
            elif pt in ("selector_expression", "unary_expression", "type_assertion_expression", "call_expression"):
                derefs.append(r)
            elif pt == "argument_list":
                call = parent.parent
                fn = call.child_by_field_name("function") if call is not None else None
                if fn is not None and fn.type == "parenthesized_expression" and not _inside_literal(r, func):
                    return False
                if fn is not None and fn.type == "identifier" and fn.text == b"panic":
                    derefs.append(r)
            elif _assigns(r, parent) or pt in _DECLARING_PARENTS or (pt == "expression_list" and parent.parent is not None and parent.parent.type == "type_switch_statement"):
                targets.append(r.start_byte)
        if not derefs:
            return True
        return no_goto and all(guarded(r, self.func, lambda x: x.text == name, targets, initializer_assigns=True) for r in derefs)

    def _may_eval_nil(self, e: Node) -> bool:
        e = unparen(e)
        t = e.type
        if t == "identifier":
            return e.text in self.names
        if t == "call_expression":
            fn = e.child_by_field_name("function")
            return fn is None or fn.type == "parenthesized_expression"
        return t in ("nil", "type_conversion_expression", "slice_expression")


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
    from analyzer.golang.cfg import _statements

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
            if name is not None and (name.text == b"panic" or _LEAVING_NAME.match(name.text.decode("utf-8", "replace"))):
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
    from analyzer.golang.cfg import _statements

    stmts = _statements(ifs.child_by_field_name("consequence"))
    return bool(stmts) and stmts[-1].type in ("return_statement", "break_statement", "continue_statement")


def _tests_nil(cond: Node | None, is_var, chain: str, test: str) -> bool:
    """Is `cond`, or an operand of its `chain` ("&&" or "||") chain, `v <test> nil`?"""
    if cond is None:
        return False
    c = unparen(cond)
    op = c.child_by_field_name("operator") if c.type == "binary_expression" else None
    for operand in _chain(c, chain) if op is not None and op.type == chain else [c]:
        x = unparen(operand)
        if x.type != "binary_expression":
            continue
        o = x.child_by_field_name("operator")
        if o is None or o.type != test:
            continue
        left, right = unparen(x.child_by_field_name("left")), unparen(x.child_by_field_name("right"))
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
        if body is not None and untouched(body.start_byte, ident.start_byte) and not _inside(cmp, func, ("for_statement", "func_literal")):
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
            return len(rights) != len(lefts) or _opaque(rights[i])
    return False


def fresh_check(cmp: Node, is_var) -> bool:
    """Is this comparison the condition of an `if` right after an assignment to the
    variable (`is_var(identifier)` says which identifiers are it)? The assignment is the
    `if`'s initializer or the statement right before it."""
    n = cmp
    while n.parent is not None and n.parent.type in ("binary_expression", "parenthesized_expression", "unary_expression"):
        n = n.parent
    ifs = n.parent
    if ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("condition") != n:
        return False
    prev = _assignment_before(ifs)
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
    declaration, its type from `var_kind()`) and `_SyntaxGate._worth` (every variable of one
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
                    elif vt in ("unary_expression", "composite_literal", "func_literal") or (vt == "call_expression" and v.text.startswith((b"make(", b"new("))):
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


class NilAnalysis:
    """The dataflow for one function or func literal: `run()` -> findings."""

    def __init__(self, pass_, file: GoFile, func: Node, cfg: CFG | None = None, seeds: list[tuple[Node, str]] | None = None) -> None:
        """`seeds`: the function's SEED_QUERY captures when the caller has them already."""
        self._seeds = seeds
        self.pass_ = pass_
        self.file = file
        self.func = func
        self._cfg = cfg
        self.types = package_types(pass_.package)
        self.oracle = _TypeOracle(pass_, self.types)
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
        if self._seeds is not None and (_only_fresh_checks(func, self._seeds) or _SyntaxGate(self.file, func, self._seeds).cannot_report()):
            return
        seeds: list[Node] = []
        panics = False
        for node, capture in (self._seeds if self._seeds is not None else _seed_captures(func)):
            if self._seeds is None and enclosing_function_of(node) != func:
                continue
            if capture == "pair":
                # `x != y`: only when both may be nil (type parameters with nilable terms)
                d = self._decl(node)
                k = self.oracle.var_kind(d) if d is not None and d.kind in ("var", "param") else None
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
                for r, parent in _uses_in(func, d):
                    self._relevant.append(r.start_byte)
                    pt = parent.type
                    if pt == "unary_expression":
                        op = parent.child_by_field_name("operator")
                        if op is not None and op.type == "&":
                            excluded.add(key)
                            continue
                    if _assigned_here(r, parent) and _inside_literal(r, func):
                        excluded.add(key)
                        continue
                    target = _copied_to(r, parent)
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
                kind.append(self.oracle.var_kind(d))
            return kind[0]

        nil_at_entry = False
        if d.kind == "result":
            k = var_kind()
            nil_at_entry = k is not None and k.kind != "value"
        return worth_of_uses(
            list(_uses_in(self.func, d)),
            fresh_check=lambda cmp: fresh_check(cmp, lambda x: self._decl(x) is d),
            var_kind=var_kind,
            methods=self.types.methods,
            nil_at_entry=nil_at_entry,
            unknown_type_counts=False,
            leave_bound=min,
        )

    def _quiet(self, d: Declaration) -> bool:
        """A finer look at a variable `_worth` let through: can no finding be about it?

        Findings about `d` come from its dereferences (nil, possibly nil, or compared with
        nil after one) and from its comparisons (outcome already known). So `d` is quiet
        when each use of it is one of:

        - a comparison that can neither refine `d` nor have a known outcome: the other
          operand is no `nil` and nothing `_eval` could find nil (`err == io.EOF`), or a
          switch on `d` without `case nil`;
        - a comparison right after an opaque assignment of `d` (see `shielded`): `d` is
          unknown there whatever came before, so nothing is decided;
        - a dereference (or what might be one) inside the body of an `if` that tested
          `d != nil` and that does not assign `d` (see `guarded`): non-nil there;
        - inside a nested func literal, which this function's dataflow does not enter;
        - anything else, which no finding is about (`f(d)`, `return d`, `x := d`: what `d`
          is copied to is tracked, and judged, on its own)."""
        func = self.func
        name = d.name.encode()
        derefs: list[Node] = []
        targets: list[int] = []  # where `d` is assigned
        uses = list(_uses_in(func, d))
        inert = inert_comparisons(uses, self._may_eval_nil)  # where `d` is compared to no effect
        no_goto = self.file.source.find(b"goto", func.start_byte, func.end_byte) < 0
        for r, parent in uses:
            pt = parent.type
            if pt == "binary_expression":
                if r.start_byte in inert:
                    continue
                if not shielded(parent, r, func, self.file.source, name, lambda x: self._decl(x) is d, d.kind in ("param", "receiver"), inert, no_goto) and not _inside_literal(r, func):
                    return False
            elif pt == "expression_switch_statement":
                if _has_nil_case(parent) and not _inside_literal(r, func):
                    return False
            elif pt == "type_switch_statement":
                if not _inside_literal(r, func):
                    return False
            elif pt in ("slice_expression", "type_conversion_expression"):
                if not _inside_literal(r, func):
                    return False  # `_eval` sees through these: `d[:] == nil` may have a known outcome
            elif pt == "index_expression":
                if parent.child_by_field_name("operand") == r:
                    k = self.oracle.var_kind(d)
                    if k is not None and k.kind == "ptr_array":
                        derefs.append(r)
            elif pt in ("selector_expression", "unary_expression", "type_assertion_expression", "call_expression"):
                derefs.append(r)
            elif pt == "argument_list":
                call = parent.parent
                fn = call.child_by_field_name("function") if call is not None else None
                if fn is not None and fn.type == "parenthesized_expression" and not _inside_literal(r, func):
                    return False  # `(*T)(d)`, like a conversion
                if fn is not None and fn.type == "identifier" and fn.text == b"panic":
                    derefs.append(r)
            elif _assigns(r, parent):
                targets.append(r.start_byte)
        if not derefs:
            return True
        # (a `goto` into a guarded body would skip its guard)
        return no_goto and all(guarded(r, self.func, lambda x: self._decl(x) is d, targets, initializer_assigns=False) for r in derefs)

    def _may_eval_nil(self, e: Node) -> bool:
        """Could `_eval` find `e` nil (`nil`, a tracked variable, a conversion or slice of one)?
        Comparing a variable with anything else neither refines it nor has a known outcome."""
        e = unparen(e)
        t = e.type
        if t == "identifier":
            return self._var(e) is not None
        if t == "call_expression":
            fn = e.child_by_field_name("function")
            return fn is None or fn.type == "parenthesized_expression"  # `(*T)(x)`
        return t in ("nil", "type_conversion_expression", "slice_expression")


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
            for succ, out in self._transfer(block, dict(self.in_states[bi])):
                if out is not None:
                    edges.append((succ, _demote(out) if (bi, succ.index) in back else out))
            outs[bi] = edges
            done = set()
            for succ, out in edges:
                si = succ.index
                if si in done:
                    continue
                done.add(si)
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
                k = self.oracle.var_kind(d)
                if k is not None and k.kind not in ("value",):
                    st[key] = _NIL_ASSIGN
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
                    _taint(st)
            succs = block.succs
            if block.terminator in ("panic", "noreturn") or not succs:
                return []
            if block.may_not_return:
                return [(x, {}) for x in succs]
            if len(succs) == 1:
                return [(succs[0], st)]
            return [(succs[0], st)] + [(x, dict(st)) for x in succs[1:]]
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
            _taint(st)
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
            for spec in _var_specs(node):
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
                        k = self.oracle.var_kind(d) if d is not None else None
                        fact = _NIL_ASSIGN if k is not None and k.kind != "value" else None
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
                return _NIL_ASSIGN
            if t == "identifier":
                d = self._var(e)
                if d is None:
                    return None
                f = st.get(id(d))
                if f is None or f.kind == MAYBE:
                    return None
                return _NIL_ASSIGN if f.kind == NIL else _ALLOC
            if t in ("composite_literal", "func_literal"):
                return _ALLOC
            if t == "unary_expression":
                op = e.child_by_field_name("operator")
                return _ALLOC if op is not None and op.type == "&" else None
            if t == "call_expression":
                target = self.pass_.callee(self.file, e)
                if target in (("", "new"), ("", "make")):
                    return _ALLOC
                conv = self._conversion(e)
                if conv is None:
                    return None
                typ, operand = conv
            elif t == "type_conversion_expression":
                typ, operand = e.child_by_field_name("type"), e.child_by_field_name("operand")
            elif t == "slice_expression":
                operand = e.child_by_field_name("operand")
                base = unparen(operand) if operand is not None else None
                if base is not None and base.type == "identifier":
                    d = self._var(base)
                    k = self.oracle.var_kind(d) if d is not None else None
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
        kind = self.oracle.kind_of(self.file, typ)
        if kind is None:
            return None
        src = self._eval(operand, st) if unparen(operand).type != "call_expression" else None
        if kind.kind == "ptr_array":
            okind = self._operand_kind(operand)
            if okind is None or okind.kind != "slice":
                return None
            if kind.length is not None and kind.length > 0:
                return _ALLOC  # a nil slice would have panicked
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
            return self.oracle.var_kind(d) if d is not None and d.kind in ("var", "param", "result", "receiver") else None
        if operand.type in ("type_conversion_expression",):
            return self.oracle.kind_of(self.file, operand.child_by_field_name("type"))
        return None

    def _conversion(self, call: Node) -> tuple[Node, Node] | None:
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
                    ops = _chain(n, op.type)
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
                    k = self.oracle.var_kind(d)
                    if k is not None and k.kind == "ptr_array":
                        self._deref(n, d, st, "index operation" if t == "index_expression" else "slice operation")
            elif t == "type_assertion_expression":
                operand = n.child_by_field_name("operand")
                d = self._var(operand) if operand is not None else None
                if d is not None and not _comma_ok(n):
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
        kind = self.oracle.kind_of(self.file, conv[0])
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
        k = self.oracle.var_kind(d)
        if f is not None and f.kind == NIL and k is not None and k.kind == "interface":
            self._finding(call, f"panic with nil value ({d.name} is nil)", "panic-nil")

    def _method_call(self, sel: Node, d: Declaration, st: State) -> None:
        k = self.oracle.var_kind(d)
        if k is None or k.kind not in ("pointer", "interface", "ptr_array"):
            # a pointer-receiver method of a named slice, map or func type may change it
            st.pop(id(d), None)
            return
        method = self.file.text(sel.child_by_field_name("field"))
        if k.kind == "interface":
            self._deref(sel, d, st, "dynamic method call")
            return
        if k.kind != "pointer" or k.base is None:
            return
        info = self.types.methods.get(k.base, {}).get(method)
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
            k = self.oracle.var_kind(d)
            if what == "field selection" and k is not None and k.kind in ("slice", "map", "chan", "func", "value"):
                return
            self._finding(node, f"nil dereference in {what} ({d.name} is nil)", "nil-deref")
            return
        if f is not None and f.kind == MAYBE:
            check_block = self.cfg.blocks[f.block] if 0 <= f.block < len(self.cfg.blocks) else None
            here = self._cur_block
            if check_block is not None and here is not None and self.cfg.postdominates(here, check_block):
                line = f.node.start_point[0] + 1 if f.node is not None else 0
                self._finding(node, f"possible nil pointer dereference ({d.name} is compared with nil at line {line})", "possible-nil-deref")
                st[key] = _NONNIL_MIXED
                return
        if f is None or f.kind != NONNIL:
            st[key] = Fact(NONNIL, "deref", node)

    def _finding(self, node: Node, message: str, category: str) -> None:
        if not self._emit:
            return
        key = (node.start_byte, message)
        if key in self._reported:
            return
        self._reported.add(key)
        self.findings.append(NilFinding(node, message, category))

    # -- conditions ----------------------------------------------------------------------------

    def _refine_cond(self, cond: Node, st: State, block: Block) -> tuple[State | None, State | None]:
        c = unparen(cond)
        if c.type != "binary_expression":
            return st, dict(st)
        op = c.child_by_field_name("operator")
        if op is None or op.type not in ("==", "!="):
            return st, dict(st)
        eq = op.type == "=="
        left, right = unparen(c.child_by_field_name("left")), unparen(c.child_by_field_name("right"))
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
                self._finding(fact.node, f"possible nil pointer dereference ({name} is compared with nil at line {line})", "possible-nil-deref")
            elif fact.how in ("alloc", "check"):
                self._finding(c, f"{'impossible' if eq else 'tautological'} condition: non-nil {op.type} nil ({name} is never nil here)", "condition")
            yes_nil, no_nil = None, st
        else:
            yes_nil, no_nil = dict(st), st
            if d is not None:
                yes_nil[id(d)] = Fact(NIL, "check", c, block.index)
                no_nil[id(d)] = Fact(NONNIL, "check")
        return (yes_nil, no_nil) if eq else (no_nil, yes_nil)

    def _both_nilable(self, a: Node, b: Node) -> bool:
        for x in (a, b):
            d = self._var(x)
            k = self.oracle.var_kind(d) if d is not None else None
            if k is None or k.kind == "value":
                return False
        return True

    def _refine_case(self, block: Block, st: State) -> tuple[State | None, State | None]:
        case = block.case
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


def _chain(n: Node, op: str) -> list[Node]:
    """Operands of `a && b && c` (left-nested) in evaluation order, iteratively."""
    rights = []
    while True:
        rights.append(n.child_by_field_name("right"))
        left = n.child_by_field_name("left")
        inner = unparen(left)
        o = inner.child_by_field_name("operator") if inner.type == "binary_expression" else None
        if o is not None and o.type == op:
            n = inner
            continue
        rights.append(left)
        break
    return [x for x in reversed(rights) if x is not None]


def _comma_ok(assertion: Node) -> bool:
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


def _var_specs(decl: Node):
    for c in decl.named_children:
        if c.type == "var_spec":
            yield c
        elif c.type == "var_spec_list":
            for s in c.named_children:
                if s.type == "var_spec":
                    yield s


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
