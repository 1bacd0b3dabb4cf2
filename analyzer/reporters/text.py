"""`path:line:col: severity: message (rule)`, then the source line and a caret, then one
indented `path:line:col: note: message` line per related location (where a nil comes from,
which line returns it), in the order a reader follows them.

Tabs in the source line are kept in the caret line so the caret sits under the column in
any terminal or editor; colour only when asked (the CLI asks on a terminal without
NO_COLOR). File names, messages and source lines come from the checked tree, so control
characters in them are shown as escapes (`reporters.terminal_safe`), never sent raw."""

from __future__ import annotations

from typing import IO

from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.reporters import Report, terminal_safe

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _GREEN, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[32m", "\x1b[0m"
_MAX_LINE = 400  # a minified line is shown cut, with the caret still right when it fits


def write(report: Report, out: IO[str]) -> None:
    color = report.color
    for d in report.diagnostics:
        sev = str(d.severity)
        where = terminal_safe(f"{d.path}:{d.line}:{d.column}") if d.path else "gocheck"  # a finding about no file
        message, rule = terminal_safe(d.message), terminal_safe(d.rule)
        if color:
            out.write(f"{_BOLD}{where}{_RESET}: {_COLORS[d.severity]}{sev}{_RESET}: {message} {_DIM}({rule}){_RESET}\n")
        else:
            out.write(f"{where}: {sev}: {message} ({rule})\n")
        _write_source_line(report, d, out)
        for r in d.related:
            at = terminal_safe(f"{r.location.path}:{r.location.line}:{r.location.column}")
            note = terminal_safe(r.message)
            out.write(f"    {_BOLD}{at}{_RESET}: {_DIM}note{_RESET}: {note}\n" if color else f"    {at}: note: {note}\n")


def _write_source_line(report: Report, d: Diagnostic, out: IO[str]) -> None:
    """The finding's source line with a caret (and `~`) under its span."""
    color = report.color
    raw = report.line_text(d.path, d.line)
    if not raw.strip():
        return
    prefix = terminal_safe(raw[: max(d.column - 1, 0)].decode("utf-8", "replace"), keep="\t")
    line = terminal_safe(raw.decode("utf-8", "replace"), keep="\t")
    if len(prefix) > _MAX_LINE:
        return
    line = line[:_MAX_LINE] + (" ..." if len(line) > _MAX_LINE else "")
    caret = "".join("\t" if ch == "\t" else " " for ch in prefix) + "^"
    if d.end_line == d.line and d.end_column > d.column + 1:
        width = len(terminal_safe(raw[d.column - 1 : d.end_column - 1].decode("utf-8", "replace"), keep="\t"))
        caret += "~" * max(0, min(width, _MAX_LINE - len(prefix)) - 1)
    if color:
        caret = f"{_GREEN}{caret}{_RESET}"
    out.write(f"    {line}\n    {caret}\n")
