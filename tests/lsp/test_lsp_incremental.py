"""Keystroke checks (edited functions only) agree with full package checks."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from lsp.documents import DocumentStore
from lsp.live_check import LiveChecker
from lsp.workspace_rules import load_workspace_rules

SOURCE = """package demo

import "fmt"

// A is first.
func A(x int) int {
\tx = x
\treturn x
}

func B(s string) string {
\tt := s + "é日本🎉"
\treturn t
}

func C(n int) int {
\tfor i := 0; i < n; i++ {
\t\tn = n
\t}
\treturn n
}

func D() { fmt.Println("d") }
"""


def change(doc, line: int, col: int, end_line: int, end_col: int, text: str) -> None:
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=line, character=col), end=types.Position(line=end_line, character=end_col)),
            text=text,
        )
    )


def dicts(result, path):
    return [d.to_dict() for d in result.for_path(path)]


def setup(tmp_path: Path):
    path = tmp_path / "demo.go"
    path.write_text(SOURCE, "utf-8")
    (tmp_path / "other.go").write_text("package demo\n\nfunc helper(v int) int {\n\tv = v\n\treturn v\n}\n", "utf-8")
    store = DocumentStore()
    doc = store.open(path.as_uri(), SOURCE, 1)
    rules = load_workspace_rules(tmp_path)
    checker = LiveChecker()
    checker.check(doc, store.by_path(), rules)  # the full check keeps findings by function
    return store, doc, rules, checker


def assert_matches_full(store, doc, rules, checker, expect_provisional=True):
    quick = checker.check(doc, store.by_path(), rules, provisional=True)
    full = LiveChecker().check(doc, store.by_path(), rules)
    assert quick.complete is (not expect_provisional)
    assert dicts(quick, doc.path) == dicts(full, doc.path)
    return quick


def test_edit_inside_one_body_is_provisional_and_moves_later_findings(tmp_path):
    store, doc, rules, checker = setup(tmp_path)
    change(doc, 11, 1, 11, 1, "u := 1\n\tu = u\n\t")  # a new finding in B, three lines pushed down
    quick = assert_matches_full(store, doc, rules, checker)
    lines = sorted(d.line for d in quick.for_path(doc.path) if d.rule == "selfassign")
    assert lines == [7, 13, 20]
    # ...and the quick fix of a moved finding still deletes the right line.
    moved = next(d for d in quick.for_path(doc.path) if d.line == 20)
    [edit] = moved.fixes[0].edits
    assert doc.source[edit.start : edit.end] == b"\t\tn = n\n"


def test_typing_through_a_syntax_error_in_a_body(tmp_path):
    store, doc, rules, checker = setup(tmp_path)
    change(doc, 6, 6, 6, 6, " +")  # `x = x +`: broken
    quick = assert_matches_full(store, doc, rules, checker)
    assert any(d.rule == "syntax" for d in quick.for_path(doc.path))
    change(doc, 6, 6, 6, 8, "")  # and repaired
    quick = assert_matches_full(store, doc, rules, checker)
    assert not any(d.rule == "syntax" for d in quick.for_path(doc.path))


def test_comment_edits_and_new_functions_stay_provisional(tmp_path):
    store, doc, rules, checker = setup(tmp_path)
    change(doc, 4, 13, 4, 13, " (é)")
    assert_matches_full(store, doc, rules, checker)
    change(doc, 22, 0, 22, 0, "\nfunc E(q int) { q = q }\n")
    assert_matches_full(store, doc, rules, checker, expect_provisional=False)  # a new signature changes the outline


def test_signature_change_forces_a_full_check(tmp_path):
    store, doc, rules, checker = setup(tmp_path)
    change(doc, 10, 7, 10, 15, "s, extra string")
    assert_matches_full(store, doc, rules, checker, expect_provisional=False)
