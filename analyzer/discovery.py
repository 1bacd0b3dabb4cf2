"""From command-line patterns to packages: Go's `./...`, `dir/...`, directories and files.

vendor/, testdata/ and hidden or underscore-prefixed directories are skipped, as the go
tool does; files named on the command line are always taken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})


class PatternError(Exception):
    """A pattern that names nothing; the CLI turns it into exit code 2."""


@dataclass(frozen=True)
class PackageFiles:
    directory: str
    paths: tuple[str, ...]


def _skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.startswith(".") or name.startswith("_")


def expand_patterns(patterns: list[str], cwd: Path | None = None) -> list[PackageFiles]:
    """Go files grouped by directory, in a deterministic order. Paths stay as the user wrote
    them (relative stays relative) so output matches what editors and CI expect."""
    cwd = cwd or Path.cwd()
    by_dir: dict[str, set[str]] = {}
    for pattern in patterns or ["./..."]:
        recursive = pattern == "..." or pattern.endswith("/...")
        base = pattern[: -len("...")].rstrip("/") if recursive else pattern
        base = base or "."
        full = base if os.path.isabs(base) else os.path.join(cwd, base)
        if os.path.isfile(full):
            if not base.endswith(".go"):
                raise PatternError(f"{pattern}: not a Go file")
            by_dir.setdefault(_norm(os.path.dirname(base) or "."), set()).add(_norm(base))
            continue
        if not os.path.isdir(full):
            raise PatternError(f"{pattern}: no such file or directory")
        if recursive:
            for dirpath, dirnames, filenames in os.walk(full):
                dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d))
                rel = _relative(base, full, dirpath)
                _add_go_files(by_dir, rel, filenames)
        else:
            _add_go_files(by_dir, _norm(base), os.listdir(full))
    return [PackageFiles(d, tuple(sorted(paths))) for d, paths in sorted(by_dir.items()) if paths]


def _relative(base: str, full: str, dirpath: str) -> str:
    sub = os.path.relpath(dirpath, full)
    return _norm(base if sub == "." else os.path.join(base, sub))


def _norm(path: str) -> str:
    path = os.path.normpath(path)
    return path


def _add_go_files(by_dir: dict[str, set[str]], directory: str, names) -> None:
    for name in names:
        if name.endswith(".go") and not name.startswith((".", "_")):
            by_dir.setdefault(directory, set()).add(_norm(os.path.join(directory, name)))
