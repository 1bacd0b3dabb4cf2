"""On-disk cache of per-package results, keyed by everything that decides them.

Key = sha256 of: engine version and source, the rule-set fingerprint (rule names, packs and
their versions and sources, severities, queries, declarative messages), the run options that
change results, the package directory, each file's path and content hash, and the content of
the directory's other source files (`sibling_sources`: other builds' `.go` files, assembly,
cgo), which rules such as `unused` read. An unchanged
package re-checks without parsing; editing one file re-checks only its package.

Entries are JSON files written atomically (temp file + rename) so concurrent runs never see
half an entry; an entry that does not decode is treated as a miss and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from analyzer import ENGINE_VERSION
from analyzer.api.diagnostics import Diagnostic
from analyzer.api.rule import Rule

CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    env = os.environ.get("GOCHECK_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("gocheck")) / "results"


def ruleset_fingerprint(rules: Sequence[Rule], extra: Iterable[str] = ()) -> str:
    """Everything about the rule set that can change a result: each rule's fields, the
    source of its pack (every module beside it and `pack.toml`, so the pack's version and
    shared helpers count), values a declarative rule closes over (message, fix), and the
    engine's own source (scope, CFG, suppression... a fix there must not replay stale
    results even when ENGINE_VERSION was not bumped)."""
    h = hashlib.sha256(f"engine={ENGINE_VERSION};format={CACHE_FORMAT}".encode())
    h.update(_engine_digest())
    seen_dirs: set[Path] = set()
    for rule in sorted(rules, key=lambda r: r.name):
        h.update(
            f"\0{rule.name}\0{rule.pack}\0{rule.severity}\0{rule.query or ''}\0{rule.go_versions}"
            f"\0{rule.enabled_by_default}\0{getattr(rule.run, '__module__', '')}".encode()
        )
        for cell in getattr(rule.run, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # empty cell
                continue
            if value is None or isinstance(value, (str, int, float, bool, tuple)):
                h.update(b"\0" + repr(value).encode())
        try:
            source_file = inspect.getsourcefile(rule.run)
        except TypeError:
            source_file = None
        if source_file:
            directory = Path(source_file).resolve().parent
            if directory not in seen_dirs:
                seen_dirs.add(directory)
                h.update(_directory_digest(directory))
    for item in extra:
        h.update(b"\0" + item.encode())
    return h.hexdigest()


def _directory_digest(directory: Path) -> bytes:
    h = hashlib.sha256(str(directory).encode())
    for path in sorted([*directory.glob("*.py"), *directory.glob("*.toml")]):
        try:
            h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            h.update(b"\0" + path.name.encode())
    return h.digest()


@functools.lru_cache(maxsize=1)
def _engine_digest() -> bytes:
    root = Path(__file__).resolve().parents[1]  # the whole analyzer package
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        try:
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        except OSError:
            pass
    return h.digest()


SIBLING_SUFFIXES = (".go", ".s", ".c", ".h")


def sibling_sources(directory: Path, checked: Iterable[str]) -> list[tuple[str, bytes]]:
    """The directory's source files that are not among the `checked` paths (a `_windows.go`
    file on Linux, `//go:build ignore` files, `.s`, `.c`, `.h`), as ("sibling:NAME", content)
    items for `ResultCache.key`: rules read them (`unused` counts the names they use), so
    a change in one of them alone must not replay the old result. A file that cannot be
    read counts by its name."""
    names = {os.path.basename(p) for p in checked}
    out: list[tuple[str, bytes]] = []
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        if entry.name in names or not entry.name.endswith(SIBLING_SUFFIXES):
            continue
        try:
            if not entry.is_file():
                continue
            with open(entry.path, "rb") as fh:
                data = fh.read()
        except OSError:
            data = b"\0unreadable"
        out.append(("sibling:" + os.fsdecode(entry.name), data))
    return out


@dataclass(frozen=True)
class CacheStatus:
    directory: Path
    entries: int
    bytes: int


class ResultCache:
    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()

    @staticmethod
    def key(fingerprint: str, directory: str, files: Iterable[tuple[str, bytes]]) -> str:
        # File names need not be UTF-8: os.fsdecode gives them lone surrogates; keep the bytes.
        h = hashlib.sha256(f"{fingerprint}\0{directory}".encode("utf-8", "surrogateescape"))
        for path, data in sorted(files):
            h.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            with open(self._path(key), "rb") as fh:
                entry = json.load(fh)
            if entry.get("format") != CACHE_FORMAT or entry.get("key") != key:
                return None
            entry["diagnostics"] = [Diagnostic.from_dict(d) for d in entry["diagnostics"]]
            return entry
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or corrupt: a miss; the next put rewrites it

    def put(self, key: str, diagnostics: Sequence[Diagnostic], **extra) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"format": CACHE_FORMAT, "key": key, "diagnostics": [d.to_dict() for d in diagnostics], **extra}
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w") as fh:
                json.dump(payload, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs speed

    def status(self) -> CacheStatus:
        entries = size = 0
        if self.directory.is_dir():
            for p in self.directory.rglob("*.json"):
                if not p.name.startswith(".tmp-"):
                    entries += 1
                    size += p.stat().st_size
        return CacheStatus(self.directory, entries, size)

    def clean(self) -> int:
        count = self.status().entries
        if self.directory.is_dir():
            shutil.rmtree(self.directory, ignore_errors=True)
        return count
