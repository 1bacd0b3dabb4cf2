"""The Go source model: one parsed file with its bytes, tree and line index."""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

import tree_sitter

from analyzer.golang import grammar

GO_LANGUAGE = tree_sitter.Language(grammar.language())

_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.\r?$", re.MULTILINE)  # CRLF files too


def new_parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(GO_LANGUAGE)


_PARSER: tree_sitter.Parser | None = None


def parse(source: bytes, old_tree: tree_sitter.Tree | None = None) -> tree_sitter.Tree:
    global _PARSER
    if _PARSER is None:
        _PARSER = new_parser()
    if old_tree is not None:
        return _PARSER.parse(source, old_tree)
    return _PARSER.parse(source)


def is_generated(source: bytes) -> bool:
    """Go's convention (go.dev/s/generatedcode): the marker line appears before `package`."""
    head = source.split(b"\npackage ", 1)[0] if b"\npackage " in source else source[:4096]
    return _GENERATED.search(head) is not None


class LineIndex:
    """Byte offset <-> (line, column) for one file; lines and columns 0-based here."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        starts = [0]
        find = source.find
        i = find(b"\n")
        while i >= 0:
            starts.append(i + 1)
            i = find(b"\n", i + 1)
        self.line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def offset(self, line: int, column: int) -> int:
        if line >= len(self.line_starts):
            return len(self.source)
        return min(self.line_starts[line] + column, len(self.source))

    def line_text(self, line: int) -> bytes:
        """The bytes of 0-based `line` without its newline."""
        if line < 0 or line >= len(self.line_starts):
            return b""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.source)
        return self.source[start:end].rstrip(b"\r")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


@dataclass
class GoFile:
    """A Go source file, parsed once. `path` is as given on the command line (relative)."""

    path: str
    source: bytes
    tree: tree_sitter.Tree = field(repr=False)
    # CPU seconds the parse took: the engine counts them against the file's budget.
    parse_seconds: float = field(default=0.0, repr=False, compare=False)
    # The line index of `source` when the caller already keeps one (the editor, per document);
    # otherwise `lines` builds it on first use.
    known_lines: LineIndex | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.known_lines is not None and self.known_lines.source is not self.source and self.known_lines.source != self.source:
            raise ValueError(f"{self.path}: the line index given is of another text")

    @classmethod
    def parse(cls, path: str, source: bytes) -> "GoFile":
        started = time.process_time()
        tree = parse(source)
        return cls(path, source, tree, time.process_time() - started)

    @property
    def root(self) -> tree_sitter.Node:
        return self.tree.root_node

    @cached_property
    def lines(self) -> LineIndex:
        return self.known_lines if self.known_lines is not None else LineIndex(self.source)

    @cached_property
    def package_name(self) -> str:
        for child in self.root.named_children:
            if child.type == "package_clause":
                for c in child.named_children:
                    if c.type == "package_identifier":
                        return self.text(c)
        return ""

    @cached_property
    def is_test(self) -> bool:
        return self.path.endswith("_test.go")

    def text(self, node: tree_sitter.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def comments(self) -> Iterator[tree_sitter.Node]:
        """Every comment node, in source order (iterative walk)."""
        return (n for n in walk(self.root) if n.type == "comment")


def walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Pre-order traversal with an explicit cursor: no Python recursion, safe on deep trees."""
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None  # a cursor made from a node is always on one
        yield node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
            if cursor.node == root:
                return


def walk_named(root: tree_sitter.Node, skip: frozenset[str] = frozenset()) -> Iterator[tree_sitter.Node]:
    """Pre-order over named nodes; subtrees whose type is in `skip` are not entered (but yielded)."""
    stack = [root]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        yield node
        if node.type in skip and node is not root:
            continue
        children = node.named_children
        if children:
            extend(reversed(children))


def code_children(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Named children without the comments tree-sitter keeps among them (in argument lists,
    expression lists, statement lists)."""
    return [c for c in node.named_children if c.type != "comment"]


def call_arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    """A call's arguments, comments left out."""
    args = call.child_by_field_name("arguments")
    return code_children(args) if args is not None else []


def unparen(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def node_bytes(node: tree_sitter.Node) -> bytes:
    """`node.text`, which is None only for trees parsed without their source; ours never are."""
    text = node.text
    assert text is not None
    return text


def required_field(node: tree_sitter.Node, name: str) -> tree_sitter.Node:
    """The child in field `name`, one the grammar requires of `node`'s kind (a call's `function`,
    a selector's `field`): error recovery fills a missing one with a MISSING node, so it is there."""
    child = node.child_by_field_name(name)
    if child is None:
        raise ValueError(f"a {node.type} node has no {name!r} field")
    return child
