"""Parse a pattern (Go source with holes) into a syntax tree of the project's grammar.

The holes are spelt as in semgrep:

- `$X` (capital letters, digits, `_`): one expression, identifier, type or statement;
  the same name twice means the same code. `$_` is a hole that binds nothing.
- `$...X`: zero or more arguments, elements or statements, bound to `X`.
- `...`: zero or more arguments, elements or statements, anonymous. After an identifier or
  `)` (as in `f(xs...)`), `...` is Go's own spread, not a hole.

Each hole becomes a placeholder identifier (`__gc_mv_X`, `__gc_mvs_X`, `__gc_e`), so the
pattern is ordinary Go; it is parsed as an expression, else as statements in a function
body, else as a top-level declaration, else as a type. The first reading without a
syntax error wins."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from analyzer.golang.source import parse

MAX_PATTERN_CHARS = 4000
# The matcher recurses along the pattern (never along the code): a pattern nested deeper
# than this is refused when the rule loads, so a hostile one cannot exhaust the stack.
MAX_PATTERN_DEPTH = 64

ELLIPSIS = "__gc_e"
METAVAR_PREFIX = "__gc_mv_"
SEQ_METAVAR_PREFIX = "__gc_mvs_"
ANONYMOUS_PREFIX = "__gc_any_"

_PLACEHOLDER = re.compile(rf"^(?:{SEQ_METAVAR_PREFIX}(\w+)|{METAVAR_PREFIX}(\w+)|{ANONYMOUS_PREFIX}\d+|{ELLIPSIS})$")
_LEAF_IDENTS = ("identifier", "field_identifier", "type_identifier", "package_identifier", "label_name")
# `...` is a hole after these tokens (or at the start of a line); elsewhere it is Go's spread.
_HOLE_AFTER = set("(,{[;=:\n") | {""}
_KEYWORDS_BEFORE_HOLE = ("return", "go", "defer", "case")
_TOKENS = re.compile(
    r'(?P<str>"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<seq>\$\.\.\.(?P<seqname>[A-Z_][A-Z0-9_]*))"
    r"|(?P<mv>\$(?P<mvname>[A-Z_][A-Z0-9_]*))"
    r"|(?P<dots>\.\.\.)"
    r"|(?P<dollar>\$)",
    re.DOTALL,
)


class PatternSyntaxError(ValueError):
    """The pattern is not Go with holes; the message says what was tried."""


@dataclass(frozen=True)
class ParsedPattern:
    """A pattern's tree: `nodes` is one node, or several statements (a sequence)."""

    source: str
    go: bytes  # the Go text that was parsed (holes replaced)
    tree: tree_sitter.Tree
    nodes: tuple[tree_sitter.Node, ...]
    context: str  # "expression", "statements", "declaration" or "type"

    @property
    def is_sequence(self) -> bool:
        return len(self.nodes) > 1


def substitute_holes(pattern: str) -> str:
    """The pattern as plain Go: every hole replaced by its placeholder identifier."""
    out: list[str] = []
    pos = 0
    anonymous = 0
    for m in _TOKENS.finditer(pattern):
        out.append(pattern[pos : m.start()])
        pos = m.end()
        if m.group("str") or m.group("comment"):
            out.append(m.group(0))
        elif m.group("seq"):
            out.append(SEQ_METAVAR_PREFIX + m.group("seqname"))
        elif m.group("mv"):
            name = m.group("mvname")
            if name == "_":
                anonymous += 1
                out.append(f"{ANONYMOUS_PREFIX}{anonymous}")
            else:
                out.append(METAVAR_PREFIX + name)
        elif m.group("dots"):
            before = "".join(out).rstrip(" \t")
            last = before[-1:] if before else ""
            if last in _HOLE_AFTER or before.endswith(_KEYWORDS_BEFORE_HOLE):
                out.append(ELLIPSIS)
            else:
                out.append("...")
        else:
            raise PatternSyntaxError(f"`$` must start a metavariable such as $X or $...ARGS (capital letters): {pattern!r}")
    out.append(pattern[pos:])
    return "".join(out)


def parse_pattern(pattern: str) -> ParsedPattern:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternSyntaxError(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    if not pattern.strip():
        raise PatternSyntaxError("the pattern is empty")
    go = substitute_holes(pattern.strip())
    for context, attempt in _CONTEXTS:
        found = attempt(go)
        if found is not None:
            tree, nodes = found
            if _depth(nodes) > MAX_PATTERN_DEPTH:
                raise PatternSyntaxError(f"the pattern nests deeper than {MAX_PATTERN_DEPTH} levels")
            return ParsedPattern(pattern, tree.root_node.text or b"", tree, nodes, context)
    raise PatternSyntaxError(f"cannot read the pattern as a Go expression, statements, declaration or type: {pattern!r}")


def _depth(nodes: tuple[tree_sitter.Node, ...]) -> int:
    deepest = 0
    stack = [(n, 1) for n in nodes]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in node.children)
    return deepest


def _expression(go: str):
    tree = parse(f"package p\nvar _ = {go}\n".encode())
    if tree.root_node.has_error:
        return None
    decl = tree.root_node.named_children[-1]
    spec = decl.named_children[0] if decl.type == "var_declaration" and decl.named_child_count == 1 else None
    value = spec.child_by_field_name("value") if spec is not None else None
    if value is None or value.named_child_count != 1:
        return None
    return tree, (value.named_children[0],)


def _statements(go: str):
    tree = parse(f"package p\nfunc _() {{\n{go}\n}}\n".encode())
    if tree.root_node.has_error:
        return None
    body = tree.root_node.named_children[-1].child_by_field_name("body")
    stmts = [c for c in body.named_children if c.type == "statement_list"] if body is not None else []
    nodes = tuple(c for c in stmts[0].named_children if c.type != "comment") if stmts else ()
    return (tree, nodes) if nodes else None


def _declaration(go: str):
    tree = parse(f"package p\n{go}\n".encode())
    if tree.root_node.has_error:
        return None
    nodes = tuple(c for c in tree.root_node.named_children[1:] if c.type != "comment")
    if len(nodes) != 1:
        return None
    specs = [c for c in nodes[0].named_children if c.type == "import_spec"]
    if nodes[0].type == "import_declaration" and len(specs) == 1:
        return tree, (specs[0],)  # `import _ "x"` matches the spec, alone or in a group
    return tree, nodes


def _type(go: str):
    tree = parse(f"package p\nvar _ {go}\n".encode())
    if tree.root_node.has_error:
        return None
    spec = tree.root_node.named_children[-1].named_children[0]
    typ = spec.child_by_field_name("type")
    return (tree, (typ,)) if typ is not None else None


_CONTEXTS = (("expression", _expression), ("statements", _statements), ("declaration", _declaration), ("type", _type))


# -- what a pattern node is ---------------------------------------------------------------


def placeholder(node: tree_sitter.Node) -> re.Match | None:
    if node.type not in _LEAF_IDENTS:
        return None
    return _PLACEHOLDER.match((node.text or b"").decode())


def metavariable(node: tree_sitter.Node) -> str | None:
    """`X` for a `$X` hole, "" for `$_`, None for anything else."""
    m = placeholder(node)
    if m is None or m.group(1) is not None or m.group(0) == ELLIPSIS:
        return None
    return m.group(2) or ""


def sequence_metavariable(node: tree_sitter.Node) -> str | None:
    """`X` for a `$...X` hole (alone, or as the one child of a statement or element), `""`
    for `...`, None for anything else."""
    while node.type in ("expression_statement", "literal_element", "expression_list", "parameter_declaration") and node.named_child_count == 1:
        node = node.named_children[0]
    m = placeholder(node)
    if m is None:
        return None
    if m.group(0) == ELLIPSIS:
        return ""
    return m.group(1)


def statement_metavariable(node: tree_sitter.Node) -> str | None:
    """`X` for a statement that is only the hole `$X`."""
    if node.type == "expression_statement" and node.named_child_count == 1:
        return metavariable(node.named_children[0])
    return None


def metavariable_names(parsed: ParsedPattern) -> set[str]:
    names: set[str] = set()
    stack = list(parsed.nodes)
    while stack:
        node = stack.pop()
        m = placeholder(node)
        if m is not None and (m.group(1) or m.group(2)):
            names.add(m.group(1) or m.group(2))
        stack.extend(node.children)
    return names
