"""Printf-family calls whose arguments do not match the format.

## What it does
Checks calls of `fmt.Printf`, `Sprintf`, `Fprintf`, `Errorf`, `Appendf`, `log.Printf`,
`Fatalf`, `Panicf` (also on a `*log.Logger`), and `Errorf`, `Fatalf`, `Logf`, `Skipf` on
a `*testing.T`/`B`/`F` or `testing.TB`, plus the package's own printf wrappers (a
function whose last parameters are `format string, args ...interface{}` and that passes
`format, args...` on to one of these). With a constant format it reports, in vet's words:

- a verb reading an argument the call does not have (`format %d reads arg #2, but call
  has 1 arg`), or arguments no verb reads (`call needs 1 arg but has 2 args`); `%%` takes
  none, a `*` width or precision takes one;
- a wrapper handing on its own `format, args` without `...` (`missing ... in args
  forwarded to printf-like function`), which prints the slice as one value;
- arguments with no formatting directive at all, a `%` at the end of the format, unknown
  verbs (`%z`) and flags the verb does not take (`%#s`), malformed or out-of-range
  explicit indexes (`%[3]d` with two arguments), `%w` outside `fmt.Errorf`.

For `Print`/`Println`-style calls (`fmt.Println`, `log.Print`, `t.Log`, ...) it reports a
first argument that looks like a format (`Println call has possible formatting directive
%d`), a `Println` whose last argument ends in a newline, and `fmt.Println(os.Stderr, ...)`.

It stays silent when it cannot be sure: a format that is not a constant, a final
`args...` argument that may hold any number of values, counts once explicit indexes
(`%[2]d`) are used (only out-of-range indexes are reported), and an unknown verb or flag
on an argument that is not a literal (it may implement `fmt.Formatter`, which vet can
see and gocheck cannot).

## Why is this bad?
fmt does not fail on a mismatch: it prints `%!d(MISSING)`, `%!(EXTRA int=3)` or
`%!z(int=3)` into the message. Those land in logs, errors and user-facing text, and the
information that was meant to be there is gone or shifted to the wrong place.

## Example
```go
log.Printf("order %d shipped to %s", order.ID)
fmt.Println("total: %d", total)
```

## Use instead
```go
log.Printf("order %d shipped to %s", order.ID, order.Address)
fmt.Printf("total: %d\\n", total)
```
"""

import bisect
import re

import tree_sitter

from analyzer.api.analysis_pass import Pass
from analyzer.golang.constant import string_value
from .format import POSSIBLE_DIRECTIVE, PRINT_VERBS, parse_format
from analyzer.api.rule import Rule
from analyzer.golang.source import GO_LANGUAGE, GoFile, call_arguments, unparen, walk_named, required_field
from analyzer.golang.receiver import receiver_type
from analyzer.golang.testing_types import testing_kind

_NAMES = ("Printf", "Sprintf", "Fprintf", "Errorf", "Appendf", "Fatalf", "Panicf", "Logf", "Skipf",
          "Print", "Println", "Sprint", "Sprintln", "Fprint", "Fprintln", "Append", "Appendln",
          "Fatal", "Fatalln", "Panic", "Panicln", "Error", "Log", "Skip")
# Calls of the package's own functions are looked at only when the name is one a printf or
# print wrapper would have (Printf, logf, Errorf, debugLog, Println, warn, ...).
_WRAPPER_NAME = re.compile(r"(f|[Pp]rint|[Pp]rintln|[Ll]og|[Ee]rror|[Ff]atal|[Pp]anic|[Ww]arn|[Ww]arning|[Ii]nfo|[Dd]ebug|[Ff]ail|[Ss]kip|[Tt]race)[0-9]*$")
# Only the standard names are matched for every file. A call with no arguments is left out:
# it has no format and nothing to print, so no check can report it. Calls of the package's
# own wrappers are found by `_wrapper_calls`, in the rare packages that have wrappers, rather
# than by a `#match?` on the name of every call of every file.
QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name)
  arguments: (argument_list (_))
  (#any-of? @name %s)) @call
""" % " ".join(f'"{n}"' for n in _NAMES)
_WRAPPER_CALLS = """
(call_expression
  function: (identifier) @name
  arguments: (argument_list (_))
  (#any-of? @name %s)) @call
"""
_WRAPPER_METHOD_CALLS = """
(call_expression
  function: (selector_expression field: (field_identifier) @name)
  arguments: (argument_list (_))
  (#any-of? @name %s)) @call
"""

# (package, function) -> index of the format (printf) or of the first printed arg (print)
PRINTF_FUNCS = {
    ("fmt", "Printf"): 0, ("fmt", "Sprintf"): 0, ("fmt", "Errorf"): 0, ("fmt", "Fprintf"): 1, ("fmt", "Appendf"): 1,
    ("log", "Printf"): 0, ("log", "Fatalf"): 0, ("log", "Panicf"): 0,
}
PRINT_FUNCS = {
    ("fmt", "Print"): 0, ("fmt", "Println"): 0, ("fmt", "Sprint"): 0, ("fmt", "Sprintln"): 0,
    ("fmt", "Fprint"): 1, ("fmt", "Fprintln"): 1, ("fmt", "Append"): 1, ("fmt", "Appendln"): 1,
    ("log", "Print"): 0, ("log", "Println"): 0, ("log", "Fatal"): 0, ("log", "Fatalln"): 0, ("log", "Panic"): 0, ("log", "Panicln"): 0,
}
LOGGER_PRINTF = frozenset({"Printf", "Fatalf", "Panicf"})
LOGGER_PRINT = frozenset({"Print", "Println", "Fatal", "Fatalln", "Panic", "Panicln"})
TESTING_PRINTF = frozenset({"Errorf", "Fatalf", "Logf", "Skipf"})
TESTING_PRINT = frozenset({"Error", "Fatal", "Log", "Skip"})


def _name_shapes() -> dict[str, tuple[str, int]]:
    """Name -> (kind, index) that every classification of a call by that name gives, unless
    the name is also one of the package's own wrapper methods. fmt.Errorf's kind "errorf"
    counts as "printf": it only lets `%w` through, so a dry run as "printf" reports whenever
    the real one does (at the `%w` at the latest)."""
    shapes: dict[str, set[tuple[str, int]]] = {}
    for table, kind in ((PRINTF_FUNCS, "printf"), (PRINT_FUNCS, "print")):
        for (_, name), index in table.items():
            shapes.setdefault(name, set()).add((kind, index))
    for names, kind in ((TESTING_PRINTF | LOGGER_PRINTF, "printf"), (TESTING_PRINT | LOGGER_PRINT, "print")):
        for name in names:
            shapes.setdefault(name, set()).add((kind, 0))
    assert set(shapes) == set(_NAMES) and all(len(v) == 1 for v in shapes.values()), "a name with two shapes: _may_report needs updating"
    return {name: next(iter(v)) for name, v in shapes.items()}


_SHAPES = _name_shapes()

_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal", "true", "false", "nil"})
_EMPTY_INTERFACES = frozenset({"interface{}", "any"})
# What a file holds when it declares a `...interface{}` or `...any` parameter (the type's
# text starts with `interface` or `any`, maybe after a comment).
_VARIADIC_ANY = re.compile(rb"\.\.\.\s*(?:interface|any|/)")


def _count(n: int, what: str = "arg") -> str:
    return f"1 {what}" if n == 1 else f"{n} {what}s"


def _string_constant(pass_: Pass, file: GoFile, node: tree_sitter.Node, syntax: "_Syntax") -> str | None:
    """The value of a constant string expression (`string_value`), refusing a package-level
    constant of another file whose name the directory declares twice (e.g. two
    `//go:build ignore` generators in one directory)."""
    return string_value(pass_, file, node, accept=lambda decl, f: not (decl.owner is None and decl.file is not f and syntax.declared_twice(decl.name)))


class _Syntax:
    """Cheap facts read off the package's source text, so that most calls are decided without
    resolving a name (the first name resolved in a function resolves the whole function)."""

    def __init__(self, pass_: Pass) -> None:
        self.pass_ = pass_
        self._before_ellipsis: dict[str, frozenset[str] | None] = {}
        self._declared_twice: dict[str, bool] = {}

    def declared_twice(self, name: str) -> bool:
        found = self._declared_twice.get(name)
        if found is None:
            found = self._declared_twice[name] = _declared_twice(self.pass_, name)
        return found

    def may_be_variadic(self, file, ident) -> bool:
        """Could `ident` name a variadic parameter declared in `file`? Its name stands right
        before the `...` (spaces aside)."""
        if file.path not in self._before_ellipsis:
            self._before_ellipsis[file.path] = _names_before_ellipsis(file.source)
        names = self._before_ellipsis[file.path]
        return names is None or file.text(ident) in names


def _names_before_ellipsis(source: bytes) -> frozenset[str] | None:
    """The identifiers right before each `...` of the file (variadic parameters, spread
    arguments and comment text alike); None when a comment or a line break stands between
    a `...` and what precedes it, so the name cannot be read off the text."""
    names = set()
    start = source.find(b"...")
    while start >= 0:
        j = start
        while j > 0 and source[j - 1] in b" \t":
            j -= 1
        if j > 0 and (source[j - 1] in b"\r\n" or source[j - 2 : j] == b"*/"):
            return None
        k = j
        while k > 0 and (source[k - 1] >= 0x80 or source[k - 1] == 0x5F or chr(source[k - 1]).isalnum()):
            k -= 1
        if k < j:
            names.add(source[k:j].decode("utf-8", "replace"))
        start = source.find(b"...", start + 3)
    return frozenset(names)


def _declared_twice(pass_, name: str) -> bool:
    count = 0
    for f in pass_.files:
        if name.encode() not in f.source:
            continue
        for top in f.root.named_children:
            if top.type in ("const_declaration", "var_declaration", "function_declaration", "type_declaration"):
                for node in walk_named(top, skip=frozenset({"block", "literal_value", "func_literal"})):
                    if node.type == "identifier" and node.parent is not None and node.parent.type in ("const_spec", "var_spec", "function_declaration") and f.text(node) == name and node.parent.child_by_field_name("name") is not None:
                        if node.parent.type == "function_declaration" and node != node.parent.child_by_field_name("name"):
                            continue
                        count += 1
    return count > 1


def _is_logger(pass_, file, operand) -> bool:
    """Is `operand` a *log.Logger, judged from its declaration (type or log.New/log.Default)?"""
    if operand.type != "identifier":
        return False
    decl = pass_.resolve(file, operand)
    if decl is None or decl.file is None:
        return False
    typ = decl.type_node
    if typ is not None and typ.type == "pointer_type" and typ.named_children:
        inner = typ.named_children[0]
        if inner.type == "qualified_type":
            pkg, name = inner.child_by_field_name("package"), inner.child_by_field_name("name")
            return pkg is not None and name is not None and decl.file.text(name) == "Logger" and pass_.import_path(decl.file, pkg) == "log"
        return False
    value = unparen(decl.value) if decl.value is not None else None
    return value is not None and value.type == "call_expression" and pass_.is_call_to(decl.file, value, "log", "New", "Default")


class _Wrappers:
    """The package's own printf and print wrappers: functions whose final parameters are
    `format string, args ...interface{}` (or just `args ...interface{}`) and that hand
    `format, args...` (or `args...`) to a known printf (print) function or wrapper."""

    def __init__(self, pass_: Pass) -> None:
        # key -> (format index, kind); a key is "f" for a function, "T.m" for a method
        self.printf: dict[str, tuple[int, str]] = {}
        self.print: dict[str, int] = {}
        self.pointer_receivers: set[str] = set()
        candidates = []
        for f in pass_.files:
            if not _VARIADIC_ANY.search(f.source):
                continue  # no `...interface{}` or `...any` parameter: no wrapper here
            for top in f.root.named_children:
                if top.type not in ("function_declaration", "method_declaration") or top.child_by_field_name("body") is None:
                    continue
                shape = self._shape(f, top)
                if shape is None:
                    continue
                key = shape[0]
                if top.type == "method_declaration":
                    receiver = receiver_type(f, top)
                    if receiver is None:
                        continue
                    type_name, pointer = receiver
                    key = f"{type_name}.{key}"
                    if pointer:
                        self.pointer_receivers.add(key)
                candidates.append((f, top, (key, *shape[1:])))
        self.has_methods = any("." in c[2][0] for c in candidates)
        changed = True
        while changed:  # wrappers of wrappers
            changed = False
            for f, fn, (name, fmt_param, args_param, index) in candidates:
                if name in self.printf or name in self.print:
                    continue
                kind = self._forwards(pass_, f, fn, fmt_param, args_param)
                if kind in ("printf", "errorf") and fmt_param is not None:
                    self.printf[name] = (index, kind)
                    changed = True
                elif kind == "print" and fmt_param is None:
                    self.print[name] = index
                    changed = True
        self.method_names = frozenset(k.split(".", 1)[1] for k in (*self.printf, *self.print) if "." in k)

    def describe(self, pkg: str, key: str) -> str:
        if "." not in key:
            return f"{pkg}.{key}"
        type_name, method = key.split(".", 1)
        star = "*" if key in self.pointer_receivers else ""
        return f"({star}{pkg}.{type_name}).{method}"

    @staticmethod
    def _shape(f, fn):
        params = [p for p in fn.child_by_field_name("parameters").named_children if p.type in ("parameter_declaration", "variadic_parameter_declaration")]
        if not params or params[-1].type != "variadic_parameter_declaration":
            return None
        variadic = params[-1]
        typ = variadic.child_by_field_name("type")
        names = variadic.children_by_field_name("name")
        if typ is None or not names or f.text(typ).replace(" ", "") not in _EMPTY_INTERFACES:
            return None
        flat = []  # every parameter name in order, with its type node
        for p in params[:-1]:
            for n in p.children_by_field_name("name"):
                flat.append((n, p.child_by_field_name("type")))
        name = f.text(fn.child_by_field_name("name"))
        if flat and flat[-1][1] is not None and f.text(flat[-1][1]) == "string":
            return name, flat[-1][0], names[0], len(flat) - 1
        return name, None, names[0], len(flat)

    def _forwards(self, pass_, f, fn, fmt_param, args_param) -> str | None:
        for node in walk_named(fn.child_by_field_name("body"), skip=frozenset({"func_literal"})):
            if node.type != "call_expression":
                continue
            args = call_arguments(node)
            if not args or args[-1].type != "variadic_argument":
                continue
            spread = unparen(args[-1].named_children[0]) if args[-1].named_children else None
            if spread is None or spread.type != "identifier" or not _same(pass_, f, spread, args_param):
                continue
            target = _classify(pass_, f, node, self)
            if target is None:
                continue
            kind, index, _ = target
            if kind in ("printf", "errorf") and fmt_param is not None and index == len(args) - 2 and _forwards_format(pass_, f, args[index], fmt_param):
                return kind
            if kind == "print" and fmt_param is None:
                return "print"
        return None


def _value_type(pass_, file, operand) -> str | None:
    """The package-declared type name of a variable, from its declaration: `var l T`,
    `l := &T{...}`, `l := new(T)`, `l := T{...}`, or a receiver `(l *T)`."""
    if operand.type != "identifier":
        return None
    decl = pass_.resolve(file, operand)
    if decl is None or decl.file is None or decl.kind not in ("var", "param", "receiver"):
        return None
    typ = decl.type_node
    if typ is None and decl.value is not None and decl.index == 0:
        value = unparen(decl.value)
        if value.type == "unary_expression" and value.named_children:
            value = unparen(value.named_children[-1])
        if value.type == "composite_literal":
            typ = value.child_by_field_name("type")
        elif value.type == "call_expression" and pass_.callee(decl.file, value) == ("", "new"):
            args = call_arguments(value)
            typ = args[0] if args else None
    if typ is not None and typ.type == "pointer_type" and typ.named_children:
        typ = typ.named_children[0]
    if typ is None or typ.type != "type_identifier":
        return None
    name = decl.file.text(typ)
    type_decl = pass_.scopes.package_decl(name)
    return name if type_decl is not None and type_decl.kind == "type" else None


def _forwards_format(pass_, file, arg, fmt_param) -> bool:
    """`arg` is the format parameter, maybe with constant text around it that adds no
    directives (`"debug: " + format`)."""
    stack, seen_param = [arg], False
    while stack:
        node = unparen(stack.pop())
        if node.type == "binary_expression" and required_field(node, "operator").type == "+":
            stack += [node.child_by_field_name("left"), node.child_by_field_name("right")]
        elif node.type in ("interpreted_string_literal", "raw_string_literal"):
            if "%" in file.text(node):
                return False
        elif _same(pass_, file, node, fmt_param) and not seen_param:
            seen_param = True
        else:
            return False
    return seen_param


def _same(pass_, file, ident, decl_ident) -> bool:
    if ident.type != "identifier":
        return False
    decl = pass_.resolve(file, ident)
    return decl is not None and decl.ident is not None and decl.ident.start_byte == decl_ident.start_byte and decl.file is file


def _classify(pass_, file, call, wrappers=None):
    """(kind, index, full name) for a printf/print call: kind "printf", "errorf" or "print";
    index of the format (or of the first printed argument). None for other calls."""
    fn = unparen(call.child_by_field_name("function"))
    target = pass_.callee(file, call)
    if target is not None:
        path, name = target
        if (path, name) in PRINTF_FUNCS:
            return ("errorf" if (path, name) == ("fmt", "Errorf") else "printf"), PRINTF_FUNCS[path, name], f"{path}.{name}"
        if (path, name) in PRINT_FUNCS:
            return "print", PRINT_FUNCS[path, name], f"{path}.{name}"
        if path == "" and wrappers is not None:
            return _wrapper_target(wrappers, file, name)
        return None
    if fn.type != "selector_expression":
        return None
    operand = unparen(fn.child_by_field_name("operand"))
    method = file.text(fn.child_by_field_name("field"))
    if method in TESTING_PRINTF or method in TESTING_PRINT:
        kind = testing_kind(pass_, file, operand)
        if kind is not None:
            receiver = "(testing.TB)" if kind == "TB" else "(*testing.common)"
            return ("printf" if method in TESTING_PRINTF else "print"), 0, f"{receiver}.{method}"
    if (method in LOGGER_PRINTF or method in LOGGER_PRINT) and _is_logger(pass_, file, operand):
        return ("printf" if method in LOGGER_PRINTF else "print"), 0, f"(*log.Logger).{method}"
    if wrappers is not None and wrappers.has_methods:
        type_name = _value_type(pass_, file, operand)
        if type_name is not None:
            return _wrapper_target(wrappers, file, f"{type_name}.{method}")
    return None


def _wrapper_target(wrappers, file, key):
    if key in wrappers.printf:
        index, kind = wrappers.printf[key]
        return kind, index, wrappers.describe(file.package_name, key)
    if key in wrappers.print:
        return "print", wrappers.print[key], wrappers.describe(file.package_name, key)
    return None


def _may_be_formatter(arg) -> bool:
    """Without types, any non-literal argument might implement fmt.Formatter (vet skips
    verb and flag checks for those)."""
    return unparen(arg).type not in _LITERALS


def _printf_problem(pass_, syntax, file, call, kind, index, name) -> str | None:
    """What is wrong with a printf call's arguments, or None."""
    args = call_arguments(call)
    if index >= len(args):
        return None
    fmt = _string_constant(pass_, file, args[index], syntax)
    if fmt is None:
        return None  # not a constant format: nothing to be sure of
    rest = args[index + 1 :]
    ellipsis = bool(rest) and rest[-1].type == "variadic_argument"
    nargs = len(rest)
    if "%" not in fmt:
        if rest and not ellipsis:
            return f"{name} call has arguments but no formatting directives"
        return None
    parsed = parse_format(fmt)
    max_arg = 0
    for d in parsed.directives:
        bad_index = next((i for i in d.indexes if i > nargs), None)
        if bad_index is not None and not ellipsis:
            return f"{name} format has invalid argument index [{bad_index}]"
        info = PRINT_VERBS.get(d.verb)
        verb_arg = rest[d.arg_nums[-1]] if d.verb != "%" and d.arg_nums and d.arg_nums[-1] < nargs else None
        formatter = verb_arg is not None and d.verb != "w" and _may_be_formatter(verb_arg)
        if not formatter:
            if info is None:
                return f"{name} format {d.text} has unknown verb {d.verb}"
            bad_flag = next((c for c in d.flags if c != "0" and c not in info), None)
            if bad_flag is not None:
                return f"{name} format {d.text} has unrecognized flag {bad_flag}"
        for n in d.arg_nums:
            if n < nargs - 1 or (n < nargs and not ellipsis):
                continue
            if ellipsis:
                return None  # the spread slice may hold it
            return f"{name} format {d.text} reads arg #{n + 1}, but call has {_count(nargs)}"
        if d.verb == "w" and kind != "errorf":
            return f"{name} does not support error-wrapping directive %w"
        for n in d.arg_nums:
            max_arg = max(max_arg, n + 1)
    if parsed.problem is not None:
        p = parsed.problem
        if p.kind == "missing-verb":
            return f"{name} format {p.text} is missing verb at end of string"
        if p.kind == "missing-bracket":
            return f"{name} format {p.text} is missing closing ]"
        return f"{name} format has invalid argument index [{p.text}]"
    if ellipsis and max_arg >= nargs - 1:
        return None
    if parsed.uses_index:
        return None
    if max_arg != nargs:
        return f"{name} call needs {_count(max_arg)} but has {_count(nargs)}"
    return None


def _missing_spread(pass_, file, call, kind, index) -> str | None:
    """A wrapper `func f(format string, args ...interface{})` calling `fmt.Sprintf(format,
    args)`: the slice is printed as one value. Reported like vet, only when the call hands
    on exactly the wrapper's own format and args (with more arguments than the callee
    takes, adding `...` would not compile, so the slice is meant as a value)."""
    args = call_arguments(call)
    last = unparen(args[-1]) if args else None
    if last is None or last.type != "identifier":
        return None
    decl = pass_.resolve(file, last)
    if decl is None or decl.kind != "param" or decl.spec is None or decl.spec.type != "variadic_parameter_declaration" or decl.file is not file:
        return None
    typ = decl.spec.child_by_field_name("type")
    if typ is None or file.text(typ).replace(" ", "") not in _EMPTY_INTERFACES:
        return None
    if kind == "print":
        if len(args) != index + 1:
            return None
    else:
        if len(args) != index + 2:
            return None
        previous = decl.spec.prev_named_sibling
        while previous is not None and previous.type == "comment":
            previous = previous.prev_named_sibling
        names = previous.children_by_field_name("name") if previous is not None and previous.type == "parameter_declaration" else []
        ptype = previous.child_by_field_name("type") if previous is not None else None
        if not names or ptype is None or file.text(ptype) != "string" or not _forwards_format(pass_, file, args[index], names[-1]):
            return None
    desc = "print" if kind == "print" else "printf"
    return f"missing ... in args forwarded to {desc}-like function"


def _print_problems(pass_, syntax, file, call, index, name) -> list[str]:
    """What is wrong with a print call's arguments."""
    problems: list[str] = []
    args = call_arguments(call)
    if index >= len(args):
        return problems
    if index == 0:
        first = unparen(args[0])
        if first.type == "selector_expression":
            operand = first.child_by_field_name("operand")
            field = file.text(first.child_by_field_name("field"))
            # the name first: import_path resolves the function around a shadowable name
            if field.startswith("Std") and operand is not None and operand.type == "identifier" and pass_.import_path(file, operand) == "os":
                problems.append(f"{name} does not take io.Writer but has first arg {file.text(first)}")
    first_value = _string_constant(pass_, file, args[index], syntax)
    if first_value is not None:
        s = first_value[:-1] if first_value.endswith("%") else first_value
        if "%" in s:
            m = POSSIBLE_DIRECTIVE.search(s)
            if m is not None:
                problems.append(f"{name} call has possible formatting directive {m.group(0)}")
    if name.endswith("ln") and args[-1].type != "variadic_argument":
        last = _string_constant(pass_, file, args[-1], syntax)
        if last is not None and last.endswith("\n"):
            problems.append(f"{name} arg list ends with redundant newline")
    return problems


def _may_report(pass_, syntax, file, call, name) -> bool:
    """Could checking this call report anything, whatever callee `name` turns out to be (of
    fmt, of log, of a *log.Logger or a *testing.T)? A dry run of the checks with the kind
    and index each of those has (`_SHAPES`) needs no name resolved (`_Syntax`,
    `may_name_constant`), while finding out the callee resolves the whole function around
    the call. Most calls are fine."""
    kind, index = _SHAPES[name]
    args = call_arguments(call)
    if index >= len(args):
        return False
    if len(args) == index + (1 if kind == "print" else 2):
        last = unparen(args[-1])
        if last.type == "identifier" and syntax.may_be_variadic(file, last):
            return True  # maybe a wrapper's own args handed on without `...`
    if kind == "print":
        # the callee's full name ends in "ln" exactly when `name` does
        return bool(_print_problems(pass_, syntax, file, call, index, name))
    return _printf_problem(pass_, syntax, file, call, kind, index, name) is not None


def _check_call(pass_, syntax, file, call, wrappers) -> None:
    target = _classify(pass_, file, call, wrappers)
    if target is None:
        return
    kind, index, name = target
    spread = _missing_spread(pass_, file, call, kind, index)
    if spread is not None:
        pass_.report(file, call, spread)
        return
    if kind == "print":
        problems = _print_problems(pass_, syntax, file, call, index, name)
    else:
        problem = _printf_problem(pass_, syntax, file, call, kind, index, name)
        problems = [problem] if problem is not None else []
    for problem in problems:
        pass_.report(file, call, problem)


def _wrapper_calls(pass_, wrappers):
    """Calls of the package's own wrappers by a name that looks like one (`_WRAPPER_NAME`):
    `logf(...)`, and `x.logf(...)` unless QUERY matched that name already. Only top-level
    declarations whose text holds such a name are searched."""
    names = sorted({k.rsplit(".", 1)[-1] for k in (*wrappers.printf, *wrappers.print)})
    names = [n for n in names if _WRAPPER_NAME.search(n)]
    if not names:
        return
    methods = [n for n in names if n not in _SHAPES]
    source = _WRAPPER_CALLS % " ".join(f'"{n}"' for n in names)
    if methods:
        source += _WRAPPER_METHOD_CALLS % " ".join(f'"{n}"' for n in methods)
    query = tree_sitter.Query(GO_LANGUAGE, source)
    mentions = re.compile(b"|".join(re.escape(n.encode()) for n in names))
    for f in pass_.files:
        positions = [m.start() for m in mentions.finditer(f.source)]
        if not positions:
            continue
        children = f.root.children
        starts = [c.start_byte for c in children]
        cursor = tree_sitter.QueryCursor(query)
        cursor.match_limit = 1024  # as the engine's own cursor
        for i in sorted({bisect.bisect_right(starts, p) - 1 for p in positions}):
            if i >= 0:
                for _, captures in cursor.matches(children[i]):
                    yield f, captures["call"][0]


def run(pass_: Pass) -> None:
    syntax = _Syntax(pass_)
    wrappers = _Wrappers(pass_)
    for file, call, m in pass_.iter_matches("call"):
        name = file.text(m.node("name"))
        if name not in wrappers.method_names and not _may_report(pass_, syntax, file, call, name):
            continue
        _check_call(pass_, syntax, file, call, wrappers)
    for file, call in _wrapper_calls(pass_, wrappers):
        pass_.current_file = file
        _check_call(pass_, syntax, file, call, wrappers)


RULE = Rule(
    name="printf",
    summary="printf-family call whose arguments do not match its format",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:printf", "staticcheck:SA5009"),
)
