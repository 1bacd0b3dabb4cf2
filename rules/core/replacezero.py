"""`strings.Replace` or `bytes.Replace` with `n == 0`, which replaces nothing.

## What it does
Reports calls of `strings.Replace` and `bytes.Replace` whose last argument, the number of
replacements, is the literal `0`. Aliased imports are recognised; a local variable or
another package named `strings` is not mistaken for the standard library.

## Why is this bad?
`n` is the maximum number of replacements, not a flag: with `0` the call returns its input
unchanged (for `bytes.Replace`, a copy of it). The author almost always meant `-1`, "replace
every match", which `strings.ReplaceAll` spells out.

## Example
```go
func slug(name string) string {
    return strings.Replace(name, " ", "-", 0)
}
```

## Use instead
```go
func slug(name string) string {
    return strings.ReplaceAll(name, " ", "-")
}
```

## Fix safety
The fix changes `0` to `-1` (replace every match). It is marked unsafe: the author may have
meant a bounded count such as `1`, and either way the program's output changes.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.golang.goliteral import int_value
from analyzer.api.rule import Rule
from analyzer.golang.source import code_children, unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name)
  arguments: (argument_list) @args
  (#eq? @name "Replace")) @call
"""


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        args = code_children(m.node("args"))
        if len(args) != 4:
            continue
        n = unparen(args[3])
        if n.type != "int_literal" or int_value(file.text(n)) != 0:
            continue
        callee = pass_.callee(file, call)
        if callee is None or callee[0] not in ("strings", "bytes") or callee[1] != "Replace":
            continue
        pkg = callee[0]
        pass_.report(
            file,
            call,
            f"{pkg}.Replace with n == 0 replaces nothing: use -1 (or {pkg}.ReplaceAll) to replace every match",
            replace_fix("replace every match (n = -1)", n, "-1", safe=False),
        )


RULE = Rule(
    name="replacezero",
    summary="strings.Replace or bytes.Replace with n == 0, which replaces nothing",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1018",),
)
