"""Calls that never return, from the standard library's facts and the package's own code.

Used by the control-flow layer, unreachable-code and nil analyses alike, so that all of
them agree on what ends a path.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, unparen, required_field, node_bytes
from analyzer.golang.receiver import receiver_type

if TYPE_CHECKING:
    from analyzer.api.analysis_pass import Package

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
    fn = unparen(required_field(call, "function"))
    if fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    method = file.text(required_field(fn, "field"))
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


def _package_noreturn(pass_) -> "NoReturnFacts | frozenset[str]":
    return getattr(pass_.package, "noreturn_funcs", frozenset())


def classify_call(pass_, file: GoFile, call: Node) -> str | None:
    """How a call in statement position ends its path: "panic", "noreturn" (certain),
    "maybe" (its name says it probably never returns but the callee cannot be resolved),
    or None. This is the predicate `analyzer.golang.cfg.build_cfg` takes."""
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
    if fn.type == "selector_expression" and _some_method_never_returns(_package_noreturn(pass_), name):
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
    if isinstance(facts, NoReturnFacts):
        return name in facts.candidate_names
    return name in facts or any(k.endswith("." + name) for k in facts)


def _some_method_never_returns(facts, name: str) -> bool:
    if isinstance(facts, NoReturnFacts):
        return any(key in facts for key in facts.methods_named(name))
    return any(k.endswith("." + name) for k in facts)


class NoReturnFacts:
    """The package's functions (`f`) and methods (`T.m`) whose every path ends in a call
    that never returns (or an endless loop), decided on demand: `"f" in facts` builds the
    CFG of `f` (and of what it calls, as far as needed) the first time it is asked. Only
    functions whose last statement could stop every path are candidates."""

    _MAX_DEPTH = 12

    def __init__(self, package: "Package") -> None:
        from analyzer.api.analysis_pass import Pass
        from analyzer.api.diagnostics import Severity

        self.package = package
        self._known: dict[str, bool] = {}
        self._tentative: dict[str, bool] = {}
        self._busy: list[str] = []
        self._view = Pass(_FACTS_RULE, package, [], lambda d: None, severity=Severity.WARNING)
        self._funcs: dict[str, tuple[GoFile, Node]] = {}
        self._methods: dict[str, list[str]] = {}
        for f in package.files:
            for top in f.root.named_children:
                if top.type not in ("function_declaration", "method_declaration"):
                    continue
                body = top.child_by_field_name("body")
                name = top.child_by_field_name("name")
                if body is None or name is None or not _may_end_without_returning(body):
                    continue
                key = f.text(name)
                if top.type == "method_declaration":
                    recv = receiver_type(f, top)
                    if recv is None:
                        continue
                    self._methods.setdefault(key, []).append(f"{recv.type_name}.{key}")
                    key = f"{recv.type_name}.{key}"
                self._funcs[key] = (f, top)
        self.candidate_names = frozenset(k.rsplit(".", 1)[-1] for k in self._funcs)

    def methods_named(self, name: str) -> list[str]:
        return self._methods.get(name, [])

    def inputs_digest(self) -> bytes:
        """A digest of the candidates' text. With the package outline (the imports and
        declarations their calls resolve against) it is all the facts are decided from: while
        both stay the same, every answer does."""
        h = hashlib.blake2b(digest_size=16)
        for key in sorted(self._funcs):
            file, node = self._funcs[key]
            h.update(key.encode() + b"\0" + file.source[node.start_byte : node.end_byte] + b"\0")
        return h.digest()

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        known = self._known.get(key)
        if known is None:
            known = self._tentative.get(key)
        if known is not None:
            return known
        entry = self._funcs.get(key)
        if entry is None:
            return False
        if key in self._busy or len(self._busy) >= self._MAX_DEPTH:
            return False  # recursion: assume it returns (never a wrong "never returns")
        from analyzer.golang.cfg import build_cfg

        file, node = entry
        self._busy.append(key)
        try:
            cfg = build_cfg(node, lambda call: _certain(self._view, file, call))
            result = not cfg.exit_reachable()
            cfg.release()  # only the answer is kept
        finally:
            self._busy.pop()
        if not self._busy:
            self._known[key] = result
            self._tentative.clear()
        elif result:
            self._known[key] = True  # a "never returns" found under assumptions still holds
        else:
            self._tentative[key] = False  # may change once the functions being decided are
        return result

    def __iter__(self):
        return (k for k in self._funcs if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def package_noreturn(package: "Package") -> NoReturnFacts:
    return NoReturnFacts(package)


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
        return node_bytes(last).startswith(b"*")
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


def _no_op(pass_) -> None:
    return None


_FACTS_RULE = Rule(name="noreturn-facts", summary="package facts about calls that never return", run=_no_op, enabled_by_default=False)
