"""Redundant or impossible conditions in `&&` and `||` chains.

## What it does
Splits each chain of `||` (or of `&&`) into its operands, parentheses aside, and looks at
the runs of operands that have no side effects (a call or a channel receive ends a run: it
may change what the next operand sees). Within a run it reports:

- an operand repeated: `x == a || x == a`, `ok && ready && ok` (redundant);
- `x != c1 || x != c2` with two different constants: always true (suspect);
- `x == c1 && x == c2` with two different constants: always false (suspect).

## Why is this bad?
A repeated operand adds nothing, and usually stands where another condition was meant
(`x == a || x == b`). `x != 1 || x != 2` holds for every `x`: the author meant `&&`. And
`x == 1 && x == 2` never holds: the author meant `||`. Either way the code does not do what
it says.

## Example
```go
func isSeparator(c byte) bool {
    return c != ',' || c != ';'
}
```

## Use instead
```go
func isSeparator(c byte) bool {
    return c == ',' || c == ';'
}
```
"""

from tree_sitter import Node

from analyzer.analysis_pass import Pass
from analyzer.constant import is_constant
from analyzer.purity import expression_text, has_side_effects, tokens
from analyzer.rule import Rule
from analyzer.source import GoFile, unparen

QUERY = """
(binary_expression operator: ["&&" "||"] @op) @chain
"""

_BAD_EQUALITY = {"||": "!=", "&&": "=="}
_NAME = {"||": "or", "&&": "and"}
_VERDICT = {"||": "always true", "&&": "always false"}


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _is_inner(chain: Node, op: str) -> bool:
    """Part of a longer chain of the same operator: the outermost one does the work."""
    parent = chain.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    return parent is not None and parent.type == "binary_expression" and _operator(parent) == op


def _operands(chain: Node, op: str) -> list[Node]:
    """The chain's operands in source order, through parentheses."""
    out: list[Node] = []
    stack = [chain]
    while stack:
        n = unparen(stack.pop())
        if n.type == "binary_expression" and _operator(n) == op:
            right, left = n.child_by_field_name("right"), n.child_by_field_name("left")
            if right is None or left is None:
                return []
            stack.append(right)
            stack.append(left)
        else:
            out.append(n)
    return out


def _runs(pass_: Pass, file: GoFile, operands: list[Node]) -> list[list[Node]]:
    runs: list[list[Node]] = [[]]
    for e in operands:
        if has_side_effects(pass_, file, e):
            runs.append([])
        else:
            runs[-1].append(e)
    return [r for r in runs if len(r) > 1]


def _may_repeat(file: GoFile, operands: list[Node], bad_equality: str) -> bool:
    """Some operand repeats, or two `bad_equality` comparisons share a side."""
    seen: set[str] = set()
    for e in operands:
        key = _key(file, e)
        if key in seen:
            return True
        seen.add(key)
    sides: set[str] = set()
    for e in operands:
        if e.type == "binary_expression" and _operator(e) == bad_equality:
            keys = {_key(file, side) for side in (e.child_by_field_name("left"), e.child_by_field_name("right")) if side is not None}
            if keys & sides:
                return True
            sides |= keys
    return False


def _key(file: GoFile, node: Node) -> str:
    return " ".join(tokens(file, node))


def run(pass_: Pass) -> None:
    for file, chain, m in pass_.iter_matches("chain"):
        op = m.get("op").type
        if _is_inner(chain, op):
            continue
        operands = _operands(chain, op)
        if not _may_repeat(file, operands, _BAD_EQUALITY[op]):
            continue  # the common case, decided without resolving any name
        for exprs in _runs(pass_, file, operands):
            # Like vet: walk the run from its end, so each repeat is reported at the earlier copy.
            exprs = exprs[::-1]
            _check_redundant(pass_, file, op, exprs)
            _check_suspect(pass_, file, op, exprs)


def _check_redundant(pass_: Pass, file: GoFile, op: str, exprs: list[Node]) -> None:
    seen: set[str] = set()
    for e in exprs:
        key = _key(file, e)
        if key in seen:
            text = expression_text(file, e)
            pass_.report(file, e, f"redundant {_NAME[op]}: {text} {op} {text}")
        else:
            seen.add(key)


def _check_suspect(pass_: Pass, file: GoFile, op: str, exprs: list[Node]) -> None:
    seen: dict[str, tuple[str, str]] = {}  # operand key -> (comparison key, comparison text)
    for e in exprs:
        if e.type != "binary_expression" or _operator(e) != _BAD_EQUALITY[op]:
            continue
        left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
        if left is None or right is None:
            continue
        if is_constant(pass_, file, right):
            x = left
        elif is_constant(pass_, file, left):
            x = right
        else:
            continue
        xkey, ekey = _key(file, x), _key(file, e)
        prev = seen.get(xkey)
        if prev is None:
            seen[xkey] = (ekey, expression_text(file, e))
        elif prev[0] != ekey:  # the same comparison twice is the redundant case
            pass_.report(file, e, f"suspect {_NAME[op]}: {expression_text(file, e)} {op} {prev[1]} is {_VERDICT[op]}")


RULE = Rule(
    name="boolexpr",
    summary="redundant or impossible conditions in && and || chains",
    run=run,
    query=QUERY,
    tags=("correctness", "suspicious"),
    equivalents=("vet:bools", "staticcheck:SA4000"),
)
