"""`time.Sleep` with a small untyped constant: nanoseconds, not seconds.

## What it does
Reports `time.Sleep(n)` where `n` is an integer literal from 1 to 120. `time.Sleep` takes a
`time.Duration`, which counts nanoseconds, so `time.Sleep(5)` waits five nanoseconds.
`time.Sleep(0)` (a yield) and larger numbers, which may well be nanoseconds on purpose,
are left alone.

## Why is this bad?
The author almost always meant seconds (or milliseconds): the program does not wait at
all, retry loops spin, and tests that rely on the pause become flaky.

## Example
```go
time.Sleep(5)
```

## Use instead
```go
time.Sleep(5 * time.Second)
```

## Fix safety
The fix (`5 * time.Second`) is marked unsafe, so it is never applied unasked: it changes
what the program does, to what was almost certainly meant.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.golang.goliteral import int_value
from analyzer.api.rule import Rule
from analyzer.golang.source import unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#eq? @name "Sleep"))
  arguments: (argument_list . (int_literal) @lit .)) @call
"""


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        if not pass_.is_call_to(file, call, "time", "Sleep"):
            continue
        lit = m.node("lit")
        if unparen(lit) != lit:
            continue
        n = int_value(file.text(lit))
        if n is None or not 1 <= n <= 120:
            continue
        text = file.text(lit)
        unit = "second" if n == 1 else "seconds"
        fix = replace_fix(f"use {text} {unit}", lit, f"{text} * time.Second", safe=False)
        pass_.report(file, lit, f"sleeping for {n} nanoseconds is probably a bug; be explicit if it isn't: time.Sleep({text} * time.Nanosecond) or time.Sleep({text} * time.Second)", fix)


RULE = Rule(
    name="sleepconst",
    summary="time.Sleep with a small untyped integer: it counts nanoseconds",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1004",),
)
