"""A call to a function without side effects, as a statement: its result is thrown away.

## What it does
Reports expression statements that call a standard-library function whose only effect is
its result: `fmt.Sprintf` and friends, `fmt.Errorf`, `errors.New`, the string functions of
`strings` and `bytes` (`TrimSpace`, `ToLower`, `Replace`, `Split`, `Join`, ...),
`strconv`'s formatting functions, `path`/`filepath` helpers, `unicode` and `math`
functions, `url.QueryEscape`, `html.EscapeString`, `hex.EncodeToString`, `sort.Reverse` and the
`context.With*` constructors (whose discarded cancel function also leaks the context); and
`append(...)` on its own. Imports are resolved, so an aliased import is recognised and a
local variable that happens to be called `strings` is not.

It also reports a discarded `Error()` or `String()` call when the receiver's type is known
to have that method: `error` values, `bytes.Buffer`, `strings.Builder`, and types of the
package that declare `Error() string` or `String() string`.

In `_test.go` files, calls inside benchmarks and inside function literals (such as the
body given to `testing.AllocsPerRun`) are left alone: there the result is discarded on
purpose, to measure the call.

## Why is this bad?
The call does nothing. Usually the author expected it to modify its argument in place,
which Go strings never allow: `strings.TrimSpace(name)` leaves `name` as it was, and
`fmt.Errorf("...")` without `return` loses the error.

## Example
```go
func normalize(name string) string {
    strings.TrimSpace(name)
    return strings.ToLower(name)
}
```

## Use instead
```go
func normalize(name string) string {
    name = strings.TrimSpace(name)
    return strings.ToLower(name)
}
```
"""

from tree_sitter import Node

from analyzer.api.analysis_pass import Pass
from analyzer.golang.exprtype import declared_type, qualified_name, unparen_type
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, unparen, required_field
from analyzer.golang.receiver import receiver_type

_STRING_FUNCS = (
    "Clone Compare Contains ContainsAny ContainsRune Count Cut EqualFold Fields HasPrefix HasSuffix Index IndexAny "
    "IndexByte IndexRune Join LastIndex LastIndexAny LastIndexByte Repeat Replace ReplaceAll Split SplitAfter "
    "SplitAfterN SplitN Title ToLower ToTitle ToUpper ToValidUTF8 Trim TrimLeft TrimPrefix TrimRight TrimSpace "
    "TrimSuffix"
).split()

# import path -> functions whose result is their only effect (none takes a callback that
# could have effects of its own, none writes into an argument).
PURE_FUNCS: dict[str, frozenset[str]] = {
    "fmt": frozenset({"Sprintf", "Sprint", "Sprintln", "Errorf"}),
    "errors": frozenset({"New", "Is", "Unwrap", "Join"}),
    "strings": frozenset(_STRING_FUNCS),
    "bytes": frozenset(_STRING_FUNCS + ["Equal", "Runes"]),
    "strconv": frozenset({"Itoa", "FormatInt", "FormatUint", "FormatFloat", "FormatBool", "FormatComplex", "Quote", "QuoteToASCII", "QuoteToGraphic", "QuoteRune", "QuoteRuneToASCII", "Unquote"}),
    "path": frozenset({"Base", "Clean", "Dir", "Ext", "IsAbs", "Join", "Split"}),
    "path/filepath": frozenset({"Base", "Clean", "Dir", "Ext", "IsAbs", "Join", "Split", "ToSlash", "FromSlash", "VolumeName"}),
    "sort": frozenset({"Reverse"}),
    "unicode": frozenset({"ToUpper", "ToLower", "ToTitle", "IsDigit", "IsLetter", "IsLower", "IsPunct", "IsSpace", "IsUpper"}),
    "math": frozenset({"Abs", "Ceil", "Floor", "Max", "Min", "Mod", "Pow", "Round", "Sqrt", "Trunc"}),
    "net/url": frozenset({"QueryEscape", "PathEscape"}),
    "html": frozenset({"EscapeString", "UnescapeString"}),
    "encoding/hex": frozenset({"EncodeToString"}),
    "context": frozenset({"WithValue", "WithCancel", "WithDeadline", "WithTimeout", "Background", "TODO"}),
}

# Standard-library types whose String method only formats.
_STRING_METHOD_TYPES = frozenset({("bytes", "Buffer"), ("strings", "Builder")})

_ALL_NAMES = sorted({n for names in PURE_FUNCS.values() for n in names} | {"Error", "String"})

QUERY = (
    """
(expression_statement
  (call_expression
    function: (selector_expression field: (field_identifier) @name)
    (#any-of? @name """
    + " ".join(f'"{n}"' for n in _ALL_NAMES)
    + """)) @call)
(expression_statement
  (call_expression function: (identifier) @builtin (#eq? @builtin "append")) @call)
"""
)


def _local_string_methods(pass_: Pass) -> set[tuple[str, str]]:
    """(type name, method) for methods `Error() string` / `String() string` of this package."""
    found: set[tuple[str, str]] = set()
    for f in pass_.files:
        for top in f.root.named_children:
            if top.type != "method_declaration":
                continue
            name = top.child_by_field_name("name")
            params = top.child_by_field_name("parameters")
            result = top.child_by_field_name("result")
            if name is None or f.text(name) not in ("Error", "String") or params is None or params.named_child_count:
                continue
            receiver = receiver_type(f, top)
            if result is None or f.text(result) != "string" or receiver is None:
                continue
            found.add((receiver.type_name, f.text(name)))
    return found


def _method_receiver_known(pass_: Pass, file: GoFile, call: Node, local: set[tuple[str, str]]) -> str | None:
    """For `x.Error()` / `x.String()` with x's type known to have that method: the type's name."""
    fn = unparen(required_field(call, "function"))
    args = call.child_by_field_name("arguments")
    if args is None or args.named_child_count:
        return None
    method = file.text(required_field(fn, "field"))
    ref = declared_type(pass_, file, required_field(fn, "operand"))
    if ref is not None and ref.basic == "error" and method == "Error":
        return "error"
    if ref is None or ref.node is None or ref.file is None:
        return None
    typ = unparen_type(ref.node)
    pointer = ref.pointer
    if typ.type == "pointer_type" and typ.named_child_count:
        typ, pointer = unparen_type(typ.named_children[0]), True
    if typ.type == "type_identifier":
        decl = pass_.resolve(ref.file, typ)
        name = ref.file.text(typ)
        if decl is not None and decl.kind == "type" and decl.ident is None and name == "error" and method == "Error" and not pointer:
            return "error"
        if decl is not None and decl.kind == "type" and decl.ident is not None and decl.owner is None and (name, method) in local:
            return name
        return None
    q = qualified_name(pass_, ref)
    if q is not None and method == "String" and q in _STRING_METHOD_TYPES:
        return f"{q[0]}.{q[1]}"
    return None


def _measured(file: GoFile, call: Node) -> bool:
    """In a test file, inside a benchmark or a func literal (testing.AllocsPerRun, a
    benchmark body): the result is discarded on purpose, to measure the call."""
    if not file.is_test:
        return False
    node = call.parent
    while node is not None:
        if node.type == "func_literal":
            return True
        if node.type in ("function_declaration", "method_declaration"):
            name = node.child_by_field_name("name")
            return name is not None and file.text(name).startswith("Benchmark")
        node = node.parent
    return False


def run(pass_: Pass) -> None:
    local: set[tuple[str, str]] | None = None
    # `_measured` (a walk up the tree) is asked only of calls about to be reported: most
    # matches are `t.Errorf(...)` statements in tests, which no branch reports.
    for file, call, m in pass_.iter_matches("call"):
        if m.get("builtin") is not None:
            decl = pass_.resolve(file, m.node("builtin"))
            if decl is not None and decl.kind == "builtin" and not _measured(file, call):
                pass_.report(file, call, "result of append call not used: append returns the new slice")
            continue
        name = file.text(m.node("name"))
        callee = pass_.callee(file, call)
        if callee is not None:
            if name in PURE_FUNCS.get(callee[0], ()) and not _measured(file, call):
                short = callee[0].rsplit("/", 1)[-1]
                pass_.report(file, call, f"result of {short}.{name} call not used")
            continue
        if name in ("Error", "String"):
            if local is None:
                local = _local_string_methods(pass_)
            owner = _method_receiver_known(pass_, file, call, local)
            if owner is not None and not _measured(file, call):
                pass_.report(file, call, f"result of ({owner}).{name} call not used")


RULE = Rule(
    name="pureresult",
    summary="a call without side effects used as a statement: its result is discarded",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:unusedresult", "staticcheck:SA4017"),
)
