"""The identity of a finding that survives unrelated edits: rule + path + the text of its
line (whitespace-normalized) + which occurrence of that triple it is. Line numbers are
left out on purpose, so inserting lines above a finding does not change it. SARIF's
`partialFingerprints` and the baseline file both use it."""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable, Iterator

from analyzer.api.diagnostics import Diagnostic


def normalize_line(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(text.split())


def keyed(diagnostics: Iterable[Diagnostic], line_text: Callable[[Diagnostic], bytes], path_of: Callable[[str], str] = lambda p: p) -> Iterator[tuple[Diagnostic, tuple[str, str, str, int]]]:
    """(diagnostic, (rule, path, normalized line, occurrence)) in the given order."""
    seen: dict[tuple[str, str, str], int] = {}
    for d in diagnostics:
        base = (d.rule, path_of(d.path), normalize_line(line_text(d)))
        n = seen.get(base, 0)
        seen[base] = n + 1
        yield d, (*base, n)


def digest(key: tuple[str, str, str, int]) -> str:
    return hashlib.sha256("\0".join(map(str, key)).encode("utf-8", "surrogateescape")).hexdigest()[:32]
