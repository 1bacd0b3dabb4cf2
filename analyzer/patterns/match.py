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


class Matcher:
    def __init__(self, file: GoFile, scopes: PackageScopes | None, imports: Imports) -> None:
        self.file = file
        self.scopes = scopes
        self.imports = imports
        self.steps = 0

    # -- one node -------------------------------------------------------------------

    def match(self, p: Node, t: Node, b: Bindings) -> Iterator[Bindings]:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StepsExceeded()
        name = statement_metavariable(p)
        if name is not None and t.type != "expression_statement" and t.type.endswith(("statement", "declaration")):
            yield from self._bind(name, t, b)
            return
        name = metavariable(p)
        if name is not None:
            if t.type != "comment":
                yield from self._bind(name, t, b)
            return
        if p.type in STRING_KINDS and t.type in STRING_KINDS:
            value = unquote(_text(p))
            if value is not None and value == unquote(self.file.text(t)):
                yield b
            return
        if p.type != t.type:
            return
        if p.type == "int_literal":
            if int_value(_text(p)) == int_value(self.file.text(t)):
                yield b
            return
        if p.type in ("selector_expression", "qualified_type"):
            verdict = self._package_reference(p, t)
            if verdict is False:
                return
            if verdict is True:  # the package matched; only the selected name is left
                pn = p.child_by_field_name("field") or p.child_by_field_name("name")
                tn = t.child_by_field_name("field") or t.child_by_field_name("name")
                if pn is not None and tn is not None:
                    yield from self.match(pn, tn, b)
                return
        if p.child_count == 0:
            if _text(p) == self.file.text(t):
                yield b
            return
        yield from self.match_sequence(_children(p), _children(t), b)

    # -- a run of children --------------------------------------------------------------

    def match_sequence(self, ps: list[Node], ts: list[Node], b: Bindings) -> Iterator[Bindings]:
        """Every way `ps` (with holes covering runs) matches all of `ts`."""
        for end, b2 in self._sequence(ps, ts, b, 0, 0, prefix=False):
            yield b2

    def _sequence(self, ps: list[Node], ts: list[Node], b: Bindings, i: int, j: int, prefix: bool) -> Iterator[tuple[int, Bindings]]:
        """(end, bindings) for `ps[i:]` matching `ts[j:end]`; end is len(ts) unless `prefix`."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StepsExceeded()
        if i == len(ps):
            if prefix or j == len(ts):
                yield j, b
            return
        p = ps[i]
        hole = sequence_metavariable(p)
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

    def windows(self, ps: list[Node], ts: list[Node], b: Bindings) -> Iterator[tuple[int, int, Bindings]]:
        """Every run ts[start:end] of statements that the sequence `ps` matches, as
        (start, end, bindings). Holes at the pattern's ends stand for the statements
        before and after, so a run starts at the first statement the pattern names and
        ends at the last; a trailing `...` extends it to the end of the block."""
        core = list(ps)
        while core and sequence_metavariable(core[0]) == "":
            core.pop(0)
        trailing = bool(core) and sequence_metavariable(core[-1]) == ""
        while core and sequence_metavariable(core[-1]) == "":
            core.pop()
        if not core:
            return
        for start in range(len(ts)):
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
            return len(a_nodes) == len(c_nodes) and all(self.same(x, y) for x, y in zip(a_nodes, c_nodes))
        if a.id == c.id:
            return True
        if a.type == "identifier" and c.type == "identifier" and self.scopes is not None:
            da, dc = self.scopes.resolve(self.file, a), self.scopes.resolve(self.file, c)
            if da is not None and dc is not None:
                return da is dc
        return same_expression(self.file, a, c)

    # -- packages -------------------------------------------------------------------

    def _package_reference(self, p: Node, t: Node) -> bool | None:
        """For `pkg.Name` in the pattern with `pkg` a package name: True when the code's
        operand is an import of that package, False when it is anything else; None when
        the pattern's operand is no package name (compare as ordinary code)."""
        pkg = p.child_by_field_name("operand") or p.child_by_field_name("package")
        if pkg is None or pkg.type not in ("identifier", "package_identifier") or placeholder(pkg) is not None:
            return None
        paths = self.imports.paths(_text(pkg))
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
