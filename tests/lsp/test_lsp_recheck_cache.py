"""A re-check after an edit reuses the query matches of unchanged files and finds exactly
what a fresh check finds."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from analyzer.pipeline.runner import Engine
from lsp.documents import DocumentStore
from lsp.live_check import LiveChecker
from lsp.workspace_rules import load_workspace_rules

MAIN = """package demo

func A(x int) int {
\tx = x
\treturn x
}
"""
OPEN = """package demo

func B(s string) string {
\treturn s
}
"""
ON_DISK = "package demo\n\nfunc C(v int) int {\n\tv = v\n\treturn v\n}\n"


def type_into(doc, line: int, col: int, text: str) -> None:
    here = types.Position(line=line, character=col)
    doc.apply_change(types.TextDocumentContentChangePartial(range=types.Range(start=here, end=here), text=text))


def findings(result) -> dict[str, list[dict]]:
    return {path: [d.to_dict() for d in ds] for path, ds in sorted(result.diagnostics.items())}


def test_only_the_edited_file_is_matched_again_and_results_equal_a_fresh_check(tmp_path: Path, monkeypatch):
    matched: list[str] = []
    engine_step = Engine._match_file

    def counting_step(engine, file, matches):
        matched.append(Path(file.path).name)
        return engine_step(engine, file, matches)

    monkeypatch.setattr(Engine, "_match_file", counting_step)
    (tmp_path / "c.go").write_text(ON_DISK, "utf-8")
    store = DocumentStore()
    main = store.open((tmp_path / "a.go").as_uri(), MAIN, 1)
    other = store.open((tmp_path / "b.go").as_uri(), OPEN, 1)
    rules = load_workspace_rules(tmp_path)
    checker = LiveChecker()
    checker.check(main, store.by_path(), rules)
    assert sorted(set(matched)) == ["a.go", "b.go", "c.go"]  # by each engine (per_file rules and the rest)

    matched.clear()
    type_into(other, 3, 1, "s = s\n\t")  # a new finding in the other open file
    result = checker.check(main, store.by_path(), rules)
    assert set(matched) == {"b.go"}  # a.go (unchanged buffer) and c.go (unchanged on disk) came from the cache

    monkeypatch.undo()
    fresh = LiveChecker().check(main, store.by_path(), load_workspace_rules(tmp_path))
    assert findings(result) == findings(fresh)
    assert [d.line for d in result.diagnostics[other.path] if d.rule == "selfassign"] == [4]
