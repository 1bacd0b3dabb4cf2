"""GitLab code quality: the Code Climate JSON subset GitLab reads from a `codequality`
report artifact (docs.gitlab.com, "Code Quality", "Implement a custom tool"): an array of
{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}.

Paths are relative to the repository root (GitLab matches them against the merge
request's changed files); fingerprints are the line-shift-proof ones SARIF and the baseline
use, so GitLab sees a finding as the same one after unrelated edits.
"""

from __future__ import annotations

import json
from typing import IO

from analyzer.api.diagnostics import Severity
from analyzer.pipeline.fingerprint import digest, keyed
from analyzer.reporters import Report

# GitLab's severities: info, minor, major, critical, blocker.
SEVERITY = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def write(report: Report, out: IO[str]) -> None:
    issues = []
    for d, key in keyed(report.diagnostics, lambda d: report.line_text(d.path, d.line), lambda p: report.repo_path(p) or p):
        issues.append({
            "description": d.message,
            "check_name": d.rule,
            "fingerprint": digest(key),
            "severity": SEVERITY[d.severity],
            "location": {"path": report.repo_path(d.path) or d.path, "lines": {"begin": d.line, "end": d.end_line}},
        })
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")
