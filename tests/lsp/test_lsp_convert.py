"""Engine values -> LSP values: severities, docs links, the //nolint edit, fixAll."""

from __future__ import annotations

from lsprotocol import types

from analyzer.api.diagnostics import Diagnostic, Edit, Fix, Severity
from analyzer.golang.source import GoFile
from lsp.convert import lsp_diagnostic, nolint_edit, safe_fix_edits

SOURCE = b"""package p

func f() {
\tx := 1
\tx = x
\tx = x // keep
\tx = x //nolint:other // why
\tx = x //nolint
\tx = x //nolint:selfassign
\tx = x /* block */
}
"""


def suppressed_line(line: int) -> bytes | None:
    file = GoFile.parse("p.go", SOURCE)
    edit = nolint_edit(file, "selfassign", line)
    if edit is None:
        return None
    out = SOURCE[: edit.start] + edit.new_text.encode() + SOURCE[edit.end :]
    return out.split(b"\n")[line]


def test_nolint_edit_in_each_situation():
    assert suppressed_line(4) == b"\tx = x //nolint:selfassign"
    assert suppressed_line(5) == b"\tx = x //nolint:selfassign // keep"
    assert suppressed_line(6) == b"\tx = x //nolint:other,selfassign // why"
    assert suppressed_line(7) is None  # a bare //nolint already covers every rule
    assert suppressed_line(8) is None  # already named
    assert suppressed_line(9) == b"\tx = x /* block */ //nolint:selfassign"


def diag(rule: str, severity: Severity, start: int, end: int, fixes=()) -> Diagnostic:
    return Diagnostic(rule, severity, "p.go", 1, 1, 1, 1, start, end, "m", tuple(fixes))


def test_severity_code_and_docs_link():
    file = GoFile.parse("p.go", SOURCE)
    info = lsp_diagnostic(diag("acme/pack/rule", Severity.INFO, 0, 7), file.lines)
    assert info.severity == types.DiagnosticSeverity.Information
    assert info.code == "acme/pack/rule"
    assert info.code_description.href == "https://rulehub.dev/rules/acme/pack/rule"
    assert info.source == "gocheck"
    assert lsp_diagnostic(diag("x", Severity.ERROR, 0, 1), file.lines).severity == types.DiagnosticSeverity.Error


def test_fix_all_takes_safe_fixes_in_order_and_skips_overlaps():
    a = Fix("a", (Edit(10, 20, "A"),))
    overlapping = Fix("b", (Edit(15, 25, "B"),))
    unsafe = Fix("c", (Edit(30, 31, "C"),), safe=False)
    later = Fix("d", (Edit(40, 40, "D"), Edit(2, 3, "d")))
    edits = safe_fix_edits([diag("r", Severity.WARNING, 0, 1, [overlapping]), diag("r", Severity.WARNING, 0, 1, [a, unsafe]), diag("r", Severity.WARNING, 0, 1, [later])], size=100)
    assert edits == [Edit(2, 3, "d"), Edit(10, 20, "A"), Edit(40, 40, "D")]
