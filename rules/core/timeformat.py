"""Time layouts that Go does not read the way they were meant.

## What it does
Looks at the layout argument of `time.Parse`, `time.ParseInLocation`, and of `Format` and
`AppendFormat` called on a value that is surely a `time.Time` (from `time.Now()`,
`time.Date(...)`, `time.Parse(...)`, a variable or field declared `time.Time`, or a `Time`
method such as `.UTC()` on one of these), when the layout is a constant. It reports:

- `2006-02-01`: year, day, month, where `2006-01-02` (year, month, day) was meant;
- layouts written in another language's notation, which Go copies literally: `YYYY`,
  `yyyy`, strftime verbs such as `%Y-%m-%d`, `HH` or `hh` for the hour, `mm:ss`, and
  `MM/DD` or `DD-MM` dates.

`Format` on a receiver whose type is not known to be `time.Time` is left alone: many types
have a `Format` method.

## Why is this bad?
Go layouts are written with the reference time `Mon Jan 2 15:04:05 MST 2006`. With
`2006-02-01` the code works for days up to 12 and produces the wrong date (or fails to
parse) for the rest of the month, so it often passes tests. A layout such as `YYYY-MM-DD`
is not a layout at all: `Format` returns the text `YYYY-MM-DD` unchanged and `Parse` fails
on every input.

## Example
```go
func stamp(t time.Time) string {
    return t.Format("2006-02-01")
}
```

## Use instead
```go
func stamp(t time.Time) string {
    return t.Format("2006-01-02")
}
```

## Fix safety
The fix for `2006-02-01` rewrites the literal to `2006-01-02`. It is marked unsafe: it
changes the program's output, and data already written in the old order needs the old
layout to be read back.
"""

import re

from tree_sitter import Node

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.golang.constant import string_value
from analyzer.golang.exprtype import TypeRef, declared_type, is_named
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, code_children, unparen, required_field

QUERY = """
(call_expression
  function: (selector_expression operand: (_) @recv field: (field_identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method "Format" "AppendFormat" "Parse" "ParseInLocation")) @call
"""

_BAD = "2006-02-01"
_GOOD = "2006-01-02"
_TIME_CONSTRUCTORS = frozenset({"Now", "Unix", "UnixMilli", "UnixMicro", "Date"})
_TIME_PARSERS = frozenset({"Parse", "ParseInLocation"})
# Methods of time.Time that return a time.Time.
_TIME_METHODS = frozenset({"UTC", "Local", "In", "Add", "AddDate", "Truncate", "Round"})
_FOREIGN = [
    (re.compile(r"YYYY|yyyy"), "YYYY"),
    (re.compile(r"%[YmdHMSyIpbBaA]"), "strftime verbs"),
    (re.compile(r"(?<![A-Za-z])(?:HH|hh)(?![A-Za-z])"), "HH/hh for the hour"),
    (re.compile(r"(?<![A-Za-z])mm:ss(?![A-Za-z])"), "mm:ss"),
    (re.compile(r"(?<![A-Za-z])(?:MM[-/.](?:DD|dd)|(?:DD|dd)[-/.]MM)(?![A-Za-z])"), "MM and DD"),
]


def _is_time_value(pass_: Pass, file: GoFile, expr: Node) -> bool:
    for _ in range(16):  # receivers chain: time.Now().UTC().Truncate(d)
        expr = unparen(expr)
        if expr.type == "call_expression":
            callee = pass_.callee(file, expr)
            if callee is not None:
                return callee[0] == "time" and (callee[1] in _TIME_CONSTRUCTORS or callee[1] in _TIME_PARSERS)
            fn = unparen(required_field(expr, "function"))
            if fn.type != "selector_expression" or file.text(required_field(fn, "field")) not in _TIME_METHODS:
                return False
            expr = required_field(fn, "operand")
            continue
        if expr.type == "composite_literal":
            return is_named(pass_, _literal_type(file, expr), "time", "Time")
        if expr.type not in ("identifier", "selector_expression"):
            return False
        if is_named(pass_, declared_type(pass_, file, expr), "time", "Time"):
            return True
        if expr.type != "identifier":
            return False
        decl = pass_.resolve(file, expr)
        if decl is None or decl.kind != "var" or decl.value is None or decl.index != 0 or decl.file is None:
            return False
        if decl.spec is not None and decl.spec.type == "range_clause":
            return False
        file, expr = decl.file, decl.value
    return False


def _literal_type(file: GoFile, lit: Node) -> TypeRef | None:
    typ = lit.child_by_field_name("type")
    return TypeRef(file, typ) if typ is not None else None


def _layout_arg(pass_: Pass, file: GoFile, call: Node, recv: Node, method: str, args: Node) -> Node | None:
    arguments = code_children(args)
    if method in _TIME_PARSERS:
        return arguments[0] if arguments and pass_.is_call_to(file, call, "time", method) else None
    if pass_.callee(file, call) is not None:
        return None  # pkg.Format(...): a package function, not a method
    index = 0 if method == "Format" else 1
    if len(arguments) != index + 1 or not _is_time_value(pass_, file, recv):
        return None
    return arguments[index]


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        method = file.text(m.node("method"))
        layout_node = _layout_arg(pass_, file, call, m.node("recv"), method, m.node("args"))
        if layout_node is None:
            continue
        layout = string_value(pass_, file, layout_node)
        if layout is None:
            continue
        if _BAD in layout:
            fix = None
            lit = unparen(layout_node)
            if lit.type in ("interpreted_string_literal", "raw_string_literal") and _BAD in file.text(lit):
                fix = replace_fix(f"replace {_BAD} with {_GOOD}", lit, file.text(lit).replace(_BAD, _GOOD), safe=False)
            pass_.report(file, layout_node, f"{_BAD} should be {_GOOD}: the layout puts the day before the month", fix)
            continue
        for pattern, what in _FOREIGN:
            found = pattern.search(layout)
            if found:
                pass_.report(
                    file,
                    layout_node,
                    f"time layout {layout!r} uses {what} ({found.group(0)}), which Go copies literally: "
                    "write layouts with the reference time Mon Jan 2 15:04:05 MST 2006, e.g. 2006-01-02 15:04:05",
                )
                break


RULE = Rule(
    name="timeformat",
    summary="time layouts with day and month swapped or in another language's notation",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:timeformat", "staticcheck:SA1002"),
)
