"""Rules the engine itself reports: parse errors and its own failures.

They are values like any rule so that `gocheck rules`, `explain`, config and `//nolint`
treat them the same way.
"""

from analyzer.api.diagnostics import Severity
from analyzer.api.rule import Rule

SYNTAX_DOC = """Go source that does not parse.

## What it does
Reports each region of the file that does not parse (a run of damaged top-level
declarations) once, at the token the Go compiler would complain about, in its words
("unexpected newline in argument list; possibly missing comma or )"). Other rules report
nothing inside such a region, which includes the functions an unclosed `{` swallows;
the rest of the file is checked as usual.

## Why is this bad?
The Go compiler rejects the file; nothing else about it can be trusted until it parses.

## Example
```go
func f() {
    x := 
}
```

## Use instead
```go
func f() {
    x := 1
    _ = x
}
```
"""

INTERNAL_DOC = """gocheck could not finish checking something.

## What it does
Reports a rule that raised an exception, a file whose analysis ran past its time budget,
a file or directory that could not be read, or a file gocheck would not read: a symlink
leading outside the checked tree, a FIFO, device or socket, a file over `max-file-size`.
The rest of the run goes on; the exit code is 3 so CI notices.

## Why is this bad?
A silent failure would look like a clean result. This finding names the rule and the file
so the problem can be reported to the rule's author.

## Example
```text
internal: rule nilcheck crashed on pkg/a.go: IndexError: list index out of range
```

## Use instead
Report it to the rule's pack author; disable the rule meanwhile with `--disable NAME`.
"""


def _engine_reported(pass_) -> None:  # the runner produces these findings itself
    return None


SYNTAX = Rule(name="syntax", summary="Go source that does not parse", run=_engine_reported, severity=Severity.ERROR, doc=SYNTAX_DOC, tags=("correctness",), equivalents=("go vet: typecheck",))
INTERNAL = Rule(name="internal", summary="gocheck could not finish checking something", run=_engine_reported, severity=Severity.ERROR, doc=INTERNAL_DOC)

ENGINE_RULES = (SYNTAX, INTERNAL)
