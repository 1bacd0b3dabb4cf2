"""`Pass`: everything one rule sees of one package, and the way it reports findings."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

if TYPE_CHECKING:
    from analyzer.golang.cfg import CFG

from tree_sitter import Node

from analyzer.api.diagnostics import Diagnostic, Edit, Fix, Location, Related, Severity
from analyzer.golang.scope import Declaration, PackageScopes
from analyzer.golang.source import GoFile, unparen

if TYPE_CHECKING:
    from analyzer.golang.cfg import CFG
    from analyzer.golang.noreturn import NoReturnFacts
    from analyzer.api.rule import Rule


class Match:
    """One match of a rule's query: the file, which of the rule's patterns, and its captures.

    A plain slotted class rather than a dataclass: the engine makes one per query match
    (hundreds of thousands on a large tree), and this is the cheapest to construct."""

    __slots__ = ("file", "pattern", "captures")

    def __init__(self, file: GoFile, pattern: int, captures: dict[str, list[Node]]) -> None:
        self.file = file
        self.pattern = pattern
        self.captures = captures

    def __repr__(self) -> str:
        return f"Match({self.file.path!r}, {self.pattern}, {sorted(self.captures)})"

    def get(self, name: str) -> Node | None:
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    def node(self, name: str) -> Node:
        """The node of a capture every match of the query has (`get` for an optional one)."""
        nodes = self.captures.get(name)
        if not nodes:
            raise KeyError(f"this match has no @{name} capture; use Match.get for an optional one")
        return nodes[0]


class Package:
    """One Go package (a directory's files of one package clause) with lazily built facts."""

    def __init__(self, directory: str, files: list[GoFile], go_version: tuple[int, int] | None = None, module_path: str = "") -> None:
        self.directory = directory
        self.files = files
        self.go_version = go_version
        self.module_path = module_path

    @cached_property
    def scopes(self) -> PackageScopes:
        return PackageScopes(self.files)

    @cached_property
    def noreturn_funcs(self) -> "NoReturnFacts":
        """Same-package functions (`f`) and methods (`T.m`) whose every path ends in a call
        that never returns: `"f" in package.noreturn_funcs`, decided on demand by the
        control-flow layer (analyzer/golang/noreturn.py)."""
        from analyzer.golang.noreturn import package_noreturn

        return package_noreturn(self)

    def release(self) -> None:
        """Break the reference cycles of the facts built while checking (scopes and their
        declarations, CFG blocks, the never-returning facts' own view of the package), so
        the whole package is freed by reference counting the moment it is done with."""
        facts = self.__dict__
        scopes = facts.pop("scopes", None)
        if scopes is not None:
            scopes.release()
        for cfg in facts.pop("cfgs", {}).values():
            cfg.release()
        facts.pop("noreturn_funcs", None)

    @cached_property
    def cfgs(self) -> dict[tuple[str, int, str], CFG]:
        """CFG cache for `Pass.cfg`: (file path, function start byte, node type) -> CFG."""
        return {}


class Pass:
    def __init__(self, rule: "Rule", package: Package, matches: list[Match], sink: Callable[[Diagnostic], None], severity: Severity | None = None) -> None:
        self.rule = rule
        self.package = package
        self.matches = matches
        self._sink = sink
        self._severity = severity or rule.severity
        # The file the rule last looked at, so a crash can name it.
        self.current_file: GoFile | None = None

    # -- what the rule sees ------------------------------------------------------

    @property
    def files(self) -> list[GoFile]:
        return self.package.files

    @property
    def go_version(self) -> tuple[int, int] | None:
        return self.package.go_version

    @property
    def scopes(self) -> PackageScopes:
        return self.package.scopes

    def resolve(self, file: GoFile, ident: Node) -> Declaration | None:
        """The declaration `ident` refers to, or None when it is not declared in this package."""
        return self.package.scopes.resolve(file, ident)

    def import_path(self, file: GoFile, ident: Node) -> str | None:
        """If `ident` names an imported package here, its import path."""
        return self.package.scopes.import_path(file, ident)

    def callee(self, file: GoFile, call: Node) -> tuple[str, str] | None:
        """For a call `pkg.Func(...)` return (import path, "Func"); for `f(...)` with `f` a
        package-level function or builtin return ("", "f"). Methods and locals give None."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        fn = unparen(fn)
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            field = fn.child_by_field_name("field")
            if operand is not None and field is not None and operand.type == "identifier":
                path = self.import_path(file, operand)
                if path is not None:
                    return path, file.text(field)
            return None
        if fn.type == "identifier":
            decl = self.resolve(file, fn)
            if decl is not None and decl.kind in ("func", "builtin"):
                return "", file.text(fn)
        return None

    def is_call_to(self, file: GoFile, call: Node, import_path: str, *names: str) -> bool:
        target = self.callee(file, call)
        return target is not None and target[0] == import_path and target[1] in names

    def text(self, file: GoFile, node: Node) -> str:
        return file.text(node)

    def cfg(self, file: GoFile, func: Node) -> "CFG":
        """The control-flow graph of a function, method or func literal of `file`, built
        once per package (never-returning calls per `analyzer.golang.noreturn.classify_call`)."""
        key = (file.path, func.start_byte, func.type)
        cached = self.package.cfgs.get(key)
        if cached is None:
            from analyzer.golang.cfg import build_cfg
            from analyzer.golang.noreturn import classify_call

            cached = self.package.cfgs[key] = build_cfg(func, lambda call: classify_call(self, file, call))
        return cached

    def iter_matches(self, capture: str) -> Iterator[tuple[GoFile, Node, Match]]:
        for m in self.matches:
            node = m.get(capture)
            if node is not None:
                self.current_file = m.file
                yield m.file, node, m

    # -- reporting ---------------------------------------------------------------

    def location(self, file: GoFile, where: Node | tuple[int, int]) -> Location:
        """A node or a byte range (start, end) of `file` as a Location."""
        start, end = (where.start_byte, where.end_byte) if isinstance(where, Node) else where
        line, col = file.lines.position(start)
        end_line, end_col = file.lines.position(end)
        return Location(file.path, line + 1, col + 1, end_line + 1, end_col + 1, start, end)

    def report(
        self,
        file: GoFile,
        where: Node | tuple[int, int],
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
        related: Sequence[Related] = (),
    ) -> None:
        """Report a finding at a node or at a byte range (start, end) of `file`; `related`
        are the places that explain it (build them with `Related(pass_.location(...), msg)`)."""
        fixes = (fix,) if fix is not None else ()
        self._sink(Diagnostic.at(self.rule.name, severity or self._severity, self.location(file, where), message, fixes, tuple(related)))


def replace_fix(message: str, where: Node | tuple[int, int], new_text: str, safe: bool = True) -> Fix:
    start, end = (where.start_byte, where.end_byte) if isinstance(where, Node) else where
    return Fix(message, (Edit(start, end, new_text),), safe)


def delete_fix(message: str, file: GoFile, node: Node, whole_lines: bool = True, safe: bool = True) -> Fix:
    """Delete `node`; with `whole_lines`, also its line when nothing else is on it."""
    start, end = node.start_byte, node.end_byte
    if whole_lines:
        src = file.source
        line_start = src.rfind(b"\n", 0, start) + 1
        line_end = src.find(b"\n", end)
        line_end = len(src) if line_end < 0 else line_end
        if not src[line_start:start].strip() and not src[end:line_end].strip():
            start, end = line_start, min(line_end + 1, len(src))
        else:
            while end < line_end and src[end : end + 1] in (b" ", b"\t"):
                end += 1
    return Fix(message, (Edit(start, end, ""),), safe)
