"""Empty `if` or `else` branch.

## What it does
Reports an `if` whose body is empty and that has no `else`, and an `else { }` that is
empty. It stays silent when the empty block holds a comment (a deliberate "nothing to do
here, because ..."), when the condition calls something (it may be there for its effect),
and in generated files.

## Why is this bad?
An empty branch does nothing: either code is missing (the error that was meant to be
returned, the log line) or the whole statement is dead and only confuses readers.

## Example
```go
if err != nil {
}
```

## Use instead
```go
if err != nil {
    return err
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import walk_named

QUERY = """
(if_statement) @if
"""


def _empty(block) -> bool:
    """A block with no statements and no comments."""
    return block is not None and block.type == "block" and not any(c.type in ("statement_list", "comment") for c in block.named_children)


def run(pass_: Pass) -> None:
    for file, stmt, _ in pass_.iter_matches("if"):
        consequence = stmt.child_by_field_name("consequence")
        alternative = stmt.child_by_field_name("alternative")
        if alternative is None and _empty(consequence):
            init = stmt.child_by_field_name("initializer")
            cond = stmt.child_by_field_name("condition")
            if init is None and cond is not None and not any(n.type == "call_expression" for n in walk_named(cond)):
                pass_.report(file, stmt, "empty branch: the if statement does nothing")
        elif alternative is not None and _empty(alternative):
            pass_.report(file, alternative, "empty branch: the else block does nothing")


RULE = Rule(
    name="emptybranch",
    summary="empty if or else branch",
    run=run,
    query=QUERY,
    tags=("style", "correctness"),
    equivalents=("staticcheck:SA9003",),
)
