"""Semver ranges as docs/pack-protocol.md defines them, on top of the `semver` library.

Accepted forms (comparators are separated by commas; whitespace also separates):

    >=1.2.0, <2.0.0     comparators: >=, >, <=, <, =, == with full or partial versions
    ^1.4                >=1.4.0, <2.0.0    (^0.2.3 -> <0.3.0, ^0.0.3 -> <0.0.4)
    ~1.4.2              >=1.4.2, <1.5.0    (~1 -> <2.0.0)
    1.4.x  1.4  1.x     >=1.4.0, <1.5.0 / >=1.0.0, <2.0.0
    *                   any version
    1.4.0               exactly that version

Pre-releases: a pre-release version is only contained when the caller asks for
pre-releases (`prerelease=True`) or when the range itself names a pre-release of the same
major.minor.patch (npm's rule), so `^1.4` never silently picks `2.0.0-rc.1`.

Partial versions such as Go's `1.21` (or `go1.21`) are accepted where a version is matched,
via `coerce_version`.

    >>> SemverRange.parse("^1.4").best(["1.3.0", "1.4.2", "1.9.0", "2.0.0"])
    '1.9.0'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import semver

from rulehub.pack.errors import PackFormatError

_PARTIAL = re.compile(
    r"^v?(?P<major>0|[1-9]\d*|[xX*])"
    r"(?:\.(?P<minor>0|[1-9]\d*|[xX*]))?"
    r"(?:\.(?P<patch>0|[1-9]\d*|[xX*]))?"
    r"(?P<rest>[-+].*)?$"
)
_OPS = (">=", "<=", "==", ">", "<", "=", "^", "~")


def parse_version(text: str) -> semver.Version:
    """Parse a strict semver 2.0 version (`1.4.0`, `2.0.0-rc.1+build.5`)."""
    if not isinstance(text, str):
        raise PackFormatError(f"{text!r} is not a semver 2.0 version", code="invalid_version")
    return _parse_version(text)


@lru_cache(maxsize=4096)  # versions are immutable values; the hub parses the same ones per request
def _parse_version(text: str) -> semver.Version:
    if not isinstance(text, str) or not semver.Version.is_valid(text.strip()):
        raise PackFormatError(
            f"{text!r} is not a semver 2.0 version; write MAJOR.MINOR.PATCH, e.g. '1.4.0' or '2.0.0-rc.1'",
            code="invalid_version",
        )
    return semver.Version.parse(text.strip())


def coerce_version(text: str) -> semver.Version:
    """Parse a version that may be partial: `1.21` -> 1.21.0, `go1.22.3` -> 1.22.3, `1` -> 1.0.0."""
    if not isinstance(text, str):
        raise PackFormatError(f"{text!r} is not a version; write e.g. '1.21' or '1.21.3'", code="invalid_version")
    return _coerce_version(text)


@lru_cache(maxsize=4096)
def _coerce_version(text: str) -> semver.Version:
    raw = text.strip() if isinstance(text, str) else ""
    if raw.startswith("go"):
        raw = raw[2:]
    if semver.Version.is_valid(raw):
        return semver.Version.parse(raw)
    match = _PARTIAL.match(raw)
    if not match or any(p in {"x", "X", "*"} for p in match.group("major", "minor", "patch") if p):
        raise PackFormatError(
            f"{text!r} is not a version; write e.g. '1.21' or '1.21.3'", code="invalid_version"
        )
    major, minor, patch = (int(p) if p else 0 for p in match.group("major", "minor", "patch"))
    rest = match.group("rest") or ""
    candidate = f"{major}.{minor}.{patch}{rest}"
    if not semver.Version.is_valid(candidate):
        raise PackFormatError(f"{text!r} is not a version; write e.g. '1.21' or '1.21.3'", code="invalid_version")
    return semver.Version.parse(candidate)


@dataclass(frozen=True)
class _Comparator:
    op: str  # one of >=, >, <=, <, ==
    version: semver.Version

    def matches(self, v: semver.Version) -> bool:
        c = v.compare(self.version)
        op = self.op
        if op == ">=":
            return c >= 0
        if op == "<":
            return c < 0
        if op == ">":
            return c > 0
        if op == "<=":
            return c <= 0
        return c == 0

    def __str__(self) -> str:
        return f"{self.op}{self.version}"


@dataclass(frozen=True)
class SemverRange:
    """A parsed range: the conjunction of its comparators (empty means any version)."""

    text: str
    comparators: tuple[_Comparator, ...]

    @classmethod
    def parse(cls, text: str) -> "SemverRange":
        """Parse range text; raise PackFormatError(code="invalid_range") naming the bad part."""
        if not isinstance(text, str):
            raise PackFormatError("a version range must be a string, e.g. '^1.4'", code="invalid_range")
        return _parse_range(text)

    @classmethod
    def _parse_uncached(cls, text: str) -> "SemverRange":
        if not isinstance(text, str) or not text.strip():
            raise PackFormatError(
                "empty version range; write e.g. '^1.4', '>=1.2.0, <2.0.0' or '*'", code="invalid_range"
            )
        if "||" in text:
            raise PackFormatError(
                f"range {text!r} uses '||', which packs do not support; use comma-separated comparators",
                code="invalid_range",
            )
        comparators: list[_Comparator] = []
        tokens = [t for t in re.split(r"[,\s]+", _glue_operators(text.strip())) if t]
        for token in tokens:
            comparators.extend(_parse_token(token, text))
        return cls(text=text.strip(), comparators=tuple(comparators))

    def contains(self, version: str | semver.Version, *, prerelease: bool = False) -> bool:
        """True if `version` satisfies every comparator (pre-release rule in the module doc).

        A version string that is not valid semver raises PackFormatError; partial versions
        (`1.21`) are coerced.
        """
        v = version if isinstance(version, semver.Version) else coerce_version(version)
        if v.prerelease and not prerelease and not self._names_prerelease_of(v):
            return False
        return all(c.matches(v) for c in self.comparators)

    def best(self, versions: Iterable[str], *, prerelease: bool = False) -> str | None:
        """The highest of `versions` in the range, or None; versions that fail to parse are skipped."""
        best: tuple[semver.Version, str] | None = None
        for text in versions:
            try:
                v = parse_version(text)
            except PackFormatError:
                continue
            if self.contains(v, prerelease=prerelease) and (best is None or v.compare(best[0]) > 0):
                best = (v, text)
        return best[1] if best else None

    def _names_prerelease_of(self, v: semver.Version) -> bool:
        return any(
            c.version.prerelease and (c.version.major, c.version.minor, c.version.patch) == (v.major, v.minor, v.patch)
            for c in self.comparators
        )

    def __str__(self) -> str:
        return ", ".join(str(c) for c in self.comparators) or "*"


@lru_cache(maxsize=4096)  # SemverRange is a frozen value, safe to share
def _parse_range(text: str) -> SemverRange:
    return SemverRange._parse_uncached(text)


def _glue_operators(text: str) -> str:
    # ">= 1.2.0" -> ">=1.2.0" so whitespace can separate comparators.
    return re.sub(r"(>=|<=|==|>|<|=|\^|~)\s+", r"\1", text)


def _parse_token(token: str, whole: str) -> list[_Comparator]:
    op = next((o for o in _OPS if token.startswith(o)), "")
    body = token[len(op):]
    if body in {"*", "x", "X"} and op in {"", "="}:
        return []
    match = _PARTIAL.match(body)
    if not match:
        raise PackFormatError(
            f"range {whole!r}: {token!r} is not a comparator; write e.g. '>=1.2.0', '^1.4', '~1.4.2' or '1.4.x'",
            code="invalid_range",
        )
    parts = list(match.group("major", "minor", "patch"))
    rest = match.group("rest") or ""
    wild = [p is None or p in {"x", "X", "*"} for p in parts]
    # Once a part is a wildcard, the rest must be too ("1.x.3" makes no sense).
    if any(wild[i] and not wild[i + 1] for i in range(2)) or (rest and any(wild)):
        raise PackFormatError(f"range {whole!r}: {token!r} mixes wildcards and numbers", code="invalid_range")
    nums = [0 if w else int(p) for p, w in zip(parts, wild)]
    if wild[0]:
        if op in {"", "=", ">=", "<="}:
            return []
        raise PackFormatError(f"range {whole!r}: {token!r} can never match", code="invalid_range")
    base_text = f"{nums[0]}.{nums[1]}.{nums[2]}{rest}"
    if not semver.Version.is_valid(base_text):
        raise PackFormatError(f"range {whole!r}: {body!r} is not a semver version", code="invalid_range")
    base = semver.Version.parse(base_text)
    precision = 3 - sum(wild)  # how many leading parts were given

    def upper_for(level: int) -> semver.Version:
        # The first version past the given precision: level 1 -> next major, 2 -> next minor.
        if level == 1:
            return semver.Version(base.major + 1, 0, 0)
        return semver.Version(base.major, base.minor + 1, 0)

    if op == "^":
        if base.major > 0 or precision == 1:
            upper = semver.Version(base.major + 1, 0, 0)
        elif base.minor > 0 or precision == 2:
            upper = semver.Version(0, base.minor + 1, 0)
        else:
            upper = semver.Version(0, 0, base.patch + 1)
        return [_Comparator(">=", base), _Comparator("<", upper)]
    if op == "~":
        upper = upper_for(1 if precision == 1 else 2)
        return [_Comparator(">=", base), _Comparator("<", upper)]
    if op in {"", "=", "=="}:
        if precision == 3:
            return [_Comparator("==", base)]
        return [_Comparator(">=", base), _Comparator("<", upper_for(precision))]
    if precision == 3 or op in {">=", "<"}:
        return [_Comparator(op, base)]
    # Partial with > or <=: ">1.4" means ">=1.5.0", "<=1.4" means "<1.5.0".
    nxt = upper_for(precision)
    return [_Comparator(">=" if op == ">" else "<", nxt)]
