"""Values of Go literals from their source text: strings (interpreted and raw), runes and
integers, with Go's escape rules (not Python's). `None` means "not a valid literal of
that kind", so callers can stay silent."""

from __future__ import annotations

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote(text: str) -> str | None:
    """Go's strconv.Unquote for string literals: `"..."` or `` `...` ``; None if malformed.
    The string's bytes are decoded as UTF-8, invalid bytes replaced (see `unquote_bytes`)."""
    value = unquote_bytes(text)
    return value.decode("utf-8", "replace") if value is not None else None


def unquote_bytes(text: str) -> bytes | None:
    """The bytes of a Go string literal, as Go holds them: `\\x` and octal escapes are bytes,
    so `"\\xe2" + "\\x82\\xac"` is the UTF-8 of `€` once the parts are joined as bytes."""
    if len(text) < 2:
        return None
    quote = text[0]
    if quote != text[-1] or quote not in "\"`":
        return None
    body = text[1:-1]
    if quote == "`":
        return None if "`" in body else body.replace("\r", "").encode("utf-8", "surrogatepass")
    if "\n" in body:
        return None
    return _unescape(body, '"')


def unquote_rune(text: str) -> str | None:
    if len(text) < 3 or text[0] != "'" or text[-1] != "'":
        return None
    value = _unescape(text[1:-1], "'")
    if value is None:
        return None
    decoded = value.decode("utf-8", "surrogatepass")
    return decoded if len(decoded) == 1 else None


def _unescape(body: str, quote: str) -> bytes | None:
    """A quoted literal's body with Go's escapes applied, as UTF-8 bytes. In a string, `\\x`
    and octal escapes are bytes (Go strings are bytes); in a rune literal they are the code
    point itself."""
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == quote:
            return None
        if c != "\\":
            j = body.find("\\", i)
            j = n if j < 0 else j
            if quote in body[i:j]:
                return None
            out += body[i:j].encode("utf-8", "surrogatepass")
            i = j
            continue
        if i + 1 >= n:
            return None
        e = body[i + 1]
        if e in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[e].encode()
            i += 2
        elif e == quote:
            out += quote.encode()
            i += 2
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
                return None
            out += _byte(int(digits, 8), quote)
            i += 4
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                return None
            code = int(digits, 16)
            if e != "x" and (code > 0x10FFFF or 0xD800 <= code < 0xE000):
                return None
            out += _byte(code, quote) if e == "x" else chr(code).encode("utf-8")
            i += 2 + width
        else:
            return None
    return bytes(out)


def _byte(value: int, quote: str) -> bytes:
    """A byte escape: the byte itself in a string, the code point `value` in a rune literal."""
    return bytes((value,)) if quote == '"' else chr(value).encode("utf-8")


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
