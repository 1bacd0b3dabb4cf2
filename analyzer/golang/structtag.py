"""Go struct tags as `reflect.StructTag` reads them: lookup, the canonical-form check vet
applies, and Go's `%#q` rendering for messages."""

from __future__ import annotations

from analyzer.golang.goliteral import unquote

ERR_PAIR = "bad syntax for struct tag pair"
ERR_KEY = "bad syntax for struct tag key"
ERR_VALUE = "bad syntax for struct tag value"
ERR_VALUE_SPACE = "suspicious space in struct tag value"
ERR_SEPARATOR = 'key:"value" pairs not separated by spaces'

# Keys whose values encoding packages split on commas, where a stray space is a bug.
_SPACE_CHECKED = frozenset({"json", "xml", "asn1"})


def pairs(tag: str) -> list[tuple[str, str]] | str:
    """The (key, value) pairs of a canonical tag, or the reason it is not canonical
    (vet's validateStructTag, which is reflect's parser made strict)."""
    out: list[tuple[str, str]] = []
    n = 0
    while tag:
        if n > 0 and tag[0] != " ":
            return ERR_SEPARATOR
        n += 1
        tag = tag.lstrip(" ")
        if not tag:
            break
        step = _next_pair(tag)
        if isinstance(step, str):
            return step
        key, quoted, tag = step
        value = unquote(quoted)
        if value is None:
            return ERR_VALUE
        if key in _SPACE_CHECKED and _suspicious_space(key, value):
            return ERR_VALUE_SPACE
        out.append((key, value))
    return out


def _suspicious_space(key: str, value: str) -> bool:
    if key == "xml":
        if value.strip(" ") != value or value.count(" ") > 1:
            return True
        comma = value.find(",")
        if comma < 0:
            return False
        if comma > 0 and value[comma - 1] == " ":
            return True
        value = value[comma + 1 :]
    elif key == "json":
        comma = value.find(",")
        if comma < 0:
            return False
        value = value[comma + 1 :]
    return " " in value


def lookup(tag: str, key: str) -> str | None:
    """reflect.StructTag.Lookup: the value of the first `key`, or None."""
    while tag:
        tag = tag.lstrip(" ")
        if not tag:
            break
        step = _next_pair(tag)
        if isinstance(step, str):
            break
        name, quoted, tag = step
        if key == name:
            return unquote(quoted)
    return None


def _next_pair(tag: str) -> tuple[str, str, str] | str:
    """Split the first `key:"value"` off `tag` (leading spaces already gone), as reflect
    does: (key, the still quoted value, the rest), or which part is malformed."""
    i = 0
    while i < len(tag) and tag[i] > " " and tag[i] not in ':"' and tag[i] != "\x7f":
        i += 1
    if i == 0:
        return ERR_KEY
    if i + 1 >= len(tag) or tag[i] != ":":
        return ERR_PAIR
    if tag[i + 1] != '"':
        return ERR_VALUE
    key = tag[:i]
    tag = tag[i + 1 :]
    i = 1
    while i < len(tag) and tag[i] != '"':
        if tag[i] == "\\":
            i += 1
        i += 1
    if i >= len(tag):
        return ERR_VALUE
    return key, tag[: i + 1], tag[i + 1 :]


def go_quote(s: str) -> str:
    """Go's `%#q`: backquoted when strconv.CanBackquote allows it, else double-quoted."""
    if all(c == "\t" or (c >= " " and c != "`" and c != "\x7f" and c != "\ufeff") for c in s):
        return "`" + s + "`"
    out = ['"']
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(c)])
        elif c.isprintable() or c == " ":
            out.append(c)
        elif ord(c) < 0x80:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)

