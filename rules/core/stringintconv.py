"""`string(i)` of an integer: a one-rune string, not the decimal number.

## What it does
Reports a conversion `string(x)` where `x` is declared as an integer type (`int`, `int64`,
`uint32`, ...) other than `rune` (`int32`) and `byte` (`uint8`), or is an integer expression built from such
values. Named integer types of the package are followed to what they are defined as.

## Why is this bad?
`string(65)` is `"A"`: the conversion yields the UTF-8 encoding of the code point, not
`"65"`. Code that builds a key, a message or a file name this way silently produces
control characters or `"\uFFFD"`.

## Example
```go
id := 42
name := "user-" + string(id)
```

## Use instead
```go
name := "user-" + strconv.Itoa(id)
```
or, when a rune was meant, `string(rune(id))`.

## Fix safety
The fix rewrites `string(x)` to `string(rune(x))`, which keeps exactly what the program
does and says so; it is safe. Use `strconv.Itoa` instead when the number was meant.
"""

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.golang.exprtype import value_kind
from analyzer.api.rule import Rule

QUERY = """
(call_expression
  function: (identifier) @fn (#eq? @fn "string")
  arguments: (argument_list . (_) @arg .)) @call
"""

# int32 and uint8 are rune and byte: a string of one rune is what those mean.
_INTEGERS = frozenset({"int", "int8", "int16", "int64", "uint", "uint16", "uint32", "uint64", "uintptr"})


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        fn = m.node("fn")
        decl = pass_.resolve(file, fn)
        if decl is None or decl.kind != "type" or decl.ident is not None:
            continue  # `string` shadowed or redefined
        arg = m.node("arg")
        kind = value_kind(pass_, file, arg)
        if kind not in _INTEGERS:
            continue
        fix = replace_fix("convert through rune: string(rune(x))", arg, f"rune({file.text(arg)})")
        pass_.report(file, call, f"conversion from {kind} to string yields a string of one rune, not a string of digits (did you mean strconv.Itoa or string(rune(x))?)", fix)


RULE = Rule(
    name="stringintconv",
    summary="string(x) of an integer: yields a one-rune string, not digits",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("vet:stringintconv",),
)
