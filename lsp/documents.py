"""Open documents: their text, tree-sitter tree and the incremental edits between them.

A didChange event edits the bytes and the old tree in step (`tree.edit`), so the next parse
reuses everything the edit did not touch. Parsing is deferred to `go_file()`, so a burst of
edits costs one parse.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import tree_sitter
from lsprotocol import types

from analyzer.golang.source import GoFile, LineIndex, parse
from lsp.positions import UTF16, byte_point, position_to_offset


def uri_to_path(uri: str) -> str | None:
    """Filesystem path of a file: URI, or None for other schemes (untitled:, etc.)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    # file:///C:/x on Windows
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return path


@dataclass
class Document:
    uri: str
    path: str
    source: bytes
    version: int | None = None
    # The last parsed tree; edited in place by `apply_change` until the next parse.
    tree: tree_sitter.Tree | None = field(default=None, repr=False)
    _stale_tree: bool = field(default=True, repr=False)
    _lines: LineIndex | None = field(default=None, repr=False)
    # The GoFile of the current text, the same object until the next edit (so what was
    # computed for it, such as its query matches, is found again).
    _file: GoFile | None = field(default=None, repr=False)

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.source)
        return self._lines

    def apply_change(self, change: types.TextDocumentContentChangeEvent, encoding: str = UTF16) -> None:
        """Apply one content change (incremental with a range, or the whole text)."""
        new_bytes = change.text.encode("utf-8")
        self._file = None
        rng = getattr(change, "range", None)
        if rng is None:
            self.source = new_bytes
            self._lines = None
            self.tree = None  # a full replacement shares nothing with the old tree
            self._stale_tree = True
            return
        lines = self.lines
        start = position_to_offset(lines, rng.start.line, rng.start.character, encoding)
        end = position_to_offset(lines, rng.end.line, rng.end.character, encoding)
        if end < start:
            start, end = end, start
        start_point = byte_point(lines, start)
        old_end_point = byte_point(lines, end)
        self.source = self.source[:start] + new_bytes + self.source[end:]
        self._lines = edited_line_index(lines, self.source, start, end, new_bytes)
        if self.tree is not None:
            newlines = new_bytes.count(b"\n")
            if newlines:
                new_end_point = (start_point[0] + newlines, len(new_bytes) - new_bytes.rfind(b"\n") - 1)
            else:
                new_end_point = (start_point[0], start_point[1] + len(new_bytes))
            self.tree.edit(
                start_byte=start,
                old_end_byte=end,
                new_end_byte=start + len(new_bytes),
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=new_end_point,
            )
        self._stale_tree = True

    def snapshot(self) -> "Document":
        """A copy a background check can parse and read while this document takes further
        edits (`tree.edit` changes a tree in place; the copy's tree is its own)."""
        tree = self.tree.copy() if self.tree is not None else None
        return Document(self.uri, self.path, self.source, self.version, tree, self._stale_tree, self._lines, self._file)

    def adopt_parse(self, snapshot: "Document") -> None:
        """Keep the tree a background check parsed for `snapshot`, if no edit came since, so
        the next parse starts from it."""
        if snapshot.source is self.source and not snapshot._stale_tree and snapshot.tree is not None:
            self.tree, self._stale_tree = snapshot.tree.copy(), False
            self._file = snapshot._file

    def go_file(self) -> GoFile:
        """The current text as a `GoFile`, reparsing incrementally if it changed. The file
        has its own copy of the tree: the next edit changes the document's in place."""
        if self._file is not None and not self._stale_tree:
            return self._file
        if self._stale_tree or self.tree is None:
            self.tree = parse(self.source, self.tree)
            self._stale_tree = False
        file = GoFile(self.path, self.source, self.tree.copy(), known_lines=self.lines)
        self._file = file
        return file


def line_index_from_starts(source: bytes, line_starts: list[int]) -> LineIndex:
    """A `LineIndex` for `source` whose line starts are already known (no rescan)."""
    index = LineIndex.__new__(LineIndex)
    index.source = source
    index.line_starts = line_starts
    return index


def edited_line_index(old: LineIndex, source: bytes, start: int, end: int, new_bytes: bytes) -> LineIndex:
    """The line index after bytes [start, end) became `new_bytes`: starts before the edit
    stay, those inside it go, the inserted text's newlines come in, the rest shift."""
    starts = old.line_starts
    keep = bisect.bisect_right(starts, start)
    tail = bisect.bisect_right(starts, end)
    delta = len(new_bytes) - (end - start)
    inserted = []
    i = new_bytes.find(b"\n")
    while i >= 0:
        inserted.append(start + i + 1)
        i = new_bytes.find(b"\n", i + 1)
    return line_index_from_starts(source, starts[:keep] + inserted + [s + delta for s in starts[tail:]])


class DocumentStore:
    """The documents the client has open, by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, text: str, version: int | None = None) -> Document | None:
        path = uri_to_path(uri)
        if path is None:
            return None
        doc = Document(uri, path, text.encode("utf-8"), version)
        self._docs[uri] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)

    def by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self._docs.values()}

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
