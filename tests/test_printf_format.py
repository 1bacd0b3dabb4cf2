"""rules/core/printf/format.py: which arguments each directive reads, as fmt reads them."""

import pytest

from rules.core.printf.format import POSSIBLE_DIRECTIVE, parse_format


@pytest.mark.parametrize(
    "fmt,expected",
    [
        ("%d items, %s", [("%d", (0,)), ("%s", (1,))]),
        ("100%% done %v", [("%%", ()), ("%v", (0,))]),
        ("%*d", [("%*d", (0, 1))]),
        ("%-*.*f", [("%-*.*f", (0, 1, 2))]),
        ("%[2]d %[1]s %s", [("%[2]d", (1,)), ("%[1]s", (0,)), ("%s", (1,))]),
        ("%[3]*.[2]*[1]f", [("%[3]*.[2]*[1]f", (2, 1, 0))]),
        ("%#08x % d %+q", [("%#08x", (0,)), ("% d", (1,)), ("%+q", (2,))]),
    ],
)
def test_directives_and_the_arguments_they_read(fmt, expected):
    parsed = parse_format(fmt)
    assert parsed.problem is None
    assert [(d.text, d.arg_nums) for d in parsed.directives] == expected


def test_explicit_indexes_are_recorded():
    parsed = parse_format("%d %[3]*.[2]*[1]f")
    assert parsed.uses_index
    assert parsed.directives[1].indexes == (3, 2, 1)


@pytest.mark.parametrize(
    "fmt,kind,text",
    [
        ("50%", "missing-verb", "%"),
        ("%-", "missing-verb", "%-"),
        ("%[x]d", "bad-index", "x"),
        ("%[0]d", "bad-index", "0"),
        ("%[2d", "missing-bracket", "%[2d"),
    ],
)
def test_problems_stop_the_parse(fmt, kind, text):
    problem = parse_format(fmt).problem
    assert problem is not None and (problem.kind, problem.text) == (kind, text)


def test_unknown_verbs_are_parsed_not_judged():
    (d,) = parse_format("%z").directives
    assert (d.verb, d.arg_nums) == ("z", (0,))


def test_possible_directive_in_print_arguments():
    assert POSSIBLE_DIRECTIVE.search("total: %d").group(0) == "%d"
    assert POSSIBLE_DIRECTIVE.search("50% off") is None
