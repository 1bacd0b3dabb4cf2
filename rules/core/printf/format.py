"""Printf format strings, parsed the way fmt (and vet's printf check) reads them.

`parse_format(s)` splits a format into its `%` directives. Each `Directive` says which
arguments it consumes (0-based, counting from the first argument after the format):
`*` width and precision take one each, then the verb takes one (none for `%%`); an
explicit index `%[2]d` moves the position. Problems that end the parse (a `%` at the end,
a malformed `[n]`) are returned as `FormatProblem`s rather than raised, so a checker can
word them. Also `PRINT_VERBS`, the verbs and flags fmt knows. (Go string literals are
decoded by analyzer.golang.goliteral.unquote, the one decoder.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

# verb -> flags it accepts ('0' is always accepted, as vet does)
PRINT_VERBS: dict[str, str] = {
    "%": "",
    "b": " -+.0#",
    "c": "-",
    "d": " -+.0",
    "e": " -+.0#",
    "E": " -+.0#",
    "f": " -+.0#",
    "F": " -+.0#",
    "g": " -+.0#",
    "G": " -+.0#",
    "o": " -+.0#",
    "O": " -+.0#",
    "p": "-#",
    "q": " -+.0#",
    "s": " -+.0",
    "t": "-",
    "T": "-",
    "U": "-#",
    "v": " -+.0#",
    "w": " -+.0#",
    "x": " -+.0#",
    "X": " -+.0#",
}

# What vet calls "a possible formatting directive" in a Print/Println argument.
_INDEX = r"(\[[0-9]+\])?"
_NUM = r"([0-9]+|" + _INDEX + r"\*)?"
POSSIBLE_DIRECTIVE = re.compile(r"%[+\-#]*" + _NUM + r"\.?" + _NUM + _INDEX + r"[bcdefgopqstvxEFGTUX]")


class Directive(NamedTuple):  # a tuple: made for every directive of every format, cheaply
    text: str  # "%-8.*[2]d": from the % through the verb
    verb: str
    flags: str  # flag characters, with "." standing for a precision
    arg_nums: tuple[int, ...]  # arguments consumed, 0-based after the format; the verb's last
    has_index: bool
    indexes: tuple[int, ...] = ()  # explicit [n] indexes as written (1-based)


@dataclass(frozen=True)
class FormatProblem:
    kind: str  # "missing-verb", "missing-bracket", "bad-index"
    text: str  # the directive so far ("%-" ...) or the index text ("x" of "[x]")


@dataclass
class ParsedFormat:
    directives: list[Directive] = field(default_factory=list)
    problem: FormatProblem | None = None

    @property
    def uses_index(self) -> bool:
        return any(d.has_index for d in self.directives)


_FLAGS = frozenset("#0+- ")
_DIGITS = frozenset("0123456789")
# What can follow a % other than the verb itself.
_NOT_VERB = _FLAGS | _DIGITS | frozenset("[*.")


def _scan_digits(fmt: str, n: int) -> int:
    length = len(fmt)
    while n < length and fmt[n] in _DIGITS:
        n += 1
    return n


def _parse_index(fmt: str, n: int, start_of_directive: int) -> tuple[int, int] | FormatProblem:
    """At `fmt[n] == "["`: (the position after "]", the 1-based index), or the problem."""
    start = n + 1
    n = _scan_digits(fmt, start)
    if n == len(fmt) or n == start or fmt[n] != "]":
        close = fmt.find("]", start)
        if close < 0:
            return FormatProblem("missing-bracket", fmt[start_of_directive:])
        return FormatProblem("bad-index", fmt[start:close])
    value = int(fmt[start:n])
    if value <= 0:
        return FormatProblem("bad-index", fmt[start:n])
    return n + 1, value


def parse_format(fmt: str) -> ParsedFormat:
    """Every directive of `fmt`, in order; stops at the first problem (recorded).

    As fmt's doPrintf (and vet's parsePrintfVerb) read a directive: flags, an optional
    [n], a width (`*` reads an argument), an optional `.` with its own [n] and precision,
    a [n] before the verb unless one is still pending, then the verb. One pass over the
    string, positions rather than slices: formats can be long."""
    out = ParsedFormat()
    length = len(fmt)
    arg_num = 0  # the argument the next directive reads, unless it says [n]
    i = fmt.find("%")
    while i >= 0:
        n = i + 1
        if n < length and fmt[n] not in _NOT_VERB:
            # the common "%v": no flags, index, width or precision
            verb = fmt[n]
            if verb == "%":
                out.directives.append(Directive("%%", verb, "", (), False, ()))
            else:
                out.directives.append(Directive(fmt[i : n + 1], verb, "", (arg_num,), False, ()))
                arg_num += 1
            i = fmt.find("%", n + 1)
            continue
        while n < length and fmt[n] in _FLAGS:
            n += 1
        flags = fmt[i + 1 : n]
        arg = arg_num
        arg_nums: list[int] = []
        indexes: list[int] = []
        pending = False  # an [n] that no `*` has used yet
        for part in ("width", "precision", "verb"):
            if part == "precision":
                if n >= length or fmt[n] != ".":
                    continue
                flags += "."
                n += 1
            if n < length and fmt[n] == "[" and not (part == "verb" and pending):
                parsed = _parse_index(fmt, n, i)
                if isinstance(parsed, FormatProblem):
                    out.problem = parsed
                    return out
                n, value = parsed
                arg = value - 1
                indexes.append(value)
                pending = True
            if part == "verb":
                break
            if n < length and fmt[n] == "*":
                pending = False
                n += 1
                arg_nums.append(arg)
                arg += 1
            else:
                n = _scan_digits(fmt, n)
        if n >= length:
            out.problem = FormatProblem("missing-verb", fmt[i:])
            return out
        verb = fmt[n]
        n += 1
        if verb != "%":
            arg_nums.append(arg)
        out.directives.append(Directive(fmt[i:n], verb, flags, tuple(arg_nums), bool(indexes), tuple(indexes)))
        if arg_nums:
            arg_num = arg_nums[-1] + 1
        i = fmt.find("%", n)
    return out
