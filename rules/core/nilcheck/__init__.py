"""Nil pointer dereferences that would panic, found by following the control flow.

## What it does
Follows each function's control flow and tracks, per local variable and parameter, whether
it is nil, non-nil or unknown, refined by `x == nil` / `x != nil` conditions (with `!`,
`&&`, `||`, early `return`, `continue`, `break`, `panic` and calls that never return such as
`log.Fatal`, `t.Fatal`, `os.Exit` or this package's own fatal helpers). It reports:

- a dereference of a value that is nil on every path reaching it: a field selection, `*p`,
  indexing or slicing a nil pointer to an array, calling a nil func value, a type assertion
  or a method call on a nil interface, and `panic` with a nil value;
- a possible nil dereference: the variable is compared with nil, and the dereference follows
  that check on every path, including the one where it said nil (use after a check whose nil
  branch does not leave), or it was dereferenced on every path before being compared with
  nil (check after use);
- nil comparisons whose outcome is already known (`tautological condition: nil == nil`,
  `impossible condition: non-nil != nil`): the code they guard is dead or always runs;
- across functions of the package: a dereference of a call's result that is nil whenever
  the call fails, with the failure not looked at first: `v, _ := f()` then `v.x`, or
  `v, err := f()` then `v.x` before `err` is checked, where `f` (or a function it returns
  the results of, `return g(...)`) returns nil there together with a certainly non-nil
  error (`errors.New`, `fmt.Errorf`, an error literal, an error constructor of the package,
  or `err` inside `if err != nil`). The message names the return statement; the trace
  (the `return nil, err`, each `return g(...)` on the way, the call) comes as related
  locations: notes in text output, `codeFlows` in SARIF, relatedInformation in the editor;
- a field dereferenced right after a nil check of it whose nil branch does not leave
  (`if cfg.TLS == nil { log.Print(...) }` then `cfg.TLS.ServerName`), when nothing in
  between can set it: only logging calls and plain assignments of other variables, `cfg`
  a local variable, parameter or receiver no func literal mentions;
- a pointer from a map lookup dereferenced after `v, ok := m[k]; if !ok { log... }`, when
  `m` is declared `map[K]*T` (a missing key gives nil) and the same holds in between.

A method call on a possibly nil pointer is not a dereference in general (Go allows nil
receivers, and generated code such as protobuf getters relies on it); it is reported only
when the method is declared in the same package with a value receiver, or its body
dereferences the receiver before any nil check. Reading a nil map, ranging over a nil slice
or map and taking their `len` are safe and never reported.

Apart from those call results, fields and map lookups, the analysis is local to one
function and needs no type checker: variables whose address is taken, that a closure
assigns, or whose type cannot be told from the source are left alone, and facts from a check in an earlier loop iteration
are not carried into the next. When it cannot be sure, it stays silent.

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

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule

from .callsites import CALL_SITE_QUERY, check_call_sites
from .dataflow import NilAnalysis
from .fieldchecks import FIELD_CHECK_QUERY, check_field_checks
from .maplookups import MAP_LOOKUP_QUERY, check_map_lookups
from .report import report
from .seeds import SEED_QUERY, candidates

# Candidate functions: only those with a nil comparison, a nil assignment, a nil case or a
# variable declared without a value (which may be nil) get a CFG and the dataflow. Calls
# `v, err := f()` are checked against what this package's functions return; `if x.f == nil`
# without leaving, against the dereference of `x.f` that follows.
QUERY = SEED_QUERY + CALL_SITE_QUERY + FIELD_CHECK_QUERY + MAP_LOOKUP_QUERY


def run(pass_: Pass) -> None:
    for file, func, seeds in candidates(pass_):
        pass_.current_file = file
        if func.child_by_field_name("body") is None:
            continue
        report(pass_, file, NilAnalysis(pass_, file, func, seeds=seeds).run())
    check_call_sites(pass_, pass_.report)
    check_field_checks(pass_, pass_.report)
    check_map_lookups(pass_, pass_.report)


RULE = Rule(
    name="nilcheck",
    summary="nil pointer dereferences and nil comparisons with a known outcome, from the control flow",
    run=run,
    query=QUERY,
    tags=("correctness", "nil"),
    equivalents=("staticcheck:SA5011", "vet:nilness"),
)
