"""`strconv` calls with a constant base, bit size or format that the function rejects.

## What it does
Reports an integer literal (or a negated one) passed to `strconv` where it cannot work:
- `ParseInt` / `ParseUint` with a base other than 0 or 2 to 36, or a bit size outside 0
  to 64;
- `FormatInt`, `FormatUint`, `AppendInt`, `AppendUint` with a base outside 2 to 36;
- `ParseFloat`, `FormatFloat`, `AppendFloat` with a bit size other than 32 or 64;
- `FormatFloat` / `AppendFloat` with a format byte other than `b e E f g G x X`.

Arguments that are not literals (constants, variables) are left alone.

## Why is this bad?
The `Format` and `Append` functions panic on a bad base or bit size; the `Parse`
functions return an error for every input, so the value is never parsed. Usually the
author confused the argument order (`ParseInt(s, 64, 10)`) or wrote a byte count (`8`)
where bits were meant.

## Example
```go
n, err := strconv.ParseInt(s, 64, 10)
```

## Use instead
```go
n, err := strconv.ParseInt(s, 10, 64)
```
"""

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.golang.goliteral import int_value, unquote_rune
from analyzer.golang.source import call_arguments, unparen

QUERY = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @name
    (#match? @name "^(ParseInt|ParseUint|ParseFloat|FormatInt|FormatUint|AppendInt|AppendUint|FormatFloat|AppendFloat)$"))) @call
"""

_BASE_PARSE, _BASE_FORMAT, _BITS_INT, _BITS_FLOAT, _FLOAT_FORMAT = "parse base", "format base", "int bits", "float bits", "float format"
# function -> [(argument index, what it is)]
_ARGS = {
    "ParseInt": [(1, _BASE_PARSE), (2, _BITS_INT)],
    "ParseUint": [(1, _BASE_PARSE), (2, _BITS_INT)],
    "ParseFloat": [(1, _BITS_FLOAT)],
    "FormatInt": [(1, _BASE_FORMAT)],
    "FormatUint": [(1, _BASE_FORMAT)],
    "AppendInt": [(2, _BASE_FORMAT)],
    "AppendUint": [(2, _BASE_FORMAT)],
    "FormatFloat": [(1, _FLOAT_FORMAT), (3, _BITS_FLOAT)],
    "AppendFloat": [(2, _FLOAT_FORMAT), (4, _BITS_FLOAT)],
}
_FORMATS = "beEfgGxX"


def _literal_int(file, node) -> int | None:
    node = unparen(node)
    sign = 1
    if node.type == "unary_expression":
        op = node.child_by_field_name("operator")
        operand = node.child_by_field_name("operand")
        if op is None or op.type != "-" or operand is None:
            return None
        sign, node = -1, unparen(operand)
    if node.type != "int_literal":
        return None
    value = int_value(file.text(node))
    return None if value is None else sign * value


def _problem(file, arg, what: str) -> str | None:
    if what == _FLOAT_FORMAT:
        arg = unparen(arg)
        char = unquote_rune(file.text(arg)) if arg.type == "rune_literal" else None
        return f"the format argument is invalid: unknown format {file.text(arg)}" if char is not None and char not in _FORMATS else None
    value = _literal_int(file, arg)
    if value is None:
        return None
    if what == _BASE_PARSE and value != 0 and not 2 <= value <= 36:
        return f"base {value} is invalid: it must be 0 or from 2 to 36"
    if what == _BASE_FORMAT and not 2 <= value <= 36:
        return f"base {value} is invalid: it must be from 2 to 36, and this call panics"
    if what == _BITS_INT and not 0 <= value <= 64:
        return f"bit size {value} is invalid: it must be from 0 to 64"
    if what == _BITS_FLOAT and value not in (32, 64):
        return f"bit size {value} is invalid: it must be 32 or 64"
    return None


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name_node = m.get("name")
        if name_node is None:
            continue
        name = file.text(name_node)
        args = call_arguments(call)
        if not pass_.is_call_to(file, call, "strconv", name):
            continue
        for index, what in _ARGS[name]:
            if index < len(args):
                problem = _problem(file, args[index], what)
                if problem is not None:
                    pass_.report(file, args[index], f"strconv.{name}: {problem}")


RULE = Rule(
    name="strconvargs",
    summary="strconv called with a constant base, bit size or format it rejects",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1030",),
)
