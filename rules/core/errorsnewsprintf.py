"""`errors.New(fmt.Sprintf(...))` where `fmt.Errorf(...)` says the same.

## What it does
Reports `errors.New(fmt.Sprintf(format, args...))` and suggests `fmt.Errorf(format,
args...)`. Both packages are resolved through the file's imports, so aliased imports are
recognised and a local variable or package named `errors` is not.

## Why is this bad?
It formats into a string and then wraps the string in an error: two calls and an extra
allocation for what `fmt.Errorf` does in one, and it reads worse. It also cannot wrap: a
`%w` in the format does not work through `Sprintf`.

## Example
```go
return errors.New(fmt.Sprintf("item %d not found", id))
```

## Use instead
```go
return fmt.Errorf("item %d not found", id)
```

## Fix safety
The fix is offered when the format is a string literal without `%w`: then `fmt.Errorf`
returns an error with exactly the same message (without `%w` it calls `errors.New` itself).
With `%w` the result would change (`Sprintf` prints `%!w(...)`, `Errorf` wraps), and with
a non-literal format nobody can tell, so no fix is offered. When this was the file's only
use of the `errors` import, the fix removes the import too, so the file still compiles.
If several such calls are the only uses, each fix keeps the import and is marked unsafe:
applying all of them leaves `errors` unused.
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.diagnostics import Edit, Fix, Severity
from analyzer.api.rule import Rule
from analyzer.golang.constant import string_value
from analyzer.golang.source import call_arguments, code_children, unparen, required_field

QUERY = """
(call_expression
  function: (selector_expression operand: (identifier) field: (field_identifier) @new_name)
  arguments: (argument_list . (call_expression
      function: (selector_expression operand: (identifier) @fmt field: (field_identifier) @sprintf_name)
      arguments: (argument_list) @sprintf_args) @sprintf .)
  (#eq? @new_name "New")
  (#eq? @sprintf_name "Sprintf")) @outer
"""


def _has_wrap_verb(fmt: str) -> bool:
    i = 0
    while True:
        i = fmt.find("%", i)
        if i < 0:
            return False
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.[]*":
            j += 1
        if j < len(fmt) and fmt[j] == "w":
            return True
        i = j + 1 if j < len(fmt) and fmt[j] == "%" else j


def _import_removal(pass_, file, decl) -> Edit | None:
    """An edit removing the import spec `decl` (its whole line, or the whole declaration)."""
    spec = decl.spec
    if spec is None:
        return None
    node = spec
    if spec.parent is not None and spec.parent.type == "import_declaration":
        node = spec.parent  # `import "errors"` on its own
    src = file.source
    start, end = node.start_byte, node.end_byte
    line_start = src.rfind(b"\n", 0, start) + 1
    line_end = src.find(b"\n", end)
    line_end = len(src) if line_end < 0 else line_end
    if src[line_start:start].strip() or src[end:line_end].strip():
        return None
    return Edit(line_start, min(line_end + 1, len(src)), "")


def _is_pattern(pass_, file, call) -> bool:
    if not pass_.is_call_to(file, call, "errors", "New"):
        return False
    args = call_arguments(call)
    return len(args) == 1 and unparen(args[0]).type == "call_expression" and pass_.is_call_to(file, unparen(args[0]), "fmt", "Sprintf")


def run(pass_: Pass) -> None:
    for file, outer, m in pass_.iter_matches("outer"):
        inner = m.node("sprintf")
        if not pass_.is_call_to(file, outer, "errors", "New") or not pass_.is_call_to(file, inner, "fmt", "Sprintf"):
            continue
        errors_ident = required_field(required_field(outer, "function"), "operand")
        fmt_name = file.text(m.node("fmt"))
        args = m.node("sprintf_args")
        message = f"errors.New({fmt_name}.Sprintf(...)) should be {fmt_name}.Errorf(...)"
        fix = None
        values = code_children(args)
        fmt_text = string_value(pass_, file, values[0]) if values else None  # a constant format: literals, `+`, named constants
        if fmt_text is not None and not _has_wrap_verb(fmt_text):
            edits = [Edit(outer.start_byte, outer.end_byte, f"{fmt_name}.Errorf{file.text(args)}")]
            safe = True
            decl = pass_.resolve(file, errors_ident)
            refs = [r for r in decl.references if r.start_byte != errors_ident.start_byte] if decl is not None else []
            if decl is not None and not refs:
                removal = _import_removal(pass_, file, decl)
                if removal is None:
                    safe = False
                else:
                    edits.append(removal)
            elif refs and all(_uses_only_in_pattern(pass_, file, r) for r in refs):
                safe = False
            fix = Fix(f"use {fmt_name}.Errorf", tuple(sorted(edits, key=lambda e: e.start)), safe)
        pass_.report(file, outer, message, fix)


def _uses_only_in_pattern(pass_, file, ref) -> bool:
    sel = ref.parent
    call = sel.parent if sel is not None else None
    return sel is not None and sel.type == "selector_expression" and call is not None and call.type == "call_expression" and _is_pattern(pass_, file, call)


RULE = Rule(
    name="errorsnewsprintf",
    summary="errors.New(fmt.Sprintf(...)) should be fmt.Errorf(...)",
    run=run,
    severity=Severity.INFO,  # style: the code works, it is just longer than it needs to be
    query=QUERY,
    tags=("style", "simplification"),
    equivalents=("revive:errorf",),
)
