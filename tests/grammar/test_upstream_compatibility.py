"""gocheck's grammar stays compatible with the tree-sitter-go release it is patched from:
the same node kinds and fields, and the same tree for every file upstream parses without error.

Upstream (PyPI tree-sitter-go 0.25.0) is a test extra; CI installs it, so there the tests run."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter
from go_syntax_since_1_18 import EXAMPLES

from analyzer.golang.source import GO_LANGUAGE, parse
from tests.support.environment import unavailable

STDLIB = Path("/usr/share/go-1.19/src")  # .ci/setup.sh installs it (golang-1.19-src)
STDLIB_SAMPLE_EVERY = 20  # every 20th file in path order: a spread over the library


@pytest.fixture(scope="module")
def upstream() -> tree_sitter.Parser:
    try:
        import tree_sitter_go
    except ImportError:
        unavailable("tree-sitter-go 0.25.0 is not installed (pip install -e '.[test]')")
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


def node_kinds(language: tree_sitter.Language) -> list[tuple[str | None, bool, bool]]:
    return [(language.node_kind_for_id(i), language.node_kind_is_named(i), language.node_kind_is_visible(i)) for i in range(language.node_kind_count)]


def field_names(language: tree_sitter.Language) -> list[str | None]:
    return [language.field_name_for_id(i) for i in range(1, language.field_count + 1)]


def test_same_node_kinds_and_fields_as_upstream(upstream: tree_sitter.Parser) -> None:
    assert node_kinds(GO_LANGUAGE) == node_kinds(upstream.language)
    assert field_names(GO_LANGUAGE) == field_names(upstream.language)


@pytest.mark.parametrize("version,addition,source", EXAMPLES, ids=[f"go{v}-{what}" for v, what, _ in EXAMPLES])
def test_spec_examples_upstream_parses_get_the_same_tree(upstream: tree_sitter.Parser, version: str, addition: str, source: str) -> None:
    theirs = upstream.parse(source.encode()).root_node
    if theirs.has_error:
        pytest.skip(f"upstream cannot parse Go {version} {addition}")
    assert str(parse(source.encode()).root_node) == str(theirs)


def test_standard_library_sample_gets_the_same_tree(upstream: tree_sitter.Parser) -> None:
    if not STDLIB.is_dir():
        unavailable(f"{STDLIB} is missing")
    files = sorted(p for p in STDLIB.rglob("*.go") if "testdata" not in p.parts)[::STDLIB_SAMPLE_EVERY]
    assert len(files) > 150
    changed = []
    for path in files:
        data = path.read_bytes()
        theirs = upstream.parse(data).root_node
        if not theirs.has_error and str(parse(data).root_node) != str(theirs):
            changed.append(str(path.relative_to(STDLIB)))
    assert changed == []
