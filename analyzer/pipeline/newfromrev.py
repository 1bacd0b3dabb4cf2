"""`--new-from-rev REV`: keep only findings on lines added or changed since REV.

The changed lines come from `git diff --unified=0 REV` (REV against the work tree, so
uncommitted edits count as new, as in golangci-lint); files git does not track yet are new
in full. Findings with no line of their own (`internal`) are always kept."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.api.diagnostics import Diagnostic

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class NewFromRevError(Exception):
    """The revision cannot be used (not a git work tree, unknown revision); exit code 2."""


@dataclass
class ChangedLines:
    root: Path  # the git work tree's top directory
    lines: dict[str, set[int]] = field(default_factory=dict)  # repo-relative path -> 1-based lines
    new_files: set[str] = field(default_factory=set)  # untracked: every line is new

    def is_new(self, path: str, line: int, cwd: Path) -> bool:
        rel = self._relative(path, cwd)
        if rel is None:
            return False
        return rel in self.new_files or line in self.lines.get(rel, ())

    def _relative(self, path: str, cwd: Path) -> str | None:
        full = os.path.realpath(path if os.path.isabs(path) else os.path.join(cwd, path))
        try:
            return Path(full).relative_to(self.root).as_posix()
        except ValueError:
            return None


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=300)
    except FileNotFoundError:
        raise NewFromRevError("--new-from-rev needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise NewFromRevError(f"git {' '.join(args)} took over 300s; try a closer revision") from None


def changed_lines(rev: str, cwd: Path) -> ChangedLines:
    """Lines added or changed since `rev` in the git work tree containing `cwd`."""
    if not rev or rev.startswith("-"):
        raise NewFromRevError(f"--new-from-rev {rev!r}: name a commit, branch or tag, e.g. --new-from-rev origin/main")
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise NewFromRevError(f"--new-from-rev: {cwd} is not inside a git work tree")
    root = Path(top.stdout.decode().strip()).resolve()
    verify = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if verify.returncode != 0:
        raise NewFromRevError(f"--new-from-rev {rev}: no such commit in {root}; check the name (and fetch it in CI: actions/checkout with fetch-depth: 0)")
    commit = verify.stdout.decode().strip()
    diff = _git(["-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff", "--find-renames", commit, "--"], root)
    if diff.returncode != 0:
        raise NewFromRevError(f"--new-from-rev {rev}: git diff failed: {diff.stderr.decode('utf-8', 'replace').strip()}")
    result = ChangedLines(root)
    result.lines = parse_unified_diff(diff.stdout.decode("utf-8", "surrogateescape"))
    untracked = _git(["-c", "core.quotePath=false", "ls-files", "--others", "--exclude-standard", "--full-name", "-z"], root)
    if untracked.returncode == 0:
        result.new_files = {p for p in untracked.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
    return result


def parse_unified_diff(text: str) -> dict[str, set[int]]:
    """repo-relative path -> added or changed lines (new-file numbering) of a `-U0` diff."""
    out: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            if target == "/dev/null":
                current = None
            else:
                if target.startswith('"') and target.endswith('"'):
                    target = target[1:-1]
                current = out.setdefault(target[2:] if target.startswith("b/") else target, set())
            continue
        m = _HUNK.match(line)
        if m and current is not None:
            start = int(m.group(1))
            count = 1 if m.group(2) is None else int(m.group(2))
            current.update(range(start, start + count))
    return out


def filter_new(diagnostics: Iterable[Diagnostic], changed: ChangedLines, cwd: Path) -> list[Diagnostic]:
    return [d for d in diagnostics if d.rule == INTERNAL.name or changed.is_new(d.path, d.line, cwd)]
