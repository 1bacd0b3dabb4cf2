"""Assignment of a variable to itself.

## What it does
Reports assignments whose right-hand side is the same expression as the left-hand side,
such as `x = x` or `a, b = a, b` (pairwise), when the expression has no calls or channel
receives that could make the two sides differ.

## Why is this bad?
The statement has no effect. It is almost always a typo for an assignment to or from a
different variable, often a struct field: `s.name = name` written as `name = name`.

## Example
```go
func (s *Server) SetName(name string) {
    name = name
}
```

## Use instead
```go
func (s *Server) SetName(name string) {
    s.name = name
}
```

## Fix safety
The fix deletes the statement; it is safe because the statement does nothing.
"""

from analyzer.api.analysis_pass import Pass, delete_fix
from analyzer.api.rule import Rule
from analyzer.golang.purity import has_side_effects

# `#eq?` compares each left operand's source text with each right one's inside tree-sitter,
# so only assignments with some identical pair reach Python (the pairwise check there
# still decides: `a, b = b, a` matches here too). Text equality as bytes and as decoded
# text agree on Go source, which is valid UTF-8.
QUERY = """
(assignment_statement
  left: (expression_list (_) @l) @left
  operator: "="
  right: (expression_list (_) @r) @right
  (#eq? @l @r)) @stmt
"""


def run(pass_: Pass) -> None:
    done: set[tuple[str, int]] = set()  # one match per identical (left, right) pair
    for file, stmt, m in pass_.iter_matches("stmt"):
        key = (file.path, stmt.start_byte)
        if key in done:
            continue
        done.add(key)
        lefts = m.node("left").named_children
        rights = m.node("right").named_children
        if len(lefts) != len(rights):
            continue
        pairs = [
            l for l, r in zip(lefts, rights)
            if file.text(l) != "_" and file.text(l) == file.text(r) and not has_side_effects(pass_, file, l)
        ]
        # Deleting the statement is right only when every pair assigns to itself.
        whole = len(pairs) == len(lefts)
        for l in pairs:
            name = file.text(l)
            fix = delete_fix("remove the self-assignment", file, stmt) if whole else None
            pass_.report(file, stmt if len(lefts) == 1 else l, f"self-assignment of {name} to {name}", fix)


RULE = Rule(
    name="selfassign",
    summary="assignment of a variable to itself",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:assign", "staticcheck:SA4018"),
)
