"""Byte offsets (what the engine and tree-sitter use) <-> LSP positions (line, character).

LSP counts `character` in the code units of the negotiated position encoding: UTF-16 by
default, UTF-8 or UTF-32 when client and server agree on it. Lines end at `\\n` (a `\\r`
before it belongs to the line ending). A position past the end of its line means the end
of that line, and a line past the end of the document means the end of the document, as the
LSP specification says.
"""

from __future__ import annotations

from analyzer.golang.source import LineIndex

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def _content_end(lines: LineIndex, line: int) -> int:
    """Byte offset where `line`'s text ends (before `\\r\\n` or `\\n`)."""
    starts = lines.line_starts
    if line + 1 < len(starts):
        end = starts[line + 1] - 1
        if end > starts[line] and lines.source[end - 1 : end] == b"\r":
            end -= 1
        return end
    return len(lines.source)


def _units(text: str, encoding: str) -> int:
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    if encoding == UTF32:
        return len(text)
    return len(text.encode("utf-8"))


def offset_to_position(lines: LineIndex, offset: int, encoding: str = UTF16) -> tuple[int, int]:
    """The LSP (line, character) of byte `offset`. An offset inside a multi-byte character
    counts as the start of that character."""
    offset = max(0, min(offset, len(lines.source)))
    line, column = lines.position(offset)
    start = lines.line_starts[line]
    column = min(column, _content_end(lines, line) - start)
    if encoding == UTF8:
        return line, column
    prefix = lines.source[start : start + column].decode("utf-8", "ignore")
    return line, _units(prefix, encoding)


def position_to_offset(lines: LineIndex, line: int, character: int, encoding: str = UTF16) -> int:
    """The byte offset of LSP position (line, character), clamped into the document."""
    if line < 0:
        return 0
    if line >= len(lines.line_starts):
        return len(lines.source)
    start = lines.line_starts[line]
    end = _content_end(lines, line)
    if character <= 0:
        return start
    if encoding == UTF8:
        offset = min(start + character, end)
        # Never land inside a UTF-8 sequence: back up to the character's first byte.
        while start < offset < len(lines.source) and (lines.source[offset] & 0xC0) == 0x80:
            offset -= 1
        return offset
    text = lines.source[start:end].decode("utf-8", "replace")
    units = 0
    consumed = 0
    for ch in text:
        width = 2 if encoding == UTF16 and ord(ch) > 0xFFFF else 1
        if units + width > character:
            break
        units += width
        consumed += len(ch.encode("utf-8"))
    return start + consumed


def byte_point(lines: LineIndex, offset: int) -> tuple[int, int]:
    """tree-sitter's point for a byte offset: (row, column in bytes)."""
    return lines.position(max(0, min(offset, len(lines.source))))
