"""Calls that never return, from the standard library's facts and the package's own code.

Used by the control-flow layer, unreachable-code and nil analyses alike, so that all of
them agree on what ends a path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzer.rule import Rule
from analyzer.source import GoFile, unparen

if TYPE_CHECKING:
    from analyzer.analysis_pass import Package

# import path -> functions that never return
NORETURN_FUNCS: dict[str, frozenset[str]] = {
    "os": frozenset({"Exit"}),
    "log": frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"}),
    "runtime": frozenset({"Goexit"}),
    "syscall": frozenset({"Exit"}),
    "github.com/sirupsen/logrus": frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "Exit"}),
    "k8s.io/klog": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit", "Exitf", "Exitln"}),
    "k8s.io/klog/v2": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit", "Exitf", "Exitln"}),
    "github.com/golang/glog": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit", "Exitf", "Exitln"}),
    "github.com/stretchr/testify/require": frozenset({"Fail", "FailNow"}),
}

# Methods that never return on values of these kinds: testing.T/B/F and *log.Logger.
TESTING_NORETURN_METHODS = frozenset({"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"})
LOGGER_NORETURN_METHODS = frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"})
_TESTING_TYPES = frozenset({"*testing.T", "*testing.B", "*testing.F", "testing.TB", "*check.C"})

# Names that usually end the program or the goroutine when the callee cannot be resolved
# (a logger of unknown type, another package's fatal helper): "maybe" never returns.
_MAYBE_NORETURN = re.compile(r"^(?:[Ff]atal|[Dd]ie$|[Ee]xit|[Pp]anic|[Aa]bort|[Cc]rash|[Ff]ail[Nn]ow|[Gg]oexit|[Ss]kip|[Tt]hrow$|[Uu]sage$|[Bb]ail)")


def is_builtin_panic(pass_, file: GoFile, call: Node) -> bool:
    return pass_.callee(file, call) == ("", "panic")


def is_noreturn_call(pass_, file: GoFile, call: Node) -> bool:
    """True when `call` certainly never returns: panic, os.Exit, log.Fatal*, runtime.Goexit,
    t.Fatal/FailNow/Skip* on a *testing.T/B/F parameter, or a same-package function that
    the package facts say never returns (see `PackageNoReturn`)."""
    if call.type != "call_expression":
        return False
    target = pass_.callee(file, call)
    if target is not None:
        path, name = target
        if path == "" and name == "panic":
            return True
        if path in NORETURN_FUNCS and name in NORETURN_FUNCS[path]:
            return True
        if path == "" and name in _package_noreturn(pass_):
            return True
        return False
    fn = unparen(call.child_by_field_name("function"))
    if fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    method = file.text(fn.child_by_field_name("field"))
    if operand is None or operand.type != "identifier":
        return False
    decl = pass_.resolve(file, operand)
    if decl is None or decl.type_node is None or decl.file is None:
        return False
    typ = decl.file.text(decl.type_node).replace(" ", "")
    if method in TESTING_NORETURN_METHODS and typ in _TESTING_TYPES:
        return True
    if method in LOGGER_NORETURN_METHODS and typ == "*log.Logger":
        return True
    if decl.kind in ("var", "param", "receiver") and f"{typ.lstrip('*')}.{method}" in _package_noreturn(pass_):
        return True
    return False


def _package_noreturn(pass_) -> frozenset[str]:
    # While the package facts are being computed, the fixpoint's current set stands in.
    extra = getattr(pass_, "noreturn_extra", None)
    return extra if extra is not None else getattr(pass_.package, "noreturn_funcs", frozenset())


def classify_call(pass_, file: GoFile, call: Node) -> str | None:
    """How a call in statement position ends its path: "panic", "noreturn" (certain),
    "maybe" (its name says it probably never returns but the callee cannot be resolved),
    or None. This is the predicate `analyzer.cfg.build_cfg` takes."""
    if call.type != "call_expression":
        return None
    if not _could_be_noreturn(pass_, file, call):
        return None
    if is_noreturn_call(pass_, file, call):
        return "panic" if is_builtin_panic(pass_, file, call) else "noreturn"
    fn = call.child_by_field_name("function")
    fn = unparen(fn) if fn is not None else None
    if fn is None:
        return None
    if fn.type == "selector_expression":
        name_node = fn.child_by_field_name("field")
    elif fn.type == "identifier":
        decl = pass_.resolve(file, fn)
        if decl is not None and decl.kind == "builtin":
            return None
        name_node = fn
    else:
        return None
    if name_node is None:
        return None
    name = file.text(name_node)
    if _MAYBE_NORETURN.match(name):
        return "maybe"
    if fn.type == "selector_expression" and any(m.endswith("." + name) for m in _package_noreturn(pass_)):
        return "maybe"
    return None


_KNOWN_NAMES = frozenset({"panic"}).union(*NORETURN_FUNCS.values(), TESTING_NORETURN_METHODS, LOGGER_NORETURN_METHODS)


def _could_be_noreturn(pass_, file: GoFile, call: Node) -> bool:
    """A cheap look at the callee's name before any resolution: most calls are not worth it."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    fn = unparen(fn)
    if fn.type == "selector_expression":
        fn = fn.child_by_field_name("field")
    elif fn.type != "identifier":
        return False
    if fn is None:
        return False
    name = file.text(fn)
    if name in _KNOWN_NAMES or _MAYBE_NORETURN.match(name):
        return True
    facts = _package_noreturn(pass_)
    return name in facts or name in _method_names(facts)


_METHOD_NAMES: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _method_names(facts: frozenset[str]) -> frozenset[str]:
    """The bare method names of `T.m` entries, computed once per fact set."""
    hit = _METHOD_NAMES.get(id(facts))
    if hit is not None and hit[0] is facts:
        return hit[1]
    if len(_METHOD_NAMES) > 256:
        _METHOD_NAMES.clear()
    names = frozenset(k.rsplit(".", 1)[1] for k in facts if "." in k)
    _METHOD_NAMES[id(facts)] = (facts, names)
    return names


# Text a function body must contain to be worth a CFG when looking for never-returning functions.
_NORETURN_HINTS = (b"panic(", b"Exit", b"Fatal", b"Goexit", b"FailNow", b"Skip", b"Panic", b"for {", b"select {}", b"(nil) =")


def package_noreturn(package: "Package") -> frozenset[str]:
    """Names of the package's functions (`f`) and methods (`T.m`) whose every path ends in a
    call that never returns (or an endless loop). A fixpoint: a function that only calls
    such functions joins the set in the next round."""
    from analyzer.analysis_pass import Pass
    from analyzer.cfg import build_cfg
    from analyzer.diagnostics import Severity

    funcs: list[tuple[str, GoFile, Node, bytes]] = []
    for f in package.files:
        for top in f.root.named_children:
            if top.type not in ("function_declaration", "method_declaration"):
                continue
            body = top.child_by_field_name("body")
            name = top.child_by_field_name("name")
            if body is None or name is None:
                continue
            key = f.text(name)
            if top.type == "method_declaration":
                recv_type = _receiver_type_name(f, top)
                if recv_type is None:
                    continue
                key = f"{recv_type}.{key}"
            if not _may_end_without_returning(body):
                continue
            funcs.append((key, f, top, f.source[body.start_byte : body.end_byte]))
    found: set[str] = set()
    view = Pass(_FACTS_RULE, package, [], lambda d: None, severity=Severity.WARNING)
    view.noreturn_extra = frozenset()  # read by is_noreturn_call instead of the package property
    hints: tuple[bytes, ...] = _NORETURN_HINTS
    while True:
        added = set()
        for key, f, node, body in funcs:
            if key in found or not any(h in body for h in hints):
                continue
            view.noreturn_extra = frozenset(found)
            cfg = build_cfg(node, lambda call, f=f: _certain(view, f, call))
            if not cfg.exit_reachable():
                added.add(key)
        if not added:
            return frozenset(found)
        found |= added
        hints = tuple(k.rsplit(".", 1)[-1].encode() + b"(" for k in added)


def _may_end_without_returning(body: Node) -> bool:
    """Can the body's last statement be where every path stops? Falling off the end, a
    `return` or an `if` without `else` last all mean the function returns."""
    stmts = None
    for c in body.named_children:
        if c.type == "statement_list":
            stmts = c
    if stmts is None or stmts.named_child_count == 0:
        return False
    last = stmts.named_children[-1]
    i = stmts.named_child_count - 1
    while last.type == "comment" and i > 0:
        i -= 1
        last = stmts.named_children[i]
    t = last.type
    if t in ("expression_statement", "select_statement", "labeled_statement", "block", "goto_statement"):
        return True
    if t == "assignment_statement":
        return last.text.startswith(b"*")
    if t == "for_statement":
        return all(c.type in ("block", "comment") for c in last.named_children)
    if t == "if_statement":
        return last.child_by_field_name("alternative") is not None
    if t in ("expression_switch_statement", "type_switch_statement"):
        return any(c.type == "default_case" for c in last.named_children)
    return False


def _certain(view, file: GoFile, call: Node) -> str | None:
    kind = classify_call(view, file, call)
    return kind if kind in ("panic", "noreturn") else None


def _receiver_type_name(file: GoFile, method: Node) -> str | None:
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return None
    for p in recv.named_children:
        if p.type == "parameter_declaration":
            typ = p.child_by_field_name("type")
            while typ is not None and typ.type in ("pointer_type", "parenthesized_type", "generic_type"):
                typ = typ.child_by_field_name("type") if typ.type == "generic_type" else (typ.named_children[0] if typ.named_children else None)
            return file.text(typ) if typ is not None and typ.type == "type_identifier" else None
    return None


def _no_op(pass_) -> None:
    return None


_FACTS_RULE = Rule(name="noreturn-facts", summary="package facts about calls that never return", run=_no_op, enabled_by_default=False)
