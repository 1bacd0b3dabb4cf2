"""Changes on disk that a check depends on, found by polling (no client file watchers needed).

Besides the open buffers, a check reads: `.gocheck.toml` (found from the workspace root
upwards), `gocheck.lock`, the `go.mod` governing each open document, and the `.go` files
next to each open document. `DiskWatch.poll` stats exactly those (a few dozen `stat`s and
one directory listing per package) and says what changed since the previous poll. Files
that are open are left out: their buffers stand in for them.

Neovim 0.11's default client does not let servers register file watchers, so the server
polls on a timer and on save; with watchers (`workspace/didChangeWatchedFiles`) it still
polls on save.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lsp.workspace_rules import CONFIG_FILE, LOCK_FILE

Stamp = tuple[int, int] | None  # (mtime_ns, size), None when missing


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@dataclass
class DiskChanges:
    rules: bool = False  # .gocheck.toml or gocheck.lock
    go_mod: bool = False
    directories: set[str] = field(default_factory=set)  # a .go file there changed, came or went

    def __bool__(self) -> bool:
        return self.rules or self.go_mod or bool(self.directories)


def rules_files(root: Path | None) -> list[str]:
    """The config and lock files the workspace's rules come from (missing ones included, so
    creating one counts as a change)."""
    if root is None:
        return []
    found = [str(d / CONFIG_FILE) for d in (root, *root.parents)]
    return [*found, str(root / LOCK_FILE)]


def go_mod_files(directory: str) -> list[str]:
    """`go.mod` candidates from `directory` up to the first that exists."""
    out = []
    for d in (Path(directory), *Path(directory).parents):
        candidate = str(d / "go.mod")
        out.append(candidate)
        if os.path.exists(candidate):
            break
    return out


def go_files(directory: str) -> dict[str, Stamp]:
    try:
        names = [n for n in os.listdir(directory) if n.endswith(".go")]
    except OSError:
        return {}
    return {os.path.join(directory, n): stamp(os.path.join(directory, n)) for n in names}


class DiskWatch:
    def __init__(self) -> None:
        self._files: dict[str, Stamp] = {}  # config, lock, go.mod candidates
        self._directories: dict[str, dict[str, Stamp]] = {}

    def poll(self, root: Path | None, open_paths: Iterable[str]) -> DiskChanges:
        """What changed since the last poll. The first poll of a file or directory only
        records it."""
        open_set = set(open_paths)
        changes = DiskChanges()
        directories = {os.path.dirname(p) for p in open_set}
        for path in rules_files(root):
            changes.rules |= self._changed(path)
        for path in {m for d in directories for m in go_mod_files(d)}:
            changes.go_mod |= self._changed(path)
        for directory in directories:
            now = go_files(directory)
            before = self._directories.get(directory)
            self._directories[directory] = now
            if before is not None and any(before.get(p) != now.get(p) for p in before.keys() | now.keys() if p not in open_set):
                changes.directories.add(directory)
        for gone in [d for d in self._directories if d not in directories]:
            del self._directories[gone]
        return changes

    def _changed(self, path: str) -> bool:
        now = stamp(path)
        if path not in self._files:
            self._files[path] = now
            return False
        before, self._files[path] = self._files[path], now
        return before != now
