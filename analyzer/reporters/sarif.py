"""SARIF 2.1.0, as GitHub code scanning reads it.

- `tool.driver.rules`: every rule of the run with its docs (summary, full text as
  markdown help), a help URI, tags and its default level.
- results: rule id and index, level, message, a location relative to the repository root
  (`uriBaseId` `%SRCROOT%`), a region with 1-based lines and UTF-16 columns (SARIF's
  default column kind; gocheck counts bytes internally), fixes as artifact changes.
- `partialFingerprints["gocheck/v1"]`: rule + path + whitespace-normalized line text +
  occurrence (analyzer.pipeline.fingerprint), so a finding keeps its identity when lines above it
  move and GitHub does not reopen alerts on every push.
- related locations (`Diagnostic.related`, e.g. where a nil comes from and which line returns
  it) as `relatedLocations`, and the same steps followed by the finding itself as one
  `codeFlows` thread flow, which code scanning shows as the path to the finding.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any
from urllib.parse import quote

from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.api.diagnostics import Diagnostic, Location, Severity
from analyzer.pipeline.fingerprint import digest, keyed
from analyzer.reporters import Report
from analyzer.api.rule import Rule, docs_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "gocheck/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def write(report: Report, out: IO[str]) -> None:
    json.dump(build(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def build(report: Report) -> dict:
    rules: dict[str, Rule] = dict(sorted(report.rules.items()))
    for d in report.diagnostics:
        rules.setdefault(d.rule, Rule(name=d.rule, summary=d.rule, run=lambda p: None, severity=d.severity))
    index = {name: i for i, name in enumerate(rules)}
    results = []
    for d, key in keyed(report.diagnostics, lambda d: report.line_text(d.path, d.line), lambda p: report.repo_path(p) or p):
        results.append(_result(report, d, index[d.rule], digest(key)))
    run = {
        "tool": {
            "driver": {
                "name": "gocheck",
                "semanticVersion": report.tool_version,
                "version": report.tool_version,
                "informationUri": "https://rulehub.dev",
                "rules": [_descriptor(rule) for rule in rules.values()],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": report.repo_root.as_uri() + "/"}},
        "columnKind": "utf16CodeUnits",
        "invocations": [{"executionSuccessful": not any(d.rule == INTERNAL.name for d in report.diagnostics)}],
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _descriptor(rule: Rule) -> dict:
    docs = rule.docs()
    markdown = docs.markdown(rule.name)
    full = docs.sections.get("What it does") or docs.summary or rule.summary
    descriptor: dict[str, Any] = {
        "id": rule.name,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.summary or docs.summary or rule.name},
        "fullDescription": {"text": full},
        "help": {"text": markdown, "markdown": markdown},
        "helpUri": docs_url(rule.name),
        "defaultConfiguration": {"level": _LEVELS[rule.severity], "enabled": rule.enabled_by_default},
        "properties": {"tags": list(rule.tags)},
    }
    if rule.equivalents:
        descriptor["properties"]["equivalents"] = list(rule.equivalents)
    return descriptor


def _result(report: Report, d: Diagnostic, rule_index: int, fingerprint: str) -> dict:
    result: dict = {
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[d.severity],
        "message": {"text": d.message},
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    artifact = _artifact(report, d.path)
    if artifact is not None:
        result["locations"] = [{"physicalLocation": _physical(report, d.location)}]
        related = [r for r in d.related if r.location.path]
        if related:
            result["relatedLocations"] = [
                {"id": i, "physicalLocation": _physical(report, r.location), "message": {"text": r.message}} for i, r in enumerate(related, 1)
            ]
            steps = [{"location": {"physicalLocation": _physical(report, r.location), "message": {"text": r.message}}} for r in related]
            steps.append({"location": {"physicalLocation": _physical(report, d.location), "message": {"text": d.message}}})
            result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
        fixes = []
        for fix in d.fixes:
            replacements = []
            for edit in fix.edits:
                replacement: dict = {"deletedRegion": _byte_region(report, d.path, edit.start, edit.end)}
                if edit.new_text:
                    replacement["insertedContent"] = {"text": edit.new_text}
                replacements.append(replacement)
            fixes.append({"description": {"text": fix.message}, "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}]})
        if fixes:
            result["fixes"] = fixes
    return result


def _physical(report: Report, at: Location) -> dict:
    return {"artifactLocation": _artifact(report, at.path), "region": _region(report, at.path, at.line, at.column, at.end_line, at.end_column)}


def _artifact(report: Report, path: str) -> dict | None:
    if not path:
        return None
    rel = report.repo_path(path)
    if rel is None:
        from pathlib import Path

        return {"uri": Path(os.path.abspath(report.cwd / path)).as_uri()}
    # bytes, so a file name that is not UTF-8 becomes %XX escapes of its real bytes
    return {"uri": quote(rel.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": "%SRCROOT%"}


def _utf16_column(line: bytes, byte_column: int) -> int:
    prefix = line[: max(byte_column - 1, 0)].decode("utf-8", "replace")
    return len(prefix.encode("utf-16-le")) // 2 + 1


def _region(report: Report, path: str, line: int, column: int, end_line: int, end_column: int) -> dict:
    start_text = report.line_text(path, line)
    region = {"startLine": line, "startColumn": _utf16_column(start_text, column)}
    if (end_line, end_column) > (line, column):
        end_text = start_text if end_line == line else report.line_text(path, end_line)
        region["endLine"] = end_line
        region["endColumn"] = _utf16_column(end_text, end_column)
    return region


def _byte_region(report: Report, path: str, start: int, end: int) -> dict:
    region: dict = {"byteOffset": start, "byteLength": max(0, end - start)}
    index = report.line_index(path)
    if index is not None:
        line, col = index.position(start)
        end_line, end_col = index.position(end)
        region.update(_region(report, path, line + 1, col + 1, end_line + 1, end_col + 1))
        if (end_line, end_col) == (line, col):  # an insertion point: an empty region
            region["endLine"], region["endColumn"] = region["startLine"], region["startColumn"]
    return region


def _pascal(name: str) -> str:
    parts = [p for p in name.replace("/", "-").replace("_", "-").split("-") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or name
