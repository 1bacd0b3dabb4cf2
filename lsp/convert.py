"""Engine values -> LSP types: diagnostics, fixes as text edits, the `//nolint` edit.

Everything here works on byte offsets (the engine's unit) and converts at the edge with
`lsp.positions`, in the position encoding negotiated with the client.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from lsprotocol import types

from analyzer.api.diagnostics import Diagnostic, Edit, Fix, Related, Severity
from analyzer.api.rule import docs_url
from analyzer.fixes import compatible_edits
from analyzer.golang.source import GoFile, LineIndex
from lsp.positions import UTF16, offset_to_position

SOURCE = "gocheck"

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.gocheck"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def lsp_range(lines: LineIndex, start: int, end: int, encoding: str = UTF16) -> types.Range:
    sl, sc = offset_to_position(lines, start, encoding)
    el, ec = offset_to_position(lines, max(start, end), encoding)
    return types.Range(start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec))


def lsp_diagnostic(d: Diagnostic, lines: LineIndex, encoding: str = UTF16, files: Mapping[str, GoFile] | None = None, uri: str | None = None) -> types.Diagnostic:
    """`d` in LSP terms. Its related locations (where a nil comes from...) become
    `relatedInformation` when their file's text is known: `d`'s own file (`lines`, named by
    `uri`) or one of `files`, the package's files as checked; others are left out, since a
    range in text the engine did not see could point anywhere."""
    related = [info for info in (_related_information(r, d.path, lines, encoding, files, uri) for r in d.related) if info is not None]
    return types.Diagnostic(
        range=lsp_range(lines, d.start_byte, d.end_byte, encoding),
        message=d.message,
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.rule,
        code_description=types.CodeDescription(href=docs_url(d.rule)),
        source=SOURCE,
        related_information=related or None,
    )


def _related_information(
    r: Related, path: str, lines: LineIndex, encoding: str, files: Mapping[str, GoFile] | None, uri: str | None
) -> types.DiagnosticRelatedInformation | None:
    at = r.location
    if at.path == path:
        target_lines, target_uri = lines, uri or Path(path).as_uri()
    else:
        other = files.get(at.path) if files is not None else None
        if other is None or not os.path.isabs(at.path):
            return None
        target_lines, target_uri = other.lines, Path(at.path).as_uri()
    if at.end_byte > len(target_lines.source):
        return None
    return types.DiagnosticRelatedInformation(
        location=types.Location(uri=target_uri, range=lsp_range(target_lines, at.start_byte, at.end_byte, encoding)), message=r.message
    )


def text_edits(edits: Iterable[Edit], lines: LineIndex, encoding: str = UTF16) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(lines, e.start, e.end, encoding), new_text=e.new_text) for e in edits]


def workspace_edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def fix_action(uri: str, d: Diagnostic, fix: Fix, lines: LineIndex, encoding: str = UTF16) -> types.CodeAction:
    return types.CodeAction(
        title=f"{fix.message} ({d.rule})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp_diagnostic(d, lines, encoding)],
        edit=workspace_edit(uri, text_edits(fix.edits, lines, encoding)),
        is_preferred=fix.safe,
    )


# golangci-lint's directive: `//nolint`, `//nolint:a,b`, optionally followed by ` // reason`.
_NOLINT = re.compile(rb"//\s*nolint(?::([\w./-]+(?:\s*,\s*[\w./-]+)*))?")


def nolint_edit(file: GoFile, rule: str, line: int) -> Edit | None:
    """The edit that suppresses `rule` on 0-based `line`: extend the line's `//nolint:`
    list, or add `//nolint:RULE` (before an existing trailing comment, which then reads as
    the reason). None when the line already suppresses the rule or everything."""
    lines = file.lines
    start = lines.line_starts[line]
    text = lines.line_text(line)
    end = start + len(text)
    comment = _trailing_comment(file, start, end)
    if comment is not None:
        c_start, c_text = comment
        m = _NOLINT.match(c_text)
        if m is not None:
            names = [n.strip() for n in (m.group(1) or b"").decode().split(",") if n.strip()]
            if m.group(1) is None or rule in names:
                return None
            return Edit(c_start + m.end(1), c_start + m.end(1), f",{rule}")
        return Edit(c_start, c_start, f"//nolint:{rule} ")
    return Edit(end, end, f" //nolint:{rule}")


def _trailing_comment(file: GoFile, start: int, end: int) -> tuple[int, bytes] | None:
    """A `//` comment that ends `line` (start..end bytes), as (start byte, text)."""
    stripped = file.source[start:end].rstrip()
    if not stripped:
        return None
    last = start + len(stripped)
    node = file.root.descendant_for_byte_range(last - 1, last)
    if node is None or node.type != "comment" or node.start_byte < start:
        return None
    text = file.source[node.start_byte : node.end_byte]
    if not text.startswith(b"//"):
        return None
    return node.start_byte, text


def suppress_action(uri: str, d: Diagnostic, file: GoFile, encoding: str = UTF16) -> types.CodeAction | None:
    line = file.lines.position(d.start_byte)[0]
    edit = nolint_edit(file, d.rule, line)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Suppress with //nolint:{d.rule}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp_diagnostic(d, file.lines, encoding)],
        edit=workspace_edit(uri, text_edits([edit], file.lines, encoding)),
    )


def safe_fix_edits(diagnostics: Sequence[Diagnostic], size: int) -> list[Edit]:
    """Edits of every safe fix in a file of `size` bytes, as `gocheck --fix` chooses them:
    in source order, leaving out fixes that overlap one already taken (the next run offers
    them again)."""
    return compatible_edits([f for d in diagnostics for f in d.fixes if f.safe and f.edits], size)[0]
