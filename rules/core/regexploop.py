r"""A constant regular expression compiled again on every turn of a loop.

## What it does
Reports `regexp.MustCompile(c)`, `regexp.Compile(c)`, `regexp.MatchString(c, s)`,
`regexp.Match(c, b)` and `regexp.MatchReader(c, r)` (and their POSIX forms) where `c` is a
string literal and the call sits in the body of a `for` loop of the same function (not in
a function literal inside it). The `Compile` forms are only reported when they run on
every iteration (not inside an `if` or a `case` of the loop body, such as an error path
that runs once); the `Match` forms, which compile on every call, wherever they are in the
loop. Patterns built at run time and benchmarks (`Benchmark...` functions, which may
measure the compile) are left alone.

## Why is this bad?
Compiling a regular expression costs far more than matching a short string with it, and
the result is the same every time: the loop pays for the compile on every iteration.
`regexp.MatchString` compiles its pattern on each call.

## Example
```go
for _, line := range lines {
    if regexp.MustCompile(`^\s*#`).MatchString(line) {
        continue
    }
}
```

## Use instead
```go
var commentLine = regexp.MustCompile(`^\s*#`)

for _, line := range lines {
    if commentLine.MatchString(line) {
        continue
    }
}
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @name
    (#match? @name "^(MustCompile|Compile|MustCompilePOSIX|CompilePOSIX|MatchString|Match|MatchReader)$"))) @call
"""

_STRINGS = ("interpreted_string_literal", "raw_string_literal")
_FUNCTION_NODES = ("function_declaration", "method_declaration", "func_literal")


_BRANCHES = frozenset({"expression_case", "type_case", "default_case", "communication_case"})


def loop_position(node) -> str | None:
    """Where `node` runs in the innermost enclosing `for` body of its own function: "every"
    iteration, "some" iterations (inside an `if` or a `case` in that body), or None when it
    is not in a loop body (the init clause of a `for` runs once)."""
    child, parent = node, node.parent
    conditional = False
    while parent is not None and parent.type not in _FUNCTION_NODES:
        if parent.type == "for_statement" and child.type == "block":
            return "some" if conditional else "every"
        if parent.type in _BRANCHES or (parent.type == "if_statement" and child.type in ("block", "if_statement")):
            conditional = True
        child, parent = parent, parent.parent
    return None


def _in_benchmark(file, node) -> bool:
    while node is not None and node.type not in ("function_declaration", "method_declaration"):
        node = node.parent
    name = node.child_by_field_name("name") if node is not None else None
    return name is not None and file.text(name).startswith("Benchmark")


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        args = call_arguments(call)
        if not args or unparen(args[0]).type not in _STRINGS:
            continue
        name_node = m.get("name")
        if name_node is None:
            continue
        name = file.text(name_node)
        if not pass_.is_call_to(file, call, "regexp", name):
            continue
        where = loop_position(call)
        matching = name.startswith("Match")
        if where is None or (where == "some" and not matching) or _in_benchmark(file, call):
            continue
        what = "compiles its pattern on every call" if matching else "compiles the same pattern on every iteration"
        pass_.report(file, call, f"regexp.{name} in a loop {what}: compile it once, outside the loop")


RULE = Rule(
    name="regexploop",
    summary="a constant regexp compiled on every iteration of a loop",
    run=run,
    query=QUERY,
    tags=("performance",),
    equivalents=("staticcheck:SA6000",),
)
