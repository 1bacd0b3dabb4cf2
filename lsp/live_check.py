"""Check the package of an open document the way the CLI would: engine, then the
suppression comments (`//nolint`, `//lint:ignore`). Results are per file, as the engine
reported them (bytes, not LSP positions).

`LiveChecker.check(..., provisional=True)` may answer from `lsp.incremental` (only the
edited functions re-analysed); such a result says `complete=False` and the caller follows
it with a full check.

A full check runs the rules marked `Rule.per_file` only on the files whose text changed
since their findings were kept, as long as what those findings depend on besides the file
(`PerFileContext`: package outline, never-returning functions, Go version) is the same.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from analyzer.api.analysis_pass import Package
from analyzer.api.diagnostics import Diagnostic
from analyzer.golang.source import GoFile, is_generated
from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.pipeline.runner import Engine
from lsp.documents import Document
from lsp.incremental import BlankedFile, FunctionFindings, blank_bodies, function_spans, moved, outline_digest, span_of
from lsp.package_context import SiblingCache, package_for
from lsp.workspace_rules import WorkspaceRules


@dataclass
class PackageResult:
    files: dict[str, GoFile]  # path -> the exact text the diagnostics refer to
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)  # path -> findings
    complete: bool = True  # False: provisional (see lsp.incremental)

    def for_path(self, path: str) -> list[Diagnostic]:
        return self.diagnostics.get(path, [])


def per_file_context(package: Package) -> bytes:
    """All that the findings of a `Rule.per_file` rule in one file depend on besides that
    file's text: the package outline, which package functions never return, the Go version."""
    return _outline_key(package) + package.noreturn_funcs.inputs_digest() + package.module_path.encode()


@dataclass
class _FileFindings:
    context: bytes  # `per_file_context` they were found under
    digest: bytes  # of the file's text
    findings: list[Diagnostic]


class PerFileResults:
    """The findings of the `per_file` rules, by file, with the inputs they came from."""

    def __init__(self) -> None:
        self._by_path: dict[str, _FileFindings] = {}

    def stale(self, files: list[GoFile], context: bytes) -> set[str]:
        """The paths whose kept findings cannot be reused under `context`."""
        return {f.path for f in files if (kept := self._by_path.get(f.path)) is None or kept.context != context or kept.digest != _digest(f)}

    def kept(self, path: str) -> list[Diagnostic]:
        return self._by_path[path].findings

    def keep(self, files: list[GoFile], context: bytes, found: list[Diagnostic]) -> None:
        by_path: dict[str, list[Diagnostic]] = {f.path: [] for f in files}
        for d in found:
            if d.path in by_path:
                by_path[d.path].append(d)
        for f in files:
            self._by_path[f.path] = _FileFindings(context, _digest(f), by_path[f.path])

    def forget(self, path: str | None = None) -> None:
        if path is None:
            self._by_path.clear()
        else:
            self._by_path.pop(path, None)


def _digest(file: GoFile) -> bytes:
    return hashlib.blake2b(file.source, digest_size=16).digest()


@dataclass
class SplitEngines:
    """A workspace's rules as two engines: the `per_file` ones and the rest."""

    per_file: Engine | None
    rest: Engine
    per_file_names: frozenset[str]

    @classmethod
    def of(cls, engine: Engine) -> "SplitEngines":
        per_file = [r for r in engine.rules if r.per_file]
        rest = [r for r in engine.rules if not r.per_file]
        if not per_file:
            return cls(None, engine, frozenset())
        return cls(Engine(per_file, engine.options), Engine(rest, engine.options), frozenset(r.name for r in per_file))


def _outline_key(package: Package) -> bytes:
    """What per-function findings stay valid under: the package outline and its go.mod `go`
    line (version-gated rules such as loopclosure change with it)."""
    return outline_digest(package.files) + f"|go{package.go_version}".encode()


class QueryMatchCache:
    """One engine's query matches per file, reused while the file is the same `GoFile`
    (an unchanged sibling from `SiblingCache`, an unedited buffer from
    `Document.go_file`, a blanked copy kept by `lsp.incremental`): a re-check after an
    edit runs the query over the edited file only. The matches are the engine's own,
    found by its per-file step, so they are exactly what a fresh run finds. Two files per
    path are kept (a file and its blanked copy), the newest first."""

    KEPT_PER_PATH = 2

    def __init__(self, engine: Engine) -> None:
        self._by_path: dict[str, list[tuple[GoFile, dict[str, list]]]] = {}
        self._match_file = engine._match_file

    @classmethod
    def install(cls, engine: Engine) -> None:
        """Route `engine`'s per-file query step through a cache of its own (once)."""
        if "_match_file" in vars(engine) or not callable(getattr(engine, "_match_file", None)):
            return  # installed already, or an engine without that step: nothing to cache
        engine._match_file = cls(engine).match_file  # type: ignore[method-assign]

    def match_file(self, file: GoFile, matches: dict[str, list]) -> None:
        kept = self._by_path.setdefault(file.path, [])
        own = next((found for cached, found in kept if cached is file), None)
        if own is None:
            own = {name: [] for name in matches}
            try:
                self._match_file(file, own)
            except BaseException:  # over its budget: the engine keeps what was found, as ever
                for name, found in own.items():
                    matches[name].extend(found)
                raise
            kept.insert(0, (file, own))
            del kept[self.KEPT_PER_PATH :]
        for name, found in own.items():
            matches[name].extend(found)


def forget_go_mod_facts() -> None:
    """Make the next check read every go.mod again. The module finder re-reads a go.mod whose
    modification time or size changed on its own; this also notices a go.mod created below
    one it remembers (a new nested module), which the disk poll reports as a change."""
    from analyzer.golang.gomod import MODULES

    MODULES.forget()


class LiveChecker:
    """Checks open documents; keeps what makes the next check cheap (parsed siblings,
    each document's findings by function, blanked copies)."""

    def __init__(self) -> None:
        self.siblings = SiblingCache()
        self._findings: dict[str, FunctionFindings] = {}
        self._blanked: dict[str, BlankedFile] = {}
        self._blanked_siblings: dict[str, tuple[bytes, GoFile]] = {}
        self._per_file = PerFileResults()
        self._engines: tuple[Engine, SplitEngines] | None = None

    def forget(self, path: str) -> None:
        self.siblings.forget(path)
        self._per_file.forget(path)
        self._findings.pop(path, None)
        self._blanked.pop(path, None)
        self._blanked_siblings.pop(path, None)

    def invalidate(self) -> None:
        """Rules or configuration changed: no kept finding is valid any more."""
        self._findings.clear()
        self._per_file.forget()

    def check(self, doc: Document, open_docs: dict[str, Document], rules: WorkspaceRules, provisional: bool = False) -> PackageResult:
        QueryMatchCache.install(rules.engine)
        if rules.excludes(doc.path) or (not rules.config.include_generated and is_generated(doc.source)):
            return PackageResult({doc.path: doc.go_file()})  # CI skips it, so the editor does too
        package = package_for(doc, open_docs, self.siblings, rules.config.include_generated)
        if provisional:
            result = self._check_edited_functions(doc, package, rules)
            if result is not None:
                return result
        return self._check_package(doc, package, rules)

    def _split(self, engine: Engine) -> SplitEngines:
        if self._engines is None or self._engines[0] is not engine:
            split = SplitEngines.of(engine)
            for e in (split.per_file, split.rest):
                if e is not None and e is not engine:
                    QueryMatchCache.install(e)
            self._engines = (engine, split)
            self._per_file.forget()  # found by other rules
        return self._engines[1]

    def _check_package(self, doc: Document, package: Package, rules: WorkspaceRules) -> PackageResult:
        split = self._split(rules.engine)
        if split.per_file is None:
            diagnostics = rules.engine.check_package(package)
        else:
            context = per_file_context(package)
            stale = self._per_file.stale(package.files, context)
            found = split.per_file.check_package(package, only_files=stale) if stale else []
            fresh = [d for d in found if d.path in stale and (d.rule in split.per_file_names or d.rule == INTERNAL.name)]
            if not any(d.rule == INTERNAL.name for d in fresh):  # a crash or an overrun budget: found again next time
                self._per_file.keep([f for f in package.files if f.path in stale], context, fresh)
            diagnostics = split.rest.check_package(package) + fresh
            diagnostics += [d for f in package.files if f.path not in stale for d in self._per_file.kept(f.path)]
            diagnostics.sort(key=Diagnostic.sort_key)
        main = package.files[0]
        own = [d for d in diagnostics if d.path == doc.path]
        self._findings[doc.path] = FunctionFindings.record(_outline_key(package), function_spans(main), own)
        result = PackageResult({f.path: f for f in package.files})
        for d in sorted(rules.suppression.apply(diagnostics, package.files), key=Diagnostic.sort_key):
            result.diagnostics.setdefault(d.path, []).append(d)
        return result

    def _check_edited_functions(self, doc: Document, package: Package, rules: WorkspaceRules) -> PackageResult | None:
        main = package.files[0]
        cache = self._findings.get(doc.path)
        # A syntax error inside a body leaves the outline as it was and makes that function
        # dirty; one that breaks the top level changes the outline and forces a full check.
        if cache is None or cache.outline != _outline_key(package):
            return None
        spans = function_spans(main)
        counts = Counter(s.digest for s in spans)
        clean = [s for s in spans if s.digest in cache.by_digest and counts[s.digest] == 1]
        clean_digests = {s.digest for s in clean}
        dirty = [s for s in spans if s.digest not in clean_digests]
        blanked = self._blanked.setdefault(doc.path, BlankedFile()).update(doc.path, blank_bodies(main.source, clean), main.lines.line_starts)
        others = [self._blanked_sibling(f) for f in package.files[1:]]
        found = rules.engine.check_package(Package(package.directory, [blanked, *others], package.go_version, package.module_path))
        fresh = [d for d in found if d.path == doc.path and span_of(clean, d.start_byte, d.end_byte) is None]
        merged = list(fresh)
        for span in clean:
            (old_start, old_end), kept = cache.by_digest[span.digest]
            merged.extend(moved(d, span.start - old_start, main.lines, (old_start, old_end)) for d in kept)
        cache.add(dirty, fresh)
        cache.keep_only(spans)
        merged.sort(key=Diagnostic.sort_key)
        own = [d for d in rules.suppression.apply(merged, package.files) if d.path == doc.path]
        own.sort(key=Diagnostic.sort_key)
        return PackageResult({doc.path: main}, {doc.path: own}, complete=False)

    def _blanked_sibling(self, file: GoFile) -> GoFile:
        cached = self._blanked_siblings.get(file.path)
        if cached is not None and cached[0] is file.source:
            return cached[1]
        blanked = GoFile.parse(file.path, blank_bodies(file.source, function_spans(file)))
        self._blanked_siblings[file.path] = (file.source, blanked)
        return blanked
