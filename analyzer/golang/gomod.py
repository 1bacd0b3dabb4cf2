"""go.mod facts the engine needs: the module path and the `go` language version."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from analyzer.safe_files import SkippedFile, read_tree_file

MAX_GOMOD_BYTES = 1024 * 1024  # real ones are kilobytes (traefik: 21 KB)

_GO_LINE = re.compile(r"^go\s+(\d+)\.(\d+)", re.MULTILINE)
_MODULE_LINE = re.compile(r"^module\s+(\S+)", re.MULTILINE)


@dataclass(frozen=True)
class GoModule:
    root: Path
    path: str
    go_version: tuple[int, int] | None


def parse_go_version(text: str) -> tuple[int, int]:
    """'1.21', '1.21.3', 'go1.21' -> (1, 21); raises ValueError with a readable message."""
    m = re.fullmatch(r"(?:go)?(\d+)\.(\d+)(?:\.\d+)?(?:rc\d+|beta\d+)?", text.strip())
    if not m:
        raise ValueError(f"invalid Go version {text!r}: write it like 1.21")
    return int(m.group(1)), int(m.group(2))


class ModuleFinder:
    """Which go.mod governs a directory. Where it is (the walk up) is remembered; its facts are
    re-read whenever the file's modification time or size changes, and a remembered go.mod that
    is gone sends the walk up again, so a long-lived process (the language server) sees an edited
    `go` line. `forget()` drops everything (a go.mod created below a remembered one)."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}  # directory -> the directory holding its go.mod
        self._modules: dict[Path, tuple[tuple[int, int] | None, GoModule]] = {}  # root -> (stamp, facts)

    def find(self, directory: Path) -> GoModule | None:
        directory = directory.resolve()
        root = self._roots.get(directory)
        if directory not in self._roots or (root is not None and not os.path.exists(root / "go.mod")):
            root = self._walk_up(directory)
        return None if root is None else self._module(root)

    def forget(self) -> None:
        self._roots.clear()
        self._modules.clear()

    def _walk_up(self, directory: Path) -> Path | None:
        seen: list[Path] = []
        root: Path | None = None
        for d in [directory, *directory.parents]:
            seen.append(d)
            if os.path.exists(d / "go.mod"):  # False, not an error, in a directory that cannot be searched
                root = d
                break
        for d in seen:
            self._roots[d] = root
        return root

    def _module(self, root: Path) -> GoModule:
        gomod = root / "go.mod"
        try:
            st = os.stat(gomod)
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        cached = self._modules.get(root)
        if cached is not None and stamp is not None and cached[0] == stamp:
            return cached[1]
        try:  # a go.mod that is a FIFO, a device or huge must not hang or exhaust the run
            text = read_tree_file(gomod, max_bytes=MAX_GOMOD_BYTES).decode("utf-8", "replace")
        except (OSError, SkippedFile):
            text = ""  # the module is here; its facts are unknown (defaults apply)
        m = _GO_LINE.search(text)
        mod = _MODULE_LINE.search(text)
        module = GoModule(root, mod.group(1) if mod else "", (int(m.group(1)), int(m.group(2))) if m else None)
        self._modules[root] = (stamp, module)
        return module


MODULES = ModuleFinder()


def find_module(directory: Path) -> GoModule | None:
    """The go.mod governing `directory` (searched upward), or None; see ModuleFinder."""
    return MODULES.find(directory)
