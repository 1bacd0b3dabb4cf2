"""Findings as values: severities, fixes (byte-range edits), related locations and diagnostics."""

from __future__ import annotations

import enum
from typing import Any
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_level` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use one of info, warning, error") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of a file with `new_text` (UTF-8)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A suggested change; `safe` fixes may be applied without review (source.fixAll)."""

    message: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True)
class Location:
    """A span of a file: 1-based lines and columns (UTF-8 bytes) and the byte range."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start_byte: int
    end_byte: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "start_byte": self.start_byte,
            "end_byte": self.end_byte,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Location":
        return cls(d["path"], d["line"], d["column"], d["end_line"], d["end_column"], d["start_byte"], d["end_byte"])


@dataclass(frozen=True)
class Related:
    """A place that explains a finding (where a nil comes from, which line returns it), in
    the order a reader follows them to the finding's own location."""

    location: Location
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.location.to_dict(), "message": self.message}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Related":
        return cls(Location.from_dict(d), d["message"])


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; columns count UTF-8 bytes like go vet."""

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start_byte: int
    end_byte: int
    message: str
    fixes: tuple[Fix, ...] = field(default=())
    related: tuple[Related, ...] = field(default=())

    @classmethod
    def at(cls, rule: str, severity: Severity, where: Location, message: str, fixes: tuple[Fix, ...] = (), related: tuple[Related, ...] = ()) -> "Diagnostic":
        return cls(rule, severity, where.path, where.line, where.column, where.end_line, where.end_column, where.start_byte, where.end_byte, message, fixes, related)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column, self.end_line, self.end_column, self.start_byte, self.end_byte)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            **self.location.to_dict(),
            "message": self.message,
            "fixes": [
                {
                    "message": f.message,
                    "safe": f.safe,
                    "edits": [{"start_byte": e.start, "end_byte": e.end, "new_text": e.new_text} for e in f.edits],
                }
                for f in self.fixes
            ],
            "related": [r.to_dict() for r in self.related],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Diagnostic":
        return cls.at(
            d["rule"],
            Severity.parse(d["severity"]),
            Location.from_dict(d),
            d["message"],
            fixes=tuple(
                Fix(f["message"], tuple(Edit(e["start_byte"], e["end_byte"], e["new_text"]) for e in f["edits"]), f.get("safe", True))
                for f in d.get("fixes", ())
            ),
            related=tuple(Related.from_dict(r) for r in d.get("related", ())),
        )
