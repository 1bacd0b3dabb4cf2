"""`{"version": 1, "diagnostics": [...]}`, each finding as `Diagnostic.to_dict()`."""

from __future__ import annotations

import json
from typing import IO

from analyzer.reporters import Report

VERSION = 1


def write(report: Report, out: IO[str]) -> None:
    json.dump({"version": VERSION, "diagnostics": [d.to_dict() for d in report.diagnostics]}, out, indent=2)
    out.write("\n")
