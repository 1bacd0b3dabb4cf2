"""A pattern compiled for the engine: a tree-sitter query that picks candidates (joined to
the merged per-file query, so each file is still walked once) and the structural match
run on each candidate.

The query keeps what is cheap and certain: the root's node kind, its fielded children's
kinds a few levels down, operators, and the names a pattern spells (`Sprintf` in
`fmt.Sprintf(...)`). Holes, literals that compare by value, and package names (which may
be imported under another name) are left to the structural match."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter
from tree_sitter import Node

from analyzer.golang.source import GO_LANGUAGE
from analyzer.patterns.match import Bindings, Matcher, PatternNode
from analyzer.patterns.parse import (
    ParsedPattern,
    PatternSyntaxError,
    metavariable,
    parse_pattern,
    placeholder,
    sequence_metavariable,
    statement_metavariable,
)

QUERY_DEPTH = 4
MATCH_CAPTURE = "match"
_NAMED_LEAVES = ("identifier", "field_identifier", "type_identifier", "label_name")
_VALUE_COMPARED = ("interpreted_string_literal", "raw_string_literal", "int_literal")


@dataclass(frozen=True)
class Found:
    """One match: the byte range it covers, its first node, and what the holes bound."""

    start: int
    end: int
    node: Node
    bindings: Bindings


@dataclass(frozen=True)
class CompiledPattern:
    parsed: ParsedPattern
    query: str
    nodes: tuple[PatternNode, ...]

    @classmethod
    def of(cls, pattern: str, kinds: dict[str, frozenset[str]] | None = None, finds_candidates: bool = True) -> CompiledPattern:
        """`kinds`: metavariables' `kind` constraints, which the query can check too.
        A pattern that never finds candidates (`pattern-inside`, `pattern-not-inside`: it is
        only tried around a match) may be a lone hole, `$E`, which names the code around
        the match (the match itself first) for the message; it has no query."""
        parsed = parse_pattern(pattern)
        if not finds_candidates and _lone_hole(parsed):
            return cls(parsed, "", tuple(PatternNode(n) for n in parsed.nodes))
        query = pattern_query(parsed, kinds or {})
        if kinds and not _compiles(query):  # a kind that cannot stand there (tree-sitter says "impossible")
            query = pattern_query(parsed, {})
        if not _compiles(query):
            raise PatternSyntaxError(f"the pattern {pattern!r} gives a query tree-sitter refuses: {query}")
        return cls(parsed, query, tuple(PatternNode(n) for n in parsed.nodes))

    def find(self, matcher: Matcher, node: Node, bindings: Bindings) -> Iterator[Found]:
        """Matches of this pattern at `node` (for a statement sequence: runs of the
        statement list `node`)."""
        if self.parsed.is_sequence:
            if node.type != "statement_list":
                return
            stmts = [c for c in node.named_children if c.type != "comment"]
            for start, end, b in matcher.windows(list(self.nodes), stmts, bindings):
                yield Found(stmts[start].start_byte, stmts[end - 1].end_byte, stmts[start], b)
            return
        for b in matcher.match(self.nodes[0], node, bindings):
            yield Found(node.start_byte, node.end_byte, node, b)


def _lone_hole(parsed: ParsedPattern) -> bool:
    root = parsed.nodes[0]
    return not parsed.is_sequence and (placeholder(root) is not None or statement_metavariable(root) is not None or sequence_metavariable(root) is not None)


def pattern_query(parsed: ParsedPattern, kinds: dict[str, frozenset[str]]) -> str:
    """One tree-sitter query pattern with the candidate captured as @match."""
    if parsed.is_sequence:
        return f"(statement_list) @{MATCH_CAPTURE}"
    if _lone_hole(parsed):
        raise PatternSyntaxError(f"the pattern {parsed.source!r} is only a hole: it would match every node; give it some code around the hole")
    predicates: list[str] = []
    body = _node_query(parsed.nodes[0], 0, predicates, kinds)
    return f"({body} @{MATCH_CAPTURE} {' '.join(predicates)})".replace(" )", ")")


def _node_query(node: Node, depth: int, predicates: list[str], kinds: dict[str, frozenset[str]]) -> str:
    """The node's kind, then its children that are code (not holes) in order, fielded or
    not, unanchored: a comment or a hole's code may sit between them. A block's contents
    are left to the structural match (`{ ... }` also matches an empty block, which has no
    statement list)."""
    if node.type in _VALUE_COMPARED:
        return "[(interpreted_string_literal) (raw_string_literal)]" if node.type != "int_literal" else "(int_literal)"
    if node.type in _NAMED_LEAVES and node.child_count == 0:
        capture = f"_p{len(predicates)}"
        predicates.append(f"(#eq? @{capture} {json.dumps((node.text or b'').decode())})")
        return f"({node.type}) @{capture}"
    parts = [node.type]
    if depth < QUERY_DEPTH and node.type != "block":
        for i, child in enumerate(node.children):
            name = node.field_name_for_child(i)
            prefix = f"{name}: " if name else ""
            if not child.is_named:
                if name:
                    parts.append(f"{prefix}{json.dumps(child.type)}")
                continue
            if child.type == "comment" or sequence_metavariable(child) is not None or statement_metavariable(child) is not None:
                continue
            hole = metavariable(child)
            if hole is not None:
                if kinds.get(hole):
                    parts.append(prefix + "[" + " ".join(f"({k})" for k in sorted(kinds[hole])) + "]")
                continue
            if name and _package_operand(node, name, child):
                parts.append(f"{prefix}({child.type})")
                continue
            parts.append(prefix + _node_query(child, depth + 1, predicates, kinds))
    return "(" + " ".join(parts) + ")"


def _compiles(query: str) -> bool:
    try:
        tree_sitter.Query(GO_LANGUAGE, query)
    except (tree_sitter.QueryError, ValueError):
        return False
    return True


def _package_operand(parent: Node, field: str, child: Node) -> bool:
    """The `pkg` of `pkg.Name`: it may be imported under another name, so its spelling is
    not part of the query."""
    return (parent.type, field) in (("selector_expression", "operand"), ("qualified_type", "package")) and child.type in ("identifier", "package_identifier")
