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


def find_module(directory: Path, _cache: dict[Path, GoModule | None] = {}) -> GoModule | None:
    """The go.mod governing `directory` (searched upward), or None."""
    directory = directory.resolve()
    seen: list[Path] = []
    found: GoModule | None = None
    for d in [directory, *directory.parents]:
        if d in _cache:
            found = _cache[d]
            break
        seen.append(d)
        gomod = d / "go.mod"
        if os.path.exists(gomod):  # False, not an error, in a directory that cannot be searched
            try:  # a go.mod that is a FIFO, a device or huge must not hang or exhaust the run
                text = read_tree_file(gomod, max_bytes=MAX_GOMOD_BYTES).decode("utf-8", "replace")
            except (OSError, SkippedFile):
                text = ""  # the module is here; its facts are unknown (defaults apply)
            m = _GO_LINE.search(text)
            mod = _MODULE_LINE.search(text)
            found = GoModule(d, mod.group(1) if mod else "", (int(m.group(1)), int(m.group(2))) if m else None)
            break
    for d in seen:
        _cache[d] = found
    return found
