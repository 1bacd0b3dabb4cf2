"""What this package's functions and methods say about nil, for their callers.

- `PackageMethods`: the methods declared in the package, by receiver base type, with
  whether the receiver is a pointer; `derefs_receiver_unguarded`: whether a pointer-receiver
  method dereferences its receiver before anything could guard it (so calling it on nil
  panics);
- `PackageResults`: which results a function or method may return as nil together with a
  non-nil error, bottom-up over the package's call graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from tree_sitter import Node

import tree_sitter

from analyzer.golang.cfg import _statements, enclosing_function
from analyzer.golang.source import GO_LANGUAGE, GoFile, unparen, required_field
from analyzer.golang.receiver import receiver_type

from .kinds import NilKinds


class PackageMethods:
    """Methods by receiver base type name: {type: {method: (file, declaration, pointer receiver)}}."""

    def __init__(self, files: list[GoFile]) -> None:
        self.methods: dict[str, dict[str, tuple[GoFile, Node, bool]]] = {}
        for f in files:
            for top in f.root.named_children:
                name = top.child_by_field_name("name") if top.type == "method_declaration" else None
                receiver = receiver_type(f, top) if name is not None else None
                if receiver is not None and name is not None:
                    self.methods.setdefault(receiver[0], {})[f.text(name)] = (f, top, receiver[1])


_METHODS: "WeakKeyDictionary[object, PackageMethods]" = WeakKeyDictionary()


def package_methods(package) -> PackageMethods:
    m = _METHODS.get(package)
    if m is None:
        m = _METHODS[package] = PackageMethods(package.files)
    return m


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
                    op = unparen(required_field(n, "operand"))
                    parent = n.parent
                    is_call = parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == n
                    if op.type == "identifier" and file.text(op) == name and not is_call:
                        return True
                if t == "unary_expression":
                    o = n.child_by_field_name("operator")
                    op = required_field(n, "operand")
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




# -- which results a function may return as nil, and with which error ------------------------

_MAX_ROUNDS = 8  # propagation rounds over the package call graph


@dataclass(frozen=True)
class NilReturn:
    """Evidence that a function returns nil in a result slot with a certainly non-nil error:
    the return statement, `how` in words ("returns nil with an error at a.go:12") and the
    trace as steps (file, node, message) from where the nil starts to this function's return."""

    file: GoFile
    ret: Node
    how: str
    trace: tuple[tuple[GoFile, Node, str], ...]


class FuncResults:
    """A function or method of the package whose results end with `error`."""

    def __init__(self, file: GoFile, node: Node, result_types: list[Node]) -> None:
        self.file = file
        self.node = node
        name = node.child_by_field_name("name")
        self.name = file.text(name) if name is not None else "the function"
        self.result_types = result_types
        # slot -> a return that gives nil in that slot while the error is certainly non-nil
        self.nil_with_error: dict[int, NilReturn] = {}
        # for a lone `error` result: every return gives a non-nil error
        self.never_nil_error = False


def _result_types(fn: Node) -> list[Node] | None:
    res = fn.child_by_field_name("result")
    if res is None:
        return []
    if res.type != "parameter_list":
        return [res]
    out: list[Node] = []
    for p in res.named_children:
        if p.type != "parameter_declaration":
            continue
        typ = p.child_by_field_name("type")
        if typ is None:
            return None
        out.extend([typ] * max(1, len(p.children_by_field_name("name"))))
    return out


class PackageResults:
    """Bottom-up summaries of the package's functions and methods that return an error:
    which other results they may return as nil together with a non-nil error, propagated
    through `return g(...)` over the package's call graph (like go/analysis facts, within
    one package), and which `error`-only functions never return nil (error constructors).

    Evidence is certain only: `return nil, errors.New(...)`, `return nil, &E{...}`,
    `return nil, err` directly inside `if err != nil { ... }` (no assignment of `err` before
    it there), `return nil, newErr(...)` of an error constructor of this package, or
    `return g(...)` of a function that does the same. Functions that call `recover` are
    left out (a deferred recover may rewrite what they return)."""

    def __init__(self, pass_) -> None:
        self.pass_ = pass_
        self.kinds = NilKinds(pass_)
        self.funcs: dict[str, FuncResults] = {}  # name -> function
        self.methods: dict[tuple[str, str], FuncResults] = {}  # (receiver base type, name) -> method
        self.names: set[str] = set()  # names of functions and methods with two or more results, the last `error`
        self._ready = False
        for f in pass_.package.files:
            for top in f.root.named_children:
                if top.type not in ("function_declaration", "method_declaration"):
                    continue
                name = top.child_by_field_name("name")
                types = _result_types(top)
                if name is None or not types or types[-1].type != "type_identifier" or f.text(types[-1]) != "error":
                    continue
                if top.child_by_field_name("body") is None or top.child_by_field_name("type_parameters") is not None:
                    continue
                info = FuncResults(f, top, types)
                if top.type == "function_declaration":
                    self.funcs[f.text(name)] = info
                else:
                    receiver = receiver_type(f, top)
                    if receiver is None:
                        continue
                    self.methods[(receiver[0], f.text(name))] = info
                if len(types) >= 2:
                    self.names.add(f.text(name))

    def summary(self, info: FuncResults) -> FuncResults:
        if not self._ready:
            self._ready = True
            self._propagate()
        return info

    def _propagate(self) -> None:
        infos = [*self.funcs.values(), *self.methods.values()]
        returns = {id(i): [r for r in _returns(i.node) if not _calls_recover(i)] for i in infos}
        for _ in range(_MAX_ROUNDS):
            changed = False
            for info in infos:
                rets = returns[id(info)]
                if len(info.result_types) == 1:
                    never = bool(rets) and all(self._certain_error(info.file, r, v) for r in rets for v in _values(r)[-1:]) and all(len(_values(r)) == 1 for r in rets)
                    if never and not info.never_nil_error:
                        info.never_nil_error = changed = True
                    continue
                for r in rets:
                    values = _values(r)
                    if len(values) == len(info.result_types):
                        if not self._certain_error(info.file, r, values[-1]):
                            continue
                        for slot, v in enumerate(values[:-1]):
                            if unparen(v).type == "nil" and slot not in info.nil_with_error:
                                step = (info.file, r, f"{info.name} returns nil here, with a non-nil error")
                                info.nil_with_error[slot] = NilReturn(info.file, r, f"returns nil with an error at {_where(info.file, r)}", (step,))
                                changed = True
                    elif len(values) == 1 and unparen(values[0]).type == "call_expression":
                        inner = self.callee(info.file, unparen(values[0]))
                        if inner is None or inner is info or len(inner.result_types) != len(info.result_types):
                            continue
                        for slot, evidence in list(inner.nil_with_error.items()):
                            if slot not in info.nil_with_error:
                                name = info.file.text(required_field(unparen(values[0]), "function"))
                                how = f"returns {name}(...) at {_where(info.file, r)}, which {evidence.how}"
                                step = (info.file, r, f"{info.name} returns what {name} returns, so nil when it fails")
                                info.nil_with_error[slot] = NilReturn(info.file, r, how, (*evidence.trace, step))
                                changed = True
            if not changed:
                break

    def callee(self, file: GoFile, call: Node) -> FuncResults | None:
        """The package function or method a call calls, when it is one summarised here: `f(...)`,
        or `x.m(...)` with `x` a variable whose type is (a pointer to) a type of this package."""
        fn = call.child_by_field_name("function")
        fn = unparen(fn) if fn is not None else call
        if fn.type == "identifier":
            info = self.funcs.get(file.text(fn))
            if info is None:
                return None
            decl = self.pass_.resolve(file, fn)
            return info if decl is not None and decl.kind == "func" and decl.spec == info.node else None
        if fn.type != "selector_expression":
            return None
        operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
        operand = unparen(operand) if operand is not None else fn
        if operand.type != "identifier" or field is None:
            return None
        decl = self.pass_.resolve(file, operand)
        if decl is None or decl.kind not in ("var", "param", "receiver", "result"):
            return None
        kind = self.kinds.of_var(decl)
        if kind is None or kind.kind != "pointer" or kind.base is None:
            return None
        return self.methods.get((kind.base, file.text(field)))

    def _certain_error(self, file: GoFile, ret: Node, value: Node) -> bool:
        v = unparen(value)
        t = v.type
        if t == "composite_literal":
            return True
        if t == "unary_expression":
            operand = v.child_by_field_name("operand")
            return operand is not None and unparen(operand).type == "composite_literal"
        if t == "call_expression":
            if self.pass_.is_call_to(file, v, "errors", "New") or self.pass_.is_call_to(file, v, "fmt", "Errorf"):
                return True
            inner = self.callee(file, v)
            return inner is not None and inner.never_nil_error
        if t == "identifier":
            return _checked_non_nil_here(file, ret, v)
        return False


_RETURN_QUERY = tree_sitter.Query(GO_LANGUAGE, "(return_statement) @r")


def _returns(func: Node) -> list[Node]:
    """The return statements of `func`, not those of func literals inside it."""
    body = func.child_by_field_name("body")
    if body is None:
        return []
    found = tree_sitter.QueryCursor(_RETURN_QUERY).captures(body).get("r", [])
    return [r for r in found if enclosing_function(r) == func]


def _calls_recover(info: FuncResults) -> bool:
    body = info.node.child_by_field_name("body")
    return body is not None and b"recover()" in info.file.source[body.start_byte : body.end_byte]


def _values(ret: Node) -> list[Node]:
    lst = next((c for c in ret.named_children if c.type == "expression_list"), None)
    if lst is not None:
        return lst.named_children
    return [c for c in ret.named_children if c.type != "comment"]


def _where(file: GoFile, node: Node) -> str:
    return f"{file.path.rsplit('/', 1)[-1]}:{node.start_point[0] + 1}"


def _checked_non_nil_here(file: GoFile, ret: Node, ident: Node) -> bool:
    """Is `ret` a statement directly in the body of `if x != nil` (or `... && x != nil && ...`),
    with no statement before it there assigning `x`?"""
    block = ret.parent
    if block is not None and block.type == "statement_list":
        block = block.parent
    ifs = block.parent if block is not None else None
    if block is None or block.type != "block" or ifs is None or ifs.type != "if_statement" or ifs.child_by_field_name("consequence") != block:
        return False
    name = file.text(ident)
    operands = [ifs.child_by_field_name("condition")]
    while operands:
        c = operands.pop()
        c = unparen(c) if c is not None else ifs
        if c.type != "binary_expression" or c.child_by_field_name("left") is None or c.child_by_field_name("right") is None:
            continue
        op = c.child_by_field_name("operator")
        left, right = unparen(required_field(c, "left")), unparen(required_field(c, "right"))
        if op is not None and op.type == "&&":
            operands += [left, right]
        elif op is not None and op.type == "!=" and right.type == "nil" and left.type == "identifier" and file.text(left) == name:
            break
    else:
        return False
    stmts = [s for s in (ret.parent.named_children if ret.parent is not None and ret.parent.type == "statement_list" else []) if s.end_byte <= ret.start_byte]
    for s in stmts:
        if s.type in ("assignment_statement", "short_var_declaration"):
            assigned = s.child_by_field_name("left")
            if assigned is not None and any(x.type == "identifier" and file.text(x) == name for x in assigned.named_children):
                return False
        elif s.type not in ("expression_statement", "comment", "inc_statement", "dec_statement", "send_statement"):
            return False  # nested blocks might assign it: not certain
    return True


