"""A progress bar and a one-line summary on stderr, for people at a terminal only.

Shown when stderr is a terminal, `CI` is not set and `GOCHECK_NO_PROGRESS` is not set; the
bar appears only once a run has taken over a second, and is erased before results print.
Nothing is written otherwise, so piped output and CI logs stay clean."""

from __future__ import annotations

import os
import shutil
import time
from typing import IO


def interactive(stream: IO[str], environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("GOCHECK_NO_PROGRESS", "") not in ("", "0") or env.get("CI", "") not in ("", "0", "false"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """`update(done, total)` is `check_patterns`' progress callback."""

    def __init__(self, stream: IO[str], delay: float = 1.0, clock=time.monotonic) -> None:
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.shown = False
        self._last_draw = 0.0

    def update(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.shown and now - self._last_draw < 0.1 and done < total:
            return  # redraw at most ten times a second
        self._last_draw = now
        self.shown = True
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r\x1b[2Kchecking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} packages")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False

    def elapsed(self) -> float:
        return self.clock() - self.started


def summary_line(files: int, packages: int, findings: int, seconds: float, suppressed: int = 0, baselined: int = 0) -> str:
    parts = [f"{files} file{'s' if files != 1 else ''} in {packages} package{'s' if packages != 1 else ''}"]
    found = f"{findings} finding{'s' if findings != 1 else ''}"
    hidden = []
    if suppressed:
        hidden.append(f"{suppressed} suppressed")
    if baselined:
        hidden.append(f"{baselined} in the baseline")
    if hidden:
        found += f" ({', '.join(hidden)})"
    return f"gocheck: {parts[0]}, {found}, {seconds:.1f}s"
