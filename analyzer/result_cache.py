"""On-disk cache of per-package results, keyed by everything that decides them.

Key = sha256 of: engine version, the rule-set fingerprint (rule names, packs and their
versions, severities, queries and the source of each rule's module), the run options that
change results, the package directory, and each file's path and content hash. An unchanged
package re-checks without parsing; editing one file re-checks only its package.

Entries are JSON files written atomically (temp file + rename) so concurrent runs never see
half an entry; an entry that does not decode is treated as a miss and rewritten.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import platformdirs

from analyzer import ENGINE_VERSION
from analyzer.diagnostics import Diagnostic
from analyzer.rule import Rule

CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    env = os.environ.get("GOCHECK_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("gocheck")) / "results"


def ruleset_fingerprint(rules: Sequence[Rule], extra: Iterable[str] = ()) -> str:
    h = hashlib.sha256(f"engine={ENGINE_VERSION};format={CACHE_FORMAT}".encode())
    seen_files: set[str] = set()
    for rule in sorted(rules, key=lambda r: r.name):
        h.update(f"\0{rule.name}\0{rule.pack}\0{rule.severity}\0{rule.query or ''}\0{rule.go_versions}".encode())
        try:
            source_file = inspect.getsourcefile(rule.run)
        except TypeError:
            source_file = None
        if source_file and source_file not in seen_files:
            seen_files.add(source_file)
            try:
                h.update(Path(source_file).read_bytes())
            except OSError:
                h.update(source_file.encode())
    for item in extra:
        h.update(b"\0" + item.encode())
    return h.hexdigest()


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
        h = hashlib.sha256(f"{fingerprint}\0{directory}".encode())
        for path, data in sorted(files):
            h.update(b"\0" + path.encode() + b"\0" + hashlib.sha256(data).digest())
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
