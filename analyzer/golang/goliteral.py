"""Values of Go literals from their source text: strings (interpreted and raw), runes and
integers, with Go's escape rules (not Python's). `None` means "not a valid literal of
that kind", so callers can stay silent."""

from __future__ import annotations

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote(text: str) -> str | None:
    """Go's strconv.Unquote for string literals: `"..."` or `` `...` ``; None if malformed."""
    if len(text) < 2:
        return None
    quote = text[0]
    if quote != text[-1] or quote not in "\"`":
        return None
    body = text[1:-1]
    if quote == "`":
        return None if "`" in body else body.replace("\r", "")
    if "\n" in body:
        return None
    return _unescape(body, '"')


def unquote_rune(text: str) -> str | None:
    if len(text) < 3 or text[0] != "'" or text[-1] != "'":
        return None
    value = _unescape(text[1:-1], "'")
    return value if value is not None and len(value) == 1 else None


def _unescape(body: str, quote: str) -> str | None:
    """A quoted literal's body with Go's escapes applied. In a string, `\\x` and octal escapes
    are bytes (Go strings are bytes: `"\\xe2\\x82\\xac"` is the UTF-8 of `€`), decoded as
    UTF-8 with invalid bytes replaced; in a rune literal they are the code point itself."""
    out: list[str] = []
    raw = bytearray()  # pending byte escapes of a string literal

    def flush() -> None:
        if raw:
            out.append(raw.decode("utf-8", "replace"))
            raw.clear()

    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == quote:
            return None
        if c != "\\":
            flush()
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            return None
        e = body[i + 1]
        byte: int | None = None
        if e in _SIMPLE_ESCAPES:
            flush()
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e == quote:
            flush()
            out.append(quote)
            i += 2
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
                return None
            byte = int(digits, 8)
            i += 4
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                return None
            code = int(digits, 16)
            if e != "x" and (code > 0x10FFFF or 0xD800 <= code < 0xE000):
                return None
            if e == "x":
                byte = code
            else:
                flush()
                out.append(chr(code))
            i += 2 + width
        else:
            return None
        if byte is not None:
            if quote == '"':
                raw.append(byte)
            else:
                out.append(chr(byte))
    flush()
    return "".join(out)


def int_value(text: str) -> int | None:
    """The value of a Go integer literal (`0`, `0x1F`, `0o17`, `017`, `1_000`), or None."""
    t = text.replace("_", "").lower()
    try:
        if t.startswith(("0x", "0b", "0o")):
            return int(t, 0)
        if len(t) > 1 and t.startswith("0"):
            return int(t[1:], 8)
        return int(t, 10)
    except ValueError:
        return None
