"""Keystroke-speed checks: re-analyse only the functions whose text changed.

A full package check of a big file takes longer than a keystroke allows. Between two
checks most functions are unchanged, so after a full check their findings are kept by the
function's exact text. On the next edit, if the package's outline (every file's text
outside function bodies, comments aside) is unchanged, the engine runs on a copy of the
document whose unchanged function bodies are blanked out (spaces, newlines kept, so every
byte offset, line and column stays the same): it sees the edited functions and every
package-level declaration, and nothing else. The kept findings of the unchanged
functions are moved to their functions' new offsets and merged in.

The result is provisional: an edited body can in principle change what another function's
analysis concludes (a function that now never returns, a new printf wrapper). The server
follows each provisional result with a full check once typing pauses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Iterable

import tree_sitter

from analyzer.api.diagnostics import Diagnostic, Edit, Location
from analyzer.golang.source import GoFile, LineIndex, parse
from lsp.documents import line_index_from_starts

FUNCTION_TYPES = frozenset({"function_declaration", "method_declaration"})
_BLANK = bytes(b if b == 0x0A else 0x20 for b in range(256))


@dataclass(frozen=True)
class FunctionSpan:
    start: int  # the declaration (doc comment excluded)
    end: int
    body_start: int  # just inside `{`
    body_end: int  # at `}`
    digest: bytes  # of the declaration's exact text


def function_spans(file: GoFile) -> list[FunctionSpan]:
    spans = []
    src = file.source
    for node in file.root.children:
        if node.type not in FUNCTION_TYPES:
            continue
        body = node.child_by_field_name("body")
        if body is None or body.end_byte - body.start_byte < 2:
            continue
        spans.append(
            FunctionSpan(node.start_byte, node.end_byte, body.start_byte + 1, body.end_byte - 1, hashlib.blake2b(src[node.start_byte : node.end_byte], digest_size=16).digest())
        )
    return spans


def outline_digest(files: Iterable[GoFile]) -> bytes:
    """What every function's analysis may depend on besides its own body: each file's text
    outside function bodies, top-level comments left out (editing them changes nothing
    the engine sees). File order does not matter."""
    parts = []
    for file in files:
        h = hashlib.blake2b(file.path.encode(), digest_size=16)
        src = file.source
        for node in file.root.children:
            if node.type == "comment":
                continue
            if node.type in FUNCTION_TYPES and (body := node.child_by_field_name("body")) is not None:
                h.update(src[node.start_byte : body.start_byte])
            else:
                h.update(src[node.start_byte : node.end_byte])
            h.update(b"\0")
        parts.append(h.digest())
    return hashlib.blake2b(b"".join(sorted(parts)), digest_size=16).digest()


def blank_bodies(source: bytes, spans: Iterable[FunctionSpan]) -> bytes:
    """`source` with the given function bodies replaced by spaces (newlines kept)."""
    out = bytearray()
    pos = 0
    for span in sorted(spans, key=lambda s: s.body_start):
        out += source[pos : span.body_start]
        out += source[span.body_start : span.body_end].translate(_BLANK)
        pos = span.body_end
    out += source[pos:]
    return bytes(out)


class BlankedFile:
    """A blanked copy of one file, re-parsed incrementally from its previous blanked copy."""

    def __init__(self) -> None:
        self.source: bytes | None = None
        self.tree: tree_sitter.Tree | None = None
        self._lines: LineIndex | None = None

    def update(self, path: str, source: bytes, line_starts: list[int]) -> GoFile:
        """`line_starts`: the original document's, which blanking leaves as they were."""
        old, tree = self.source, self.tree
        new_lines = line_index_from_starts(source, line_starts)
        if old is None or tree is None:
            tree = parse(source)
        elif old != source:
            start = _common_prefix(old, source)
            suffix = _common_suffix(old, source, start)
            old_end, new_end = len(old) - suffix, len(source) - suffix
            old_lines = self._lines or LineIndex(old)
            tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=old_lines.position(start),
                old_end_point=old_lines.position(old_end),
                new_end_point=new_lines.position(new_end),
            )
            tree = parse(source, tree)
        self.source, self.tree, self._lines = source, tree, new_lines
        file = GoFile(path, source, tree, known_lines=new_lines)
        return file


def _common_prefix(a: bytes, b: bytes) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search; each probe is one memcmp of byte slices
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, prefix: int) -> int:
    lo, hi = 0, min(len(a), len(b)) - prefix
    la, lb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass
class FunctionFindings:
    """Findings of one document by function text, valid while the package outline is
    `outline`. Findings outside functions are not kept: the provisional check sees all of
    the package level and reports them afresh."""

    outline: bytes
    by_digest: dict[bytes, tuple[tuple[int, int], list[Diagnostic]]] = field(default_factory=dict)  # digest -> ((start, end) when recorded, findings)

    @classmethod
    def record(cls, outline: bytes, spans: list[FunctionSpan], diagnostics: list[Diagnostic]) -> "FunctionFindings":
        cache = cls(outline)
        cache.add(spans, diagnostics)
        return cache

    def add(self, spans: list[FunctionSpan], diagnostics: list[Diagnostic]) -> None:
        """Keep the findings of `spans` (functions without findings included)."""
        for s in spans:
            self.by_digest[s.digest] = ((s.start, s.end), [])
        for d in diagnostics:
            span = span_of(spans, d.start_byte, d.end_byte)
            if span is not None:
                self.by_digest.setdefault(span.digest, ((span.start, span.end), []))[1].append(d)

    def keep_only(self, spans: list[FunctionSpan]) -> None:
        live = {s.digest for s in spans}
        self.by_digest = {k: v for k, v in self.by_digest.items() if k in live}


def span_of(spans: list[FunctionSpan], start: int, end: int) -> FunctionSpan | None:
    for s in spans:
        if s.start <= start and end <= s.end:
            return s
    return None


def moved(d: Diagnostic, delta: int, lines: LineIndex, old_span: tuple[int, int]) -> Diagnostic:
    """`d` shifted by `delta` bytes with line and column recomputed. Fixes that edit
    outside the function (an import, say) are left out: only the full check knows where
    those bytes went."""
    at = _moved_location(d.location, delta, lines)
    lo, hi = old_span
    fixes = tuple(
        replace(f, edits=tuple(Edit(e.start + delta, e.end + delta, e.new_text) for e in f.edits))
        for f in d.fixes
        if all(lo <= e.start and e.end <= hi for e in f.edits)
    )
    # Related locations inside the function move with it; others elsewhere in this file may
    # have moved by an unknown amount and wait for the full check.
    related = tuple(
        r if r.location.path != d.path else replace(r, location=_moved_location(r.location, delta, lines))
        for r in d.related
        if r.location.path != d.path or lo <= r.location.start_byte and r.location.end_byte <= hi
    )
    return replace(
        d, line=at.line, column=at.column, end_line=at.end_line, end_column=at.end_column, start_byte=at.start_byte, end_byte=at.end_byte, fixes=fixes, related=related
    )


def _moved_location(at: Location, delta: int, lines: LineIndex) -> Location:
    start, end = at.start_byte + delta, at.end_byte + delta
    line, col = lines.position(start)
    end_line, end_col = lines.position(end)
    return Location(at.path, line + 1, col + 1, end_line + 1, end_col + 1, start, end)
