"""`receiver_type`: the one reading of a method's receiver for the engine and the rules."""

from __future__ import annotations

import pytest

from analyzer.golang.receiver import Receiver, receiver_type
from analyzer.golang.source import GoFile


@pytest.mark.parametrize("decl,expected", [
    ("func (s Store) M() {}", Receiver("Store", False)),
    ("func (s *Store) M() {}", Receiver("Store", True)),
    ("func (*Store) M() {}", Receiver("Store", True)),
    ("func (l *List[E]) M() {}", Receiver("List", True)),
    ("func (p Pair[K, V]) M() {}", Receiver("Pair", False)),
    ("func (s (*Store)) M() {}", Receiver("Store", True)),
    ("func F() {}", None),
])
def test_receiver_base_type_and_pointer(decl: str, expected: Receiver | None) -> None:
    f = GoFile.parse("a.go", f"package a\n\n{decl}\n".encode())
    (top,) = [n for n in f.root.named_children if n.type in ("method_declaration", "function_declaration")]
    assert receiver_type(f, top) == expected
