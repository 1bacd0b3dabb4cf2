"""`signal.Notify` on an unbuffered channel: signals can be lost.

## What it does
Reports `signal.Notify(c, ...)` where the local variable `c` is declared as
`make(chan os.Signal)` without a buffer size and never assigned again. Channels whose
declaration is not plain from the source (a parameter, a field) are left alone, and so is
`signal.Notify(make(chan os.Signal), ...)`, a channel nobody can receive from (as go vet).

## Why is this bad?
The `os/signal` package does not block when it delivers a signal: if the receiver is not
ready at that instant, the signal is dropped. With an unbuffered channel, a Ctrl-C that
arrives while the program is busy elsewhere is silently lost.

## Example
```go
stop := make(chan os.Signal)
signal.Notify(stop, os.Interrupt)
<-stop
```

## Use instead
```go
stop := make(chan os.Signal, 1)
signal.Notify(stop, os.Interrupt)
<-stop
```

## Fix safety
The fix gives the channel a buffer of one (`make(chan os.Signal, 1)`); it is safe: the
channel only receives more reliably.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.rule import Rule
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @name (#eq? @name "Notify"))) @call
"""


def _unbuffered_make(pass_, file, node):
    """The `make(chan T)` call (without size) the local variable `node` was declared with,
    and its file, when nothing assigns the variable again."""
    node = unparen(node)
    decl = pass_.resolve(file, node) if node.type == "identifier" else None
    if decl is None or decl.kind != "var" or decl.value is None or decl.owner is None or decl.file is None:
        return None
    for ref in decl.references:
        parent = ref.parent
        if parent is not None and parent.type == "expression_list" and parent.parent is not None and parent.parent.type == "assignment_statement":
            left = parent.parent.child_by_field_name("left")
            if left is not None and left.id == parent.id:
                return None  # assigned again later: which channel reaches Notify is not plain
    file, value = decl.file, unparen(decl.value)
    if value.type != "call_expression" or pass_.callee(file, value) != ("", "make"):
        return None
    args = call_arguments(value)
    if len(args) != 1 or args[0].type != "channel_type":
        return None
    return file, value


def run(pass_: Pass) -> None:
    for file, call, _ in pass_.iter_matches("call"):
        args = call_arguments(call)
        if not args or not pass_.is_call_to(file, call, "os/signal", "Notify"):
            continue
        found = _unbuffered_make(pass_, file, args[0])
        if found is None:
            continue
        make_file, make = found
        chan = call_arguments(make)[0]
        fix = replace_fix("give the channel a buffer of 1", chan, make_file.text(chan) + ", 1")
        pass_.report(file, args[0], f"signal.Notify on an unbuffered channel: a signal that arrives while nobody receives is lost; use make({make_file.text(chan)}, 1)", fix)


RULE = Rule(
    name="sigchanbuffer",
    summary="signal.Notify on an unbuffered channel loses signals",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:sigchanyzer", "staticcheck:SA1017"),
)
