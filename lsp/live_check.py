"""Check the package of an open document the way the CLI would: engine, then the
suppression comments (`//nolint`, `//lint:ignore`). The result is per file, as the engine
reported it (bytes, not LSP positions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.diagnostics import Diagnostic
from analyzer.source import GoFile
from lsp.documents import Document
from lsp.package_context import SiblingCache, package_for
from lsp.workspace_rules import WorkspaceRules


@dataclass
class PackageResult:
    files: dict[str, GoFile]  # path -> the exact text the diagnostics refer to
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)  # path -> findings

    def for_path(self, path: str) -> list[Diagnostic]:
        return self.diagnostics.get(path, [])


def _filter_suppressed():
    try:
        from analyzer.suppression import filter_suppressed
    except ImportError:  # analyzer.suppression has not landed yet
        return None
    return filter_suppressed


def check_document_package(doc: Document, open_docs: dict[str, Document], siblings: SiblingCache, rules: WorkspaceRules) -> PackageResult:
    package = package_for(doc, open_docs, siblings)
    diagnostics = rules.engine.check_package(package)
    filter_suppressed = _filter_suppressed()
    if filter_suppressed is not None:
        diagnostics = list(filter_suppressed(diagnostics, package.files).kept)
    result = PackageResult({f.path: f for f in package.files})
    for d in diagnostics:
        result.diagnostics.setdefault(d.path, []).append(d)
    return result
