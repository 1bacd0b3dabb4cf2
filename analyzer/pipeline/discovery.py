"""From command-line patterns to packages: Go's `./...`, `dir/...`, directories and files.

vendor/, testdata/ and hidden or underscore-prefixed directories are skipped, as the go
tool does; files named on the command line are always taken. A pattern that names no Go
file at all is a `PatternError` (exit code 2), like `go vet` with a pattern matching no
packages. `exclude` globs (from `.gocheck.toml` or `--exclude`) drop paths afterwards;
a pattern whose files are all excluded is not an error.

Every `.go` entry that is not a directory is kept, whatever it is (symlink, FIFO, device):
the loader reads it through `analyzer.safe_files`, which refuses what is not a regular file
inside the tree and says so in a finding. A directory below a pattern that cannot be listed
is kept too, as a group with `listing_error` set, so the run reports it (exit 3) instead of
silently checking less than was asked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})


class PatternError(Exception):
    """A pattern that names nothing; the CLI turns it into exit code 2."""


@dataclass(frozen=True)
class PackageFiles:
    directory: str
    paths: tuple[str, ...]
    # Files named on the command line: checked whatever their build constraints say,
    # as `go vet file.go` does.
    named: frozenset[str] = frozenset()
    # The tree its files must resolve inside (symlinks followed): the working directory, or
    # the pattern's own directory when the pattern names a place outside it.
    root: str = ""
    # Why the directory could not be listed; its files, if any, were not checked.
    listing_error: str | None = None


def _skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.startswith((".", "_"))


def expand_patterns(
    patterns: list[str],
    cwd: Path | None = None,
    exclude: Sequence[str] = (),
    exclude_root: Path | None = None,
) -> list[PackageFiles]:
    """Go files grouped by directory, in a deterministic order. Paths stay as the user wrote
    them (relative stays relative) so output matches what editors and CI expect."""
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    by_dir: dict[str, set[str]] = {}
    roots: dict[str, str] = {}
    unlisted: dict[str, str] = {}
    named: set[str] = set()
    for pattern in patterns or ["./..."]:
        if not pattern.strip():
            raise PatternError("an empty pattern names nothing: pass a directory, a .go file or ./...")
        recursive = pattern == "..." or pattern.endswith("/...")
        base = pattern[: -len("...")].rstrip("/") if recursive else pattern
        base = base or ("/" if pattern.startswith("/") else ".")
        if "..." in base:
            raise PatternError(f"{pattern}: '...' is only supported at the end of a pattern, as in ./... or dir/...")
        full = base if os.path.isabs(base) else os.path.join(cwd, base)
        unreadable: dict[str, str] = {}
        found = _expand_one(pattern, base, full, recursive, unreadable)
        if not recursive and base.endswith(".go") and os.path.isfile(full):
            named.update(p for paths in found.values() for p in paths)
        root = _tree_root(full if os.path.isdir(full) else os.path.dirname(full), cwd)
        for directory in [*found, *unreadable]:
            if directory not in roots or len(root) < len(roots[directory]):
                roots[directory] = root  # of two patterns' trees, the wider one
        unlisted.update(unreadable)
        if not found and not unreadable:
            hint = "" if recursive else f" (use {base.rstrip('/')}/... to include subdirectories)"
            raise PatternError(f"{pattern}: matched no Go files{hint}")
        for directory, paths in found.items():
            by_dir.setdefault(directory, set()).update(paths)
    if exclude:
        exclude_base = Path(exclude_root) if exclude_root is not None else cwd
        by_dir = {d: {p for p in paths if not is_excluded(p, exclude, cwd, exclude_base)} for d, paths in by_dir.items()}
        unlisted = {d: why for d, why in unlisted.items() if not is_excluded(d, exclude, cwd, exclude_base)}
    for directory in unlisted:
        by_dir.setdefault(directory, set())
    return [
        PackageFiles(d, tuple(sorted(paths)), frozenset(named & paths), roots[d], unlisted.get(d))
        for d, paths in sorted(by_dir.items())
        if paths or d in unlisted
    ]


def _tree_root(directory: str, cwd: Path) -> str:
    """The working directory when `directory` is inside it, else `directory` (resolved)."""
    top = os.path.abspath(cwd)
    inside = os.path.commonpath([top, os.path.abspath(directory)]) == top
    return os.path.realpath(top if inside else directory)


def _expand_one(pattern: str, base: str, full: str, recursive: bool, unlisted: dict[str, str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    if os.path.isfile(full):
        if not base.endswith(".go"):
            raise PatternError(f"{pattern}: not a Go file; name .go files, directories or dir/...")
        found.setdefault(_norm(os.path.dirname(base) or "."), set()).add(_norm(base))
        return found
    if not os.path.exists(full):
        raise PatternError(f"{pattern}: no such file or directory")
    if not os.path.isdir(full):
        raise PatternError(f"{pattern}: not a Go file or a directory")
    if recursive:

        def unreadable(exc: OSError) -> None:
            if exc.filename is None or os.path.realpath(exc.filename) == os.path.realpath(full):
                raise PatternError(f"{pattern}: cannot list the directory: {exc.strerror or exc}")
            unlisted[_relative(base, full, exc.filename)] = exc.strerror or str(exc)

        for dirpath, dirnames, filenames in os.walk(full, onerror=unreadable):
            dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d))
            _add_go_files(found, _relative(base, full, dirpath), filenames)
    else:
        try:
            with os.scandir(full) as entries:
                names = [e.name for e in entries if not e.is_dir()]
        except OSError as exc:
            raise PatternError(f"{pattern}: cannot list the directory: {exc.strerror or exc}") from None
        _add_go_files(found, _norm(base), names)
    return found


def is_excluded(path: str, globs: Sequence[str], cwd: Path, root: Path) -> bool:
    """Whether `path` (as discovered, relative to `cwd` or absolute) matches one of `globs`,
    which are relative to `root` (the config file's directory)."""
    full = Path(path) if os.path.isabs(path) else cwd / path
    try:
        rel = os.path.relpath(os.path.abspath(full), os.path.abspath(root)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return False
    if rel.startswith("../"):
        return False
    return any(_glob_regex(g).match(rel) for g in globs)


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """gitignore-like: `**` crosses directories, `*` and `?` do not; a glob without `/`
    matches a name at any depth; a trailing `/` or a directory name covers what is under it."""
    g = glob.strip().replace("\\", "/")
    anchored = "/" in g.rstrip("/")
    g = g.lstrip("/")
    if g.startswith("./"):
        g = g[2:]
    out = []
    i = 0
    while i < len(g):
        c = g[i]
        if g.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif g.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out).rstrip("/")
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def _relative(base: str, full: str, dirpath: str) -> str:
    sub = os.path.relpath(dirpath, full)
    return _norm(base if sub == "." else os.path.join(base, sub))


def _norm(path: str) -> str:
    return os.path.normpath(path)


def _add_go_files(by_dir: dict[str, set[str]], directory: str, names) -> None:
    for name in names:
        if name.endswith(".go") and not name.startswith((".", "_")):
            by_dir.setdefault(directory, set()).add(_norm(os.path.join(directory, name)))
