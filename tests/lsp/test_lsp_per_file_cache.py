"""The full re-check keeps the findings of `per_file` rules (deadstore, deprecated) for files
whose text did not change, and never serves them once something they depend on changed:
another file's function that now returns, the package outline, the Go version."""

from __future__ import annotations

import random
from pathlib import Path

from lsprotocol import types

from lsp.documents import Document, DocumentStore
from lsp.live_check import LiveChecker
from lsp.workspace_rules import load_workspace_rules

FAIL = 'package demo\n\nfunc fail() {\n\tpanic("no")\n}\n'
USES_FAIL = "package demo\n\nfunc g(x int) int {\n\tv := x * 2\n\tfail()\n\treturn v\n}\n"
STORES = "package demo\n\nfunc h(x int) int {\n\ty := x + 1\n\ty = x + 2\n\treturn y\n}\n"


def replace_all(doc: Document, text: str) -> None:
    doc.apply_change(types.TextDocumentContentChangeWholeDocument(text=text))


def deadstores(result, path: Path) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in result.for_path(str(path)) if d.rule == "deadstore"]


def everything(result) -> dict[str, list[dict]]:
    return {path: [d.to_dict() for d in ds] for path, ds in sorted(result.diagnostics.items()) if ds}


def package(tmp_path: Path) -> tuple[DocumentStore, dict[str, Document]]:
    (tmp_path / "go.mod").write_text("module example.com/demo\n\ngo 1.22\n", "utf-8")
    store = DocumentStore()
    docs = {name: store.open((tmp_path / name).as_uri(), text, 1) for name, text in (("a.go", FAIL), ("b.go", USES_FAIL), ("c.go", STORES))}
    return store, docs


def test_an_edit_in_one_file_changes_a_kept_finding_in_another(tmp_path: Path) -> None:
    store, docs = package(tmp_path)
    rules = load_workspace_rules(tmp_path)
    checker = LiveChecker()
    first = checker.check(docs["a.go"], store.by_path(), rules)
    assert deadstores(first, tmp_path / "b.go") == [(4, "this value of v is never used")]  # fail() never returns

    replace_all(docs["a.go"], "package demo\n\nfunc fail() {}\n")  # now it returns: v is read
    second = checker.check(docs["a.go"], store.by_path(), rules)
    assert deadstores(second, tmp_path / "b.go") == []
    assert everything(second) == everything(LiveChecker().check(docs["a.go"], store.by_path(), rules))

    replace_all(docs["a.go"], FAIL)  # and back
    third = checker.check(docs["a.go"], store.by_path(), rules)
    assert deadstores(third, tmp_path / "b.go") == [(4, "this value of v is never used")]


def test_an_edit_that_changes_a_functions_flow_changes_its_findings(tmp_path: Path) -> None:
    store, docs = package(tmp_path)
    rules = load_workspace_rules(tmp_path)
    checker = LiveChecker()
    first = checker.check(docs["c.go"], store.by_path(), rules)
    assert deadstores(first, tmp_path / "c.go") == [(4, "this value of y is never used")]
    # y is read before it is stored again: the first store is live now
    replace_all(docs["c.go"], STORES.replace("\ty = x + 2\n", "\tx = y\n\ty = x + 2\n"))
    second = checker.check(docs["c.go"], store.by_path(), rules)
    assert deadstores(second, tmp_path / "c.go") == []


def test_only_edited_files_are_analysed_again_by_per_file_rules(tmp_path: Path, monkeypatch) -> None:
    store, docs = package(tmp_path)
    rules = load_workspace_rules(tmp_path)
    analysed: list[str] = []
    module = rules.rules["deadstore"].run.__globals__  # the pack loader's copy of the rule's module
    check_function = module["_check"]

    def counting(pass_, file, *rest):  # the rest of _check's arguments, whatever they are
        analysed.append(Path(file.path).name)
        return check_function(pass_, file, *rest)

    monkeypatch.setitem(module, "_check", counting)
    checker = LiveChecker()
    checker.check(docs["c.go"], store.by_path(), rules)
    assert sorted(set(analysed)) == ["a.go", "b.go", "c.go"]

    analysed.clear()
    replace_all(docs["c.go"], STORES.replace("x + 2", "x + 3"))
    result = checker.check(docs["c.go"], store.by_path(), rules)
    assert set(analysed) == {"c.go"}
    assert deadstores(result, tmp_path / "b.go") == [(4, "this value of v is never used")]  # kept, not lost

    analysed.clear()
    replace_all(docs["a.go"], FAIL + "\nvar Limit = 3\n")  # the outline changed: nothing kept is trusted
    checker.check(docs["a.go"], store.by_path(), rules)
    assert sorted(set(analysed)) == ["a.go", "b.go", "c.go"]


def test_random_edits_across_files_match_a_fresh_check(tmp_path: Path) -> None:
    store, docs = package(tmp_path)
    rules = load_workspace_rules(tmp_path)
    checker = LiveChecker()
    variants = {
        "a.go": [FAIL, "package demo\n\nfunc fail() {}\n", FAIL + "\nfunc other() { panic(1) }\n"],
        "b.go": [USES_FAIL, USES_FAIL.replace("fail()", "_ = 1"), USES_FAIL.replace("\tfail()\n", "\tfail()\n\tv = 2\n")],
        "c.go": [STORES, STORES.replace("\ty = x + 2\n", ""), STORES + "\nfunc fail2() { fail() }\n"],
    }
    rng = random.Random(14)
    for _ in range(25):
        name = rng.choice(sorted(docs))
        replace_all(docs[name], rng.choice(variants[name]))
        kept = checker.check(docs[name], store.by_path(), rules)
        assert everything(kept) == everything(LiveChecker().check(docs[name], store.by_path(), rules))
