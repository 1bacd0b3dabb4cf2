"""A baseline file: findings accepted as they are, so CI fails only on new ones.

`--write-baseline FILE` records the current findings; `--baseline FILE` hides findings that
match a record. A record is rule + path + the finding's line text (whitespace-normalized) +
occurrence (analyzer.pipeline.fingerprint), never a line number, so a finding stays baselined when
lines above it are added or removed, and comes back when its own line changes. Paths are
stored relative to the baseline file's directory, so the file works from any directory.

    {"version": 1, "findings": [{"rule": "selfassign", "path": "pkg/a.go",
                                  "line_text": "x = x", "occurrence": 0, "message": "..."}]}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.api.diagnostics import Diagnostic
from analyzer.pipeline.fingerprint import keyed
from analyzer.safe_files import SkippedFile, read_tree_file, replace_file

VERSION = 1
MAX_BASELINE_BYTES = 256 * 1024 * 1024  # about a million findings


class BaselineError(Exception):
    """A baseline file that cannot be read or written; exit code 2."""


@dataclass(frozen=True)
class Baseline:
    directory: Path
    keys: frozenset[tuple[str, str, str, int]]

    def filter(self, diagnostics: Iterable[Diagnostic], line_text: Callable[[Diagnostic], bytes], cwd: Path) -> tuple[list[Diagnostic], list[Diagnostic]]:
        """(new findings, baselined findings)."""
        new: list[Diagnostic] = []
        known: list[Diagnostic] = []
        ordered = sorted(diagnostics, key=Diagnostic.sort_key)
        for d, key in keyed(ordered, line_text, lambda p: _relative(p, cwd, self.directory)):
            (known if key in self.keys and d.rule != INTERNAL.name else new).append(d)
        return new, known


def _relative(path: str, cwd: Path, directory: Path) -> str:
    full = os.path.realpath(path if os.path.isabs(path) else os.path.join(cwd, path))
    return os.path.relpath(full, directory).replace(os.sep, "/")


def load_baseline(path: Path) -> Baseline:
    try:
        doc = json.loads(read_tree_file(path, max_bytes=MAX_BASELINE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file; create it with --write-baseline {path}") from None
    except (OSError, SkippedFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"--baseline {path}: not a gocheck baseline ({exc}); recreate it with --write-baseline") from None
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"--baseline {path}: not a version {VERSION} gocheck baseline; recreate it with --write-baseline")
    keys = set()
    for i, f in enumerate(doc["findings"]):
        try:
            keys.add((str(f["rule"]), str(f["path"]), str(f["line_text"]), int(f.get("occurrence", 0))))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"--baseline {path}: finding {i} lacks rule, path or line_text; recreate the file with --write-baseline") from None
    return Baseline(path.resolve().parent, frozenset(keys))


def write_baseline(path: Path, diagnostics: Iterable[Diagnostic], line_text: Callable[[Diagnostic], bytes], cwd: Path) -> int:
    """Record every finding but `internal` ones; returns how many."""
    directory = path.resolve().parent
    ordered = sorted((d for d in diagnostics if d.rule != INTERNAL.name), key=Diagnostic.sort_key)
    findings = [
        {"rule": key[0], "path": key[1], "line_text": key[2], "occurrence": key[3], "message": d.message}
        for d, key in keyed(ordered, line_text, lambda p: _relative(p, cwd, directory))
    ]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": VERSION, "findings": findings}, indent=2) + "\n"  # ASCII: file names need not be UTF-8
        replace_file(path, lambda fh: fh.write(text))  # a committed symlink at `path` is replaced, not written through
    except OSError as exc:
        raise BaselineError(f"--write-baseline {path}: cannot write: {exc.strerror or exc}") from None
    return len(findings)
