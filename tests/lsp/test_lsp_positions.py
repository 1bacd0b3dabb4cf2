"""Byte offsets <-> LSP positions on lines with non-ASCII text."""

from __future__ import annotations

import pytest

from analyzer.golang.source import LineIndex
from lsp.positions import UTF8, UTF16, UTF32, offset_to_position, position_to_offset

# é: 2 bytes, 1 UTF-16 unit; 日本: 3 bytes each, 1 unit each; 🎉 (U+1F389): 4 bytes, 2 units.
TEXT = 'package p\n\nvar s = "é日本🎉" // x = x\r\nvar t = 1\n'
LINES = LineIndex(TEXT.encode("utf-8"))
LINE2 = 'var s = "é日本🎉" // x = x'


def byte_of(line_text: str, char_index: int, line: int = 2) -> int:
    return LINES.line_starts[line] + len(line_text[:char_index].encode("utf-8"))


@pytest.mark.parametrize(
    "encoding,units",
    [
        (UTF8, lambda s: len(s.encode("utf-8"))),
        (UTF16, lambda s: len(s.encode("utf-16-le")) // 2),
        (UTF32, len),
    ],
)
def test_every_character_boundary_round_trips(encoding, units):
    for i in range(len(LINE2) + 1):
        offset = byte_of(LINE2, i)
        expected = (2, units(LINE2[:i]))
        assert offset_to_position(LINES, offset, encoding) == expected
        assert position_to_offset(LINES, *expected, encoding) == offset


def test_column_after_emoji_in_utf16_counts_the_surrogate_pair():
    after_emoji = LINE2.index("🎉") + 1
    # 9 ASCII + é + 日 + 本 = 12 units, then 🎉 is 2 more.
    assert offset_to_position(LINES, byte_of(LINE2, after_emoji), UTF16) == (2, 14)
    assert offset_to_position(LINES, byte_of(LINE2, after_emoji), UTF8) == (2, 9 + 2 + 3 + 3 + 4)
    assert offset_to_position(LINES, byte_of(LINE2, after_emoji), UTF32) == (2, 13)


def test_position_inside_a_surrogate_pair_or_utf8_sequence_lands_on_the_character_start():
    emoji_start = byte_of(LINE2, LINE2.index("🎉"))
    assert position_to_offset(LINES, 2, 13, UTF16) == emoji_start  # between the two surrogates
    assert position_to_offset(LINES, 2, offset_to_position(LINES, emoji_start, UTF8)[1] + 1, UTF8) == emoji_start
    assert offset_to_position(LINES, emoji_start + 2, UTF16) == (2, 12)


def test_past_the_end_of_a_line_clamps_before_its_line_ending():
    end_of_line2 = LINES.line_starts[3] - 2  # before "\r\n"
    assert position_to_offset(LINES, 2, 999, UTF16) == end_of_line2
    assert position_to_offset(LINES, 2, 999, UTF8) == end_of_line2
    assert offset_to_position(LINES, end_of_line2 + 1, UTF16) == (2, len(LINE2.encode("utf-16-le")) // 2)


def test_past_the_last_line_is_the_end_of_the_document():
    assert position_to_offset(LINES, 99, 0, UTF16) == len(LINES.source)
    assert offset_to_position(LINES, len(LINES.source), UTF16) == (LINES.line_count - 1, 0)
    assert position_to_offset(LINES, 0, 0, UTF16) == 0
