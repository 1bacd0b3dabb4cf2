"""The analysis's findings and how the rule reports them."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node


@dataclass(frozen=True)
class NilFinding:
    node: Node
    message: str
    category: str  # "nil-deref" | "possible-nil-deref" | "condition" | "panic-nil"


def report(pass_, file, findings: list[NilFinding]) -> None:
    for finding in findings:
        pass_.report(file, finding.node, finding.message)
