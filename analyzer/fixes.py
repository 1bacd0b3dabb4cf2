"""`gocheck --fix` / `--diff`: apply the safe fixes of a check's findings to the files.

Only `safe` fixes are applied (the ones the editor's "fix all" applies). A fix whose edits
overlap an edit already taken, overlap each other or fall outside the file is left out:
the next pass offers it again on the changed text. Files are replaced atomically (a
temporary file in the same directory, then `os.replace`), keeping their permission bits.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from analyzer.api.diagnostics import Diagnostic, Edit, Fix


@dataclass
class FixPlan:
    """New contents per path, and how many fixes went into them or were left out."""

    new_sources: dict[str, bytes] = field(default_factory=dict)
    applied: int = 0
    skipped: int = 0


def _well_formed(fix: Fix, size: int) -> bool:
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    if any(not 0 <= e.start <= e.end <= size for e in edits):
        return False
    return all(a.end <= b.start and (a.start, a.end) != (b.start, b.end) for a, b in zip(edits, edits[1:]))


def _overlaps(edit: Edit, taken: Sequence[Edit]) -> bool:
    # Two insertions at one offset conflict too: their order would be a guess.
    return any(edit.start < t.end and t.start < edit.end or (edit.start, edit.end) == (t.start, t.end) for t in taken)


def plan_fixes(diagnostics: Sequence[Diagnostic], sources: Mapping[str, bytes]) -> FixPlan:
    """Choose the safe fixes to apply, file by file, in source order, and the new texts."""
    plan = FixPlan()
    by_path: dict[str, list[Fix]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).extend(f for f in d.fixes if f.safe and f.edits)
    for path, fixes in sorted(by_path.items()):
        try:
            text = sources[path]
        except KeyError:  # a file gocheck could not read back: leave it alone
            plan.skipped += len(fixes)
            continue
        taken, applied = compatible_edits(fixes, len(text))
        plan.applied += applied
        plan.skipped += len(fixes) - applied
        if taken:
            plan.new_sources[path] = _apply(text, taken)
    return plan


def compatible_edits(fixes: Sequence[Fix], size: int) -> tuple[list[Edit], int]:
    """The edits of one file's fixes that can be applied together, in source order, and how
    many fixes they come from: a fix that is malformed or overlaps one taken before it is
    left out (the next pass offers it again). `--fix` and the editor's "fix all" share it."""
    taken: list[Edit] = []
    applied = 0
    for fix in sorted(fixes, key=lambda f: min((e.start, e.end) for e in f.edits)):
        if not _well_formed(fix, size) or any(_overlaps(e, taken) for e in fix.edits):
            continue
        taken.extend(fix.edits)
        applied += 1
    taken.sort(key=lambda e: (e.start, e.end))
    return taken, applied


def _apply(text: bytes, edits: list[Edit]) -> bytes:
    out, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out += [text[position:edit.start], edit.new_text.encode("utf-8")]
        position = edit.end
    out.append(text[position:])
    return b"".join(out)


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """The change as `diff -u` shows it (a/ and b/ prefixes, like git)."""
    lines = difflib.unified_diff(
        old.decode("utf-8", "surrogateescape").splitlines(keepends=True),
        new.decode("utf-8", "surrogateescape").splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def write_atomically(path: str, data: bytes) -> None:
    """Replace `path` with `data`: readers see the old file or the new one, never half."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=".gocheck-fix-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
