"""Printf format strings, parsed the way fmt (and vet's printf check) reads them.

`parse_format(s)` splits a format into its `%` directives. Each `Directive` says which
arguments it consumes (0-based, counting from the first argument after the format):
`*` width and precision take one each, then the verb takes one (none for `%%`); an
explicit index `%[2]d` moves the position. Problems that end the parse (a `%` at the end,
a malformed `[n]`) are returned as `FormatProblem`s rather than raised, so a checker can
word them. Also `go_string_value` to decode Go string literals, and `PRINT_VERBS`, the
verbs and flags fmt knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Directive:
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


class _State:
    def __init__(self, text: str, arg_num: int) -> None:
        self.text = text
        self.n = 1  # past the %
        self.arg_num = arg_num
        self.arg_nums: list[int] = []
        self.flags: list[str] = []
        self.has_index = False
        self.indexes: list[int] = []
        self.index_pending = False
        self.problem: FormatProblem | None = None

    def parse_flags(self) -> None:
        while self.n < len(self.text) and self.text[self.n] in "#0+- ":
            self.flags.append(self.text[self.n])
            self.n += 1

    def scan_num(self) -> None:
        while self.n < len(self.text) and self.text[self.n].isdigit() and self.text[self.n].isascii():
            self.n += 1

    def parse_index(self) -> bool:
        if self.n >= len(self.text) or self.text[self.n] != "[":
            return True
        self.n += 1
        start = self.n
        self.scan_num()
        ok = True
        if self.n == len(self.text) or self.n == start or self.text[self.n] != "]":
            ok = False
            close = self.text.find("]", start)
            if close < 0:
                self.problem = FormatProblem("missing-bracket", self.text)
                return False
            self.n = close
        digits = self.text[start : self.n]
        if not ok or not digits.isdigit() or int(digits) <= 0:
            self.problem = FormatProblem("bad-index", digits)
            return False
        self.n += 1
        self.arg_num = int(digits) - 1
        self.indexes.append(int(digits))
        self.has_index = True
        self.index_pending = True
        return True

    def parse_num(self) -> None:
        if self.n < len(self.text) and self.text[self.n] == "*":
            self.index_pending = False
            self.n += 1
            self.arg_nums.append(self.arg_num)
            self.arg_num += 1
        else:
            self.scan_num()

    def parse_precision(self) -> bool:
        if self.n < len(self.text) and self.text[self.n] == ".":
            self.flags.append(".")
            self.n += 1
            if not self.parse_index():
                return False
            self.parse_num()
        return True


def parse_format(fmt: str) -> ParsedFormat:
    """Every directive of `fmt`, in order; stops at the first problem (recorded)."""
    out = ParsedFormat()
    arg_num = 0
    i = 0
    while i < len(fmt):
        if fmt[i] != "%":
            i += 1
            continue
        st = _State(fmt[i:], arg_num)
        st.parse_flags()
        if not st.parse_index():
            out.problem = st.problem
            return out
        st.parse_num()
        if not st.parse_precision():
            out.problem = st.problem
            return out
        if not st.index_pending and not st.parse_index():
            out.problem = st.problem
            return out
        if st.n >= len(st.text):
            out.problem = FormatProblem("missing-verb", st.text)
            return out
        verb = st.text[st.n]
        st.n += 1
        if verb != "%":
            st.arg_nums.append(st.arg_num)
        text = st.text[: st.n]
        d = Directive(text, verb, "".join(st.flags), tuple(st.arg_nums), st.has_index, tuple(st.indexes))
        out.directives.append(d)
        if d.arg_nums:
            arg_num = d.arg_nums[-1] + 1
        i += len(text)
    return out


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"'}


def go_string_value(literal: str) -> str | None:
    """The value of a Go string literal's source text ("..." or `...`), or None if malformed."""
    if len(literal) >= 2 and literal[0] == literal[-1] == "`":
        return literal[1:-1].replace("\r", "")
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        return None
    body, out, i = literal[1:-1], [], 0
    raw = bytearray()  # \x and octal escapes are bytes; collect them, decode at the end

    def flush() -> None:
        if raw:
            out.append(raw.decode("utf-8", "replace"))
            raw.clear()

    while i < len(body):
        c = body[i]
        if c != "\\":
            flush()
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            return None
        e = body[i + 1]
        if e in _SIMPLE_ESCAPES:
            flush()
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e == "x":
            try:
                raw.append(int(body[i + 2 : i + 4], 16))
            except ValueError:
                return None
            i += 4
        elif e in "01234567":
            try:
                raw.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            except ValueError:
                return None
            i += 4
        elif e in "uU":
            width = 4 if e == "u" else 8
            try:
                flush()
                out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            except ValueError:
                return None
            i += 2 + width
        else:
            return None
    flush()
    return "".join(out)
