"""The analysis's findings and how the rule reports them."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from analyzer.api.diagnostics import Related


@dataclass(frozen=True)
class NilFinding:
    node: Node
    message: str
    category: str  # "nil-deref" | "possible-nil-deref" | "condition" | "panic-nil"
    related: tuple[tuple[Node, str], ...] = ()  # places in the same file that explain it


def report(pass_, file, findings: list[NilFinding]) -> None:
    for finding in findings:
        related = [Related(pass_.location(file, node), message) for node, message in finding.related]
        pass_.report(file, finding.node, finding.message, related=related)
