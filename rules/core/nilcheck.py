"""Nil pointer dereferences that would panic, found by following the control flow.

## What it does
Follows each function's control flow and tracks, per local variable and parameter, whether
it is nil, non-nil or unknown, refined by `x == nil` / `x != nil` conditions (with `!`,
`&&`, `||`, early `return`, `continue`, `break`, `panic` and calls that never return such as
`log.Fatal`, `t.Fatal`, `os.Exit` or this package's own fatal helpers). It reports:

- a dereference of a value that is nil on every path reaching it: a field selection, `*p`,
  indexing or slicing a nil pointer to an array, calling a nil func value, a type assertion
  or a method call on a nil interface, and `panic` with a nil value;
- a possible nil dereference: the variable is compared with nil, and it is dereferenced on a
  path where that comparison said nil (use after a check whose nil branch does not leave),
  or it was dereferenced before being compared with nil (check after use);
- nil comparisons whose outcome is already known (`tautological condition: nil == nil`,
  `impossible condition: non-nil != nil`): the code they guard is dead or always runs.

A method call on a possibly nil pointer is not a dereference in general (Go allows nil
receivers, and generated code such as protobuf getters relies on it); it is reported only
when the method is declared in the same package with a value receiver, or its body
dereferences the receiver before any nil check. Reading a nil map, ranging over a nil slice
or map and taking their `len` are safe and never reported.

The analysis is local to one function and needs no type checker: variables whose address
is taken, that a closure assigns, or whose type cannot be told from the source are left
alone, and facts from a check in an earlier loop iteration are not carried into the next.
When it cannot be sure, it stays silent.

## Why is this bad?
A nil dereference panics at run time and usually takes the process down. A check after the
use, or a use after a check that does not leave, means either the check is wrong or the
dereference will panic on exactly the path the check was written for. A condition that is
always true or always false hides dead code, often a leftover of a refactoring.

## Example
```go
func name(u *User) string {
    if u == nil {
        log.Printf("no user")
    }
    return u.Name // possible nil pointer dereference
}

func load(path string) (*Config, error) {
    cfg, err := parse(path)
    if err != nil {
        return nil, err
    }
    if err != nil && cfg.Strict { // impossible condition: nil != nil
        return nil, err
    }
    return cfg, nil
}
```

## Use instead
```go
func name(u *User) string {
    if u == nil {
        log.Printf("no user")
        return ""
    }
    return u.Name
}

func load(path string) (*Config, error) {
    cfg, err := parse(path)
    if err != nil {
        return nil, err
    }
    if cfg.Strict {
        if err := cfg.Validate(); err != nil {
            return nil, err
        }
    }
    return cfg, nil
}
```
"""

from analyzer.analysis_pass import Pass
from analyzer.cfg import FUNCTION_NODES
from analyzer.nilness import NilAnalysis
from analyzer.rule import Rule

# Candidate functions: only those with a nil comparison, a nil assignment, a nil case or a
# variable declared without a value (which may be nil) get a CFG and the dataflow.
QUERY = """
(binary_expression left: (nil)) @nil
(binary_expression right: (nil)) @nil
(assignment_statement right: (expression_list (nil))) @nil
(var_spec value: (expression_list (nil))) @nil
(var_spec !value type: [(pointer_type) (function_type) (interface_type) (slice_type) (map_type) (channel_type) (type_identifier) (generic_type)]) @nil
(expression_case value: (expression_list (nil))) @nil
(type_case type: (type_identifier) @t) @nilcase
(call_expression function: (identifier) @panic arguments: (argument_list (nil))) @nil
"""

_VALUE_TYPE_NAMES = frozenset(
    b"bool byte complex64 complex128 float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr".split()
)


def _enclosing_function(node):
    n = node.parent
    while n is not None:
        if n.type in FUNCTION_NODES:
            return n
        n = n.parent
    return None


def _candidates(pass_: Pass):
    seen = set()
    for m in pass_.matches:
        node = m.get("nil") or m.get("nilcase")
        if node is None:
            continue
        if node.type == "type_case":
            t = m.get("t")
            if t is None or t.text != b"nil":
                continue
        elif node.type == "var_spec" and node.child_by_field_name("value") is None:
            typ = node.child_by_field_name("type")
            if typ is not None and typ.type == "type_identifier" and typ.text in _VALUE_TYPE_NAMES:
                continue
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None or fn.text != b"panic":
                continue
        func = _enclosing_function(node)
        if func is None:
            continue
        key = (m.file.path, func.start_byte, func.type)
        if key in seen:
            continue
        seen.add(key)
        yield m.file, func


def run(pass_: Pass) -> None:
    for file, func in _candidates(pass_):
        pass_.current_file = file
        if func.child_by_field_name("body") is None:
            continue
        for finding in NilAnalysis(pass_, file, func).run():
            pass_.report(file, finding.node, finding.message)


RULE = Rule(
    name="nilcheck",
    summary="nil pointer dereferences and nil comparisons with a known outcome, from the control flow",
    run=run,
    query=QUERY,
    tags=("correctness", "nil"),
    equivalents=("staticcheck:SA5011", "vet:nilness"),
)
