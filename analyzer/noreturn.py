"""Calls that never return, from the standard library's facts and the package's own code.

Used by the control-flow layer, unreachable-code and nil analyses alike, so that all of
them agree on what ends a path.
"""

from __future__ import annotations

from tree_sitter import Node

from analyzer.source import GoFile, unparen

# import path -> functions that never return
NORETURN_FUNCS: dict[str, frozenset[str]] = {
    "os": frozenset({"Exit"}),
    "log": frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"}),
    "runtime": frozenset({"Goexit"}),
    "syscall": frozenset({"Exit"}),
    "github.com/sirupsen/logrus": frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "Exit"}),
    "k8s.io/klog": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit", "Exitf", "Exitln"}),
    "k8s.io/klog/v2": frozenset({"Fatal", "Fatalf", "Fatalln", "Exit", "Exitf", "Exitln"}),
}

# Methods that never return on values of these kinds: testing.T/B/F and *log.Logger.
TESTING_NORETURN_METHODS = frozenset({"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"})
LOGGER_NORETURN_METHODS = frozenset({"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"})


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
        if path == "" and name in getattr(pass_.package, "noreturn_funcs", ()):
            return True
        return False
    fn = unparen(call.child_by_field_name("function"))
    if fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    method = file.text(fn.child_by_field_name("field"))
    if operand is None or operand.type != "identifier":
        return False
    if method in TESTING_NORETURN_METHODS:
        decl = pass_.resolve(file, operand)
        if decl is not None and decl.type_node is not None and decl.file is not None:
            typ = decl.file.text(decl.type_node).replace(" ", "")
            if typ in ("*testing.T", "*testing.B", "*testing.F", "testing.TB"):
                return True
    return False
