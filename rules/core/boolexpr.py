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

from analyzer.api.analysis_pass import Pass
from analyzer.golang.constant import is_constant
from analyzer.golang.purity import expression_text, has_side_effects, tokens
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile, unparen

# The bare node: a pattern with child fields keeps a match state open across the left
# operand's subtree (quadratic on long chains), and Node.parent costs the node's depth, so
# inner links of a chain are skipped by remembering them rather than by looking up.
QUERY = """
(binary_expression operator: ["&&" "||"]) @expr
"""
_BAD_EQUALITY = {"||": "!=", "&&": "=="}
_NAME = {"||": "or", "&&": "and"}
_LITERALS = frozenset({"nil", "true", "false", "int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal", "raw_string_literal"})
_VERDICT = {"||": "always true", "&&": "always false"}


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _operands(chain: Node, op: str, link) -> list[Node]:
    """The chain's operands in source order, through parentheses; `link` sees each inner link."""
    out: list[Node] = []
    stack = [chain]
    while stack:
        n = unparen(stack.pop())
        if n.type == "binary_expression" and _operator(n) == op:
            link(n)
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


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _surely_distinct(file: GoFile, operands: list[Node], bad_equality: str) -> bool:
    """No two operands, and no two sides of `bad_equality` comparisons among them, could
    have the same tokens: decided on their text with whitespace squeezed out, which equal
    tokens always share (a comment, which tokens leave out, makes it undecided here)."""
    texts = [file.text(e) for e in operands]
    if any("/*" in t or "//" in t for t in texts):
        return False
    squeezed = {_squeezed(t) for t in texts}
    if len(squeezed) != len(texts):
        return False
    sides: set[str] = set()
    for e, text in zip(operands, texts):
        if bad_equality not in text or e.type != "binary_expression" or _operator(e) != bad_equality:
            continue
        for side in (e.child_by_field_name("left"), e.child_by_field_name("right")):
            if side is None:
                continue
            key = _squeezed(file.text(side))
            if key in sides:
                return False
            sides.add(key)
    return True


def _may_repeat(file: GoFile, operands: list[Node], bad_equality: str) -> bool:
    """Some operand repeats, or two `bad_equality` comparisons share a side."""
    if _surely_distinct(file, operands, bad_equality):
        return False  # the common case, without walking every operand's tokens
    seen: set[str] = set()
    for e in operands:
        key = _key(file, e)
        if key in seen:
            return True
        seen.add(key)
    sides: dict[str, bool] = {}  # side key -> the other side of its comparison is a literal
    for e in operands:
        if e.type != "binary_expression" or _operator(e) != bad_equality:
            continue
        left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
        if left is None or right is None:
            continue
        for side, other in ((left, right), (right, left)):
            key = _key(file, side)
            other_literal = unparen(other).type in _LITERALS
            if key in sides:
                # `a != nil || b != nil` share only the literal: a suspect pair needs the
                # literal on the other side too (`"x" != "a" || "x" != "b"`)
                if unparen(side).type not in _LITERALS or (other_literal and sides[key]):
                    return True
            sides[key] = other_literal
    return False


def _key(file: GoFile, node: Node) -> str:
    return " ".join(tokens(file, node))


def run(pass_: Pass) -> None:
    inner: set[tuple[str, int]] = set()
    # outermost first, whatever order the query produced nested matches in
    chains = sorted(((f, n) for f, n, _ in pass_.iter_matches("expr")), key=lambda fn: (fn[0].path, fn[1].start_byte, -fn[1].end_byte))
    for file, chain in chains:
        pass_.current_file = file
        op = _operator(chain)
        if op not in _BAD_EQUALITY or (file.path, chain.id) in inner:
            continue
        operands = _operands(chain, op, lambda n: inner.add((file.path, n.id)))  # noqa: B023 - called right here
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
