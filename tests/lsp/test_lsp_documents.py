"""Incremental edits keep text, line index and tree exactly as a fresh parse would."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from analyzer.golang.source import GoFile, LineIndex, parse
from lsp.documents import Document, uri_to_path
from lsp.positions import UTF16, offset_to_position

START = 'package p\n\nfunc f(s string) {\n\tx := "é日本🎉"\n\tx = x\n}\n'
PIECES = ["x", "\n", "é", "🎉", "日本", "}", "{", "\t", " = ", "// c\n", ""]


def test_random_incremental_edits_match_a_fresh_parse():
    rng = random.Random(7)
    doc = Document("file:///tmp/p.go", "/tmp/p.go", START.encode())
    text = START
    doc.go_file()
    for _ in range(300):
        # Pick character boundaries in the str, express them as UTF-16 positions.
        a, b = sorted(rng.randint(0, len(text)) for _ in range(2))
        if rng.random() < 0.6:
            b = min(len(text), a + rng.randint(0, 2))
        new = rng.choice(PIECES)
        lines = LineIndex(text.encode())
        start = offset_to_position(lines, len(text[:a].encode()), UTF16)
        end = offset_to_position(lines, len(text[:b].encode()), UTF16)
        doc.apply_change(
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=start[0], character=start[1]), end=types.Position(line=end[0], character=end[1])),
                text=new,
            )
        )
        text = text[:a] + new + text[b:]
        assert doc.source == text.encode()
        assert doc.lines.line_starts == LineIndex(doc.source).line_starts
        if rng.random() < 0.3:  # parse after a burst of edits, as the debounce does
            file = doc.go_file()
            assert str(file.root) == str(parse(doc.source).root_node)
            assert file.lines is doc.lines  # the document's line index is shared, not rebuilt


def test_a_file_refuses_the_line_index_of_another_text():
    with pytest.raises(ValueError, match="line index given is of another text"):
        GoFile("p.go", b"package p\n", parse(b"package p\n"), known_lines=LineIndex(b"package q\n\n"))


def test_whole_document_change_replaces_text_and_tree():
    doc = Document("file:///tmp/p.go", "/tmp/p.go", START.encode())
    doc.go_file()
    doc.apply_change(types.TextDocumentContentChangeWholeDocument(text="package q\n"))
    assert doc.go_file().package_name == "q"


def test_file_uris_become_paths_and_other_schemes_are_ignored():
    assert uri_to_path("file:///home/me/My%20Project/a.go") == "/home/me/My Project/a.go"
    assert uri_to_path("untitled:Untitled-1") is None
