"""GitHub Actions workflow commands: one `::error file=...,line=...::message` per finding,
shown as annotations on the pull request's diff.

Escaping follows the runner's rules: in the message `%`, `\\r`, `\\n`; in property values
also `:` and `,`. Control characters from file names and messages are first shown as
escapes (`reporters.terminal_safe`): the log viewer renders ANSI sequences."""

from __future__ import annotations

from typing import IO

from analyzer.api.diagnostics import Severity
from analyzer.reporters import Report, terminal_safe

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return terminal_safe(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: IO[str]) -> None:
    for d in report.diagnostics:
        path = report.repo_path(d.path) or d.path
        props = [f"file={escape_property(path)}", f"line={d.line}", f"col={d.column}"]
        if (d.end_line, d.end_column) > (d.line, d.column):
            props += [f"endLine={d.end_line}", f"endColumn={d.end_column}"]
        props.append(f"title={escape_property(d.rule)}")
        out.write(f"::{_LEVELS[d.severity]} {','.join(props)}::{escape_data(d.message)}\n")
