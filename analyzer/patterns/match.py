"""Match a parsed pattern against code: node by node, holes binding what they cover.

`Matcher.match(pattern_node, node, bindings)` yields every way the pattern matches at
`node` (more than one when `...` can cover different runs). Rules:

- a `$X` hole binds any one node (in a statement position, any one statement); a second
  `$X` must be the same code: the same declaration when scope resolution knows both
  identifiers, else the same tokens;
- `...` and `$...X` cover zero or more children (arguments, elements, statements);
- string literals compare by value (`"sh"` matches `` `sh` ``), integer literals by value
  (`0777` matches `0o777` and `511`);
- `pkg.Name` where `pkg` names a package (the rule's `imports`, else a standard-library
  package name) matches only when the code's `pkg` resolves to that import, whatever its
  local name (`f.Sprintf` under `import f "fmt"`), and never a variable called `pkg`;
- everything else must be the same kind of node with the same tokens, comments aside.

The pattern side is tiny; matching never recurses deeper than the pattern, and the number
of steps per candidate is bounded (`MAX_STEPS`), so a hostile pattern cannot stall a run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzer.golang.goliteral import int_value, unquote
from analyzer.golang.purity import same_expression
from analyzer.golang.scope import PackageScopes
from analyzer.golang.source import GoFile
from analyzer.patterns.parse import (
    metavariable,
    placeholder,
    sequence_metavariable,
    statement_metavariable,
)
from analyzer.patterns.stdlib import STDLIB_NAMES, package_name

Bound = Node | tuple[Node, ...]
Bindings = dict[str, Bound]

MAX_STEPS = 20_000
STRING_KINDS = ("interpreted_string_literal", "raw_string_literal")
_SKIPPED_TOKENS = frozenset({",", ";", "\n", ""})


class StepsExceeded(Exception):
    """A candidate took more than MAX_STEPS matching steps; it is treated as no match."""


@dataclass
class Imports:
    """What a package name written in a pattern means: `explicit` from the rule's
    `imports` (name -> import paths), else the standard-library packages of that name."""

    explicit: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, paths: list[str] | tuple[str, ...]) -> Imports:
        explicit: dict[str, set[str]] = {}
        for path in paths:
            alias, _, real = path.partition("=")
            name, import_path = (alias.strip(), real.strip()) if real else (package_name(path), path.strip())
            explicit.setdefault(name, set()).add(import_path)
        return cls({k: frozenset(v) for k, v in explicit.items()})

    def paths(self, name: str) -> frozenset[str] | None:
        """The import paths `name` may stand for, or None when it is no package name."""
        if name in self.explicit:
            return self.explicit[name]
        std = STDLIB_NAMES.get(name)
        return frozenset(std) if std else None


class PatternNode:
    """A pattern's node, read once: what kind of hole it is, its text and its children as
    the matcher compares them (the tree-sitter node is kept for the query builder)."""

    __slots__ = ("children", "fixed_length", "leaf", "metavar", "node", "package", "selected", "seq", "stmt_metavar", "text", "type", "value")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.type = node.type
        self.text = _text(node)
        self.metavar = metavariable(node)
        self.seq = sequence_metavariable(node)
        self.stmt_metavar = statement_metavariable(node)
        self.leaf = node.child_count == 0
        self.value: object = None
        if self.type in STRING_KINDS:
            self.value = unquote(self.text)
        elif self.type == "int_literal":
            self.value = int_value(self.text)
        self.children = [PatternNode(c) for c in _children(node)] if self.metavar is None else []
        self.fixed_length = all(c.seq is None for c in self.children)
        # `pkg.Name`: the package's name as written, and the selected name's node
        self.package: str | None = None
        self.selected: PatternNode | None = None
        if self.type in ("selector_expression", "qualified_type"):
            pkg = node.child_by_field_name("operand") or node.child_by_field_name("package")
            name = node.child_by_field_name("field") or node.child_by_field_name("name")
            if pkg is not None and name is not None and pkg.type in ("identifier", "package_identifier") and placeholder(pkg) is None:
                self.package = _text(pkg)
                self.selected = next(c for c in self.children if c.node.id == name.id)


class Matcher:
    def __init__(self, file: GoFile, scopes: PackageScopes | None, imports: Imports) -> None:
        self.file = file
        self.scopes = scopes
        self.imports = imports
        self.steps = 0

    # -- one node -------------------------------------------------------------------

    def match(self, p: PatternNode, t: Node, b: Bindings) -> Iterator[Bindings]:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StepsExceeded()
        if p.stmt_metavar is not None and t.type != "expression_statement" and t.type.endswith(("statement", "declaration")):
            yield from self._bind(p.stmt_metavar, t, b)
            return
        if p.metavar is not None:
            if t.type != "comment":
                yield from self._bind(p.metavar, t, b)
            return
        ptype, ttype = p.type, t.type
        if ptype in STRING_KINDS and ttype in STRING_KINDS:
            if p.value is not None and p.value == unquote(self.file.text(t)):
                yield b
            return
        if ptype != ttype:
            return
        if ptype == "int_literal":
            if p.value == int_value(self.file.text(t)):
                yield b
            return
        if p.package is not None and p.selected is not None:
            verdict = self._package_reference(p.package, t)
            if verdict is False:
                return
            if verdict is True:  # the package matched; only the selected name is left
                tn = t.child_by_field_name("field") or t.child_by_field_name("name")
                if tn is not None:
                    yield from self.match(p.selected, tn, b)
                return
        if p.leaf:
            if p.text == self.file.text(t):
                yield b
            return
        ts = _children(t)
        if p.fixed_length and len(ts) != len(p.children):
            return
        yield from self.match_sequence(p.children, ts, b)

    # -- a run of children --------------------------------------------------------------

    def match_sequence(self, ps: list[PatternNode], ts: list[Node], b: Bindings) -> Iterator[Bindings]:
        """Every way `ps` (with holes covering runs) matches all of `ts`."""
        for _end, b2 in self._sequence(ps, ts, b, 0, 0, prefix=False):
            yield b2

    def _sequence(self, ps: list[PatternNode], ts: list[Node], b: Bindings, i: int, j: int, prefix: bool) -> Iterator[tuple[int, Bindings]]:
        """(end, bindings) for `ps[i:]` matching `ts[j:end]`; end is len(ts) unless `prefix`."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StepsExceeded()
        if i == len(ps):
            if prefix or j == len(ts):
                yield j, b
            return
        p = ps[i]
        hole = p.seq
        if hole is not None:
            last = i == len(ps) - 1 and not prefix
            for k in (range(len(ts), len(ts) + 1) if last else range(j, len(ts) + 1)):
                if hole:
                    for b2 in self._bind(hole, tuple(ts[j:k]), b):
                        yield from self._sequence(ps, ts, b2, i + 1, k, prefix)
                else:
                    yield from self._sequence(ps, ts, b, i + 1, k, prefix)
            return
        if j < len(ts):
            for b2 in self.match(p, ts[j], b):
                yield from self._sequence(ps, ts, b2, i + 1, j + 1, prefix)

    def windows(self, ps: list[PatternNode], ts: list[Node], b: Bindings) -> Iterator[tuple[int, int, Bindings]]:
        """Every run ts[start:end] of statements that the sequence `ps` matches, as
        (start, end, bindings). Holes at the pattern's ends stand for the statements
        before and after, so a run starts at the first statement the pattern names and
        ends at the last; a trailing `...` extends it to the end of the block."""
        core = list(ps)
        while core and core[0].seq == "":
            core.pop(0)
        trailing = bool(core) and core[-1].seq == ""
        while core and core[-1].seq == "":
            core.pop()
        if not core:
            return
        first = core[0]
        for start in range(len(ts)):
            if first.seq is None and first.metavar is None and first.stmt_metavar is None and ts[start].type != first.type:
                continue  # cheap: the first statement's kind must agree
            self.steps = 0
            for end, b2 in self._sequence(core, ts, b, 0, start, prefix=True):
                if end > start:
                    yield start, len(ts) if trailing else end, b2

    # -- holes ----------------------------------------------------------------------

    def _bind(self, name: str, value: Bound, b: Bindings) -> Iterator[Bindings]:
        if not name:
            yield b
            return
        if name in b:
            if self.same(b[name], value):
                yield b
            return
        b2 = dict(b)
        b2[name] = value
        yield b2

    def same(self, a: Bound, c: Bound) -> bool:
        if isinstance(a, tuple) or isinstance(c, tuple):
            a_nodes = a if isinstance(a, tuple) else (a,)
            c_nodes = c if isinstance(c, tuple) else (c,)
            return len(a_nodes) == len(c_nodes) and all(self.same(x, y) for x, y in zip(a_nodes, c_nodes, strict=True))
        if a.id == c.id:
            return True
        if a.type == "identifier" and c.type == "identifier" and self.scopes is not None:
            da, dc = self.scopes.resolve(self.file, a), self.scopes.resolve(self.file, c)
            if da is not None and dc is not None:
                return da is dc
        return same_expression(self.file, a, c)

    # -- packages -------------------------------------------------------------------

    def _package_reference(self, name: str, t: Node) -> bool | None:
        """For `pkg.Name` in the pattern: True when the code's operand is an import of the
        package `pkg` names, False when it is anything else; None when `pkg` is no package
        name (then it compares as ordinary code)."""
        paths = self.imports.paths(name)
        if paths is None:
            return None
        tpkg = t.child_by_field_name("operand") or t.child_by_field_name("package")
        if tpkg is None or tpkg.type not in ("identifier", "package_identifier"):
            return False
        path = self.import_path(tpkg)
        return path is not None and path in paths

    def import_path(self, ident: Node) -> str | None:
        if self.scopes is None:
            return None
        return self.scopes.import_path(self.file, ident)


def _children(node: Node) -> list[Node]:
    """The children that carry meaning: comments and separators (`,` `;`) left out; a
    block's statements are its children (an empty block has none)."""
    out: list[Node] = []
    for c in node.children:
        if c.type == "comment" or (not c.is_named and c.type in _SKIPPED_TOKENS):
            continue
        if node.type == "block" and c.type == "statement_list":
            out.extend(x for x in c.children if x.type != "comment" and (x.is_named or x.type not in _SKIPPED_TOKENS))
            continue
        out.append(c)
    return out


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
