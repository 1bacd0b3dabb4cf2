"""The checked-in parser.c came from a generator without tree-sitter-cli 0.26.11's lexer bug
(its negated character classes left out U+212A KELVIN SIGN and U+017F LONG S, so valid
strings, runes and comments holding them were syntax errors in 12 files of the standard
library and the corpora)."""

from __future__ import annotations

from analyzer.golang.source import parse

CASE_FOLDING_LETTERS = """package p

// U+212A 'K' (Kelvin sign) folds to k; U+017F 'ſ' (long s) folds to s.
/* "K" and "ſ" in a block comment */
var (
	kelvin = "chunKed" // This "K" is 'KELVIN SIGN'
	longS  = `ſſs`
	rune1  = 'K'
	rune2  = 'ſ'
)
"""


def test_kelvin_sign_and_long_s_in_strings_runes_and_comments() -> None:
    tree = parse(CASE_FOLDING_LETTERS.encode())
    assert not tree.root_node.has_error, str(tree.root_node)
