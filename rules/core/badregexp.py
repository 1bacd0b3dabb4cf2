"""Constant regular expression that does not compile.

## What it does
Reports `regexp.MustCompile`, `regexp.Compile`, `regexp.MatchString`, `regexp.Match`,
`regexp.MatchReader` and `regexp.MustCompilePOSIX`/`CompilePOSIX` calls whose pattern is a
constant string that Go's RE2 syntax rejects: Perl lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`)
and backreferences (`\\1`), which RE2 does not support, and unbalanced parentheses,
unterminated `[...]` classes, a repetition with nothing to repeat (`*x`) or repeated twice
(`x**`), and inverted ranges (`[z-a]`). The last kinds are found with Python's `re`, and
only for patterns whose syntax Python and RE2 read alike: a pattern using RE2-only syntax
(`\\pL`, `\\z`, `[[:alpha:]]`, `\\Q...\\E`, `\\x{...}`, flags such as `(?U)`) is left alone.

## Why is this bad?
`regexp.MustCompile` panics when the package is initialised; `regexp.Compile` returns an
error every time. Either way the pattern never matches anything.

## Example
```go
var version = regexp.MustCompile(`v(\\d+\\.\\d+`)
```

## Use instead
```go
var version = regexp.MustCompile(`v(\\d+\\.\\d+)`)
```
"""

import re
import warnings

from analyzer.api.analysis_pass import Pass
from analyzer.golang.constant import string_value
from analyzer.api.rule import Rule

QUERY = """
(call_expression
  function: (selector_expression
    field: (field_identifier) @name
    (#match? @name "^(MustCompile|Compile|MatchString|Match|MatchReader|MustCompilePOSIX|CompilePOSIX)$"))
  arguments: (argument_list . (_) @pattern)) @call
"""

# Syntax RE2 has and Python reads differently (or not at all): stay silent on these.
_RE2_ONLY = re.compile(r"\\[pPzCQEx]|\[\[:|\(\?[a-zA-Z]*U|\(\?P?<[^>]*>|\(\?[imsU-]+:|\\[0-7]{3}|\{,")
_LOOKAROUND = re.compile(r"\(\?(=|!|<=|<!)")
# Python's messages for errors that RE2 reports for the same pattern.
_AGREED = ("missing ), unterminated subpattern", "unbalanced parenthesis", "unterminated character set", "nothing to repeat", "multiple repeat", "bad character range")


def problem(pattern: str) -> str | None:
    """Why RE2 rejects `pattern`, when that is certain; None when it compiles or may."""
    unescaped = re.sub(r"\\.", "", pattern)
    bare = re.sub(r"\[(?:\\.|[^\]\\])*\]", "", unescaped)  # outside character classes
    if _LOOKAROUND.search(bare):
        return "lookaround assertions ((?=, (?!, (?<=, (?<!) are not supported by RE2"
    # RE2 reads `\12` as an octal escape; `\1` not followed by an octal digit is a backreference.
    if re.search(r"(?<!\\)(?:\\\\)*\\(?:[1-7](?![0-7])|[89])", pattern):
        return "backreferences (\\1) are not supported by RE2"
    if _RE2_ONLY.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as exc:
        message = str(exc)
        if not message.startswith(_AGREED):
            return None
        if message.startswith("nothing to repeat") and exc.pos is not None and exc.pos > 0 and not pattern[: exc.pos].endswith(("(", "|", "(?:")):
            return None  # RE2 repeats `^`, `$`, `\b` and friends; Python does not
        if message.startswith("bad character range") and not re.fullmatch(r"bad character range .-. at position \d+", message):
            return None  # a class such as \w at one end: the two disagree
        return message
    except (OverflowError, RecursionError, ValueError):
        return None
    return None


def run(pass_: Pass) -> None:
    for file, call, m in pass_.iter_matches("call"):
        name = file.text(m.node("name"))
        if not pass_.is_call_to(file, call, "regexp", name):
            continue
        arg = m.node("pattern")
        pattern = string_value(pass_, file, arg)
        if pattern is None:
            continue
        why = problem(pattern)
        if why is not None:
            pass_.report(file, arg, f"invalid regular expression: {why}")


RULE = Rule(
    name="badregexp",
    summary="constant regular expression that does not compile",
    run=run,
    query=QUERY,
    tags=("correctness",),
    equivalents=("staticcheck:SA1000",),
)
