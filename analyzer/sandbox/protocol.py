"""What the parent and the worker exchange: one JSON document per line, never pickle (the
parent must not unpickle what untrusted code produced). Everything the worker sends is
checked here before the parent uses it; the size of one answer is capped so a worker
cannot exhaust the parent's memory."""

from __future__ import annotations

import base64
import json
from typing import Any

from analyzer.api.diagnostics import Severity
from analyzer.api.rule import GoVersionRange
from analyzer.sandbox import SandboxUnavailable, WorkerFailed

MAX_ANSWER_BYTES = 16 << 20
MAX_MESSAGE_CHARS = 2000
MAX_FINDINGS = 10000
MAX_TEXT_CHARS = 20000  # rule docs, queries


def encode(message: dict) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def decode_answer(line: bytes) -> dict:
    if len(line) > MAX_ANSWER_BYTES:
        raise WorkerFailed(f"answer larger than {MAX_ANSWER_BYTES} bytes")
    try:
        answer = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise WorkerFailed(f"answer is not JSON: {exc}") from None
    if not isinstance(answer, dict):
        raise WorkerFailed("answer is not a JSON object")
    if answer.get("unavailable") is True:
        raise SandboxUnavailable(_text(answer.get("error"), "error", MAX_MESSAGE_CHARS))
    if "error" in answer:
        raise WorkerFailed(_text(answer["error"], "error", MAX_MESSAGE_CHARS))
    return answer


def package_request(directory: str, go_version: tuple[int, int] | None, files: list[tuple[str, bytes]]) -> dict:
    return {"directory": directory, "go_version": list(go_version) if go_version else None,
            "files": [[path, base64.b64encode(data).decode()] for path, data in files]}


def package_files(request: dict) -> list[tuple[str, bytes]]:
    return [(path, base64.b64decode(data)) for path, data in request["files"]]


# -- rule descriptions (worker -> parent, once) -----------------------------------


def describe_rule(rule) -> dict:
    return {"name": rule.name, "summary": rule.summary, "severity": str(rule.severity), "tags": list(rule.tags),
            "equivalents": list(rule.equivalents), "doc": rule.doc, "enabled_by_default": rule.enabled_by_default,
            "go_min": list(rule.go_versions.min) if rule.go_versions.min else None,
            "go_max": list(rule.go_versions.max_exclusive) if rule.go_versions.max_exclusive else None}


def rule_fields(item: Any, pack: str) -> dict:
    """Validated keyword arguments for a parent-side `Rule` from one described rule."""
    if not isinstance(item, dict):
        raise WorkerFailed("rule description is not an object")
    name = _text(item.get("name"), "rule name", 200)
    if not name.startswith(pack + "/") or not name[len(pack) + 1:].replace("-", "").replace("_", "").isalnum():
        raise WorkerFailed(f"rule name {name!r} is not of pack {pack}")
    try:
        severity = Severity.parse(_text(item.get("severity"), "severity", 10))
    except ValueError as exc:
        raise WorkerFailed(str(exc)) from None
    return {
        "name": name,
        "summary": _text(item.get("summary"), "summary", MAX_MESSAGE_CHARS),
        "severity": severity,
        "tags": tuple(_text(t, "tag", 100) for t in _list(item.get("tags"), "tags")),
        "equivalents": tuple(_text(t, "equivalent", 100) for t in _list(item.get("equivalents"), "equivalents")),
        "doc": _text(item.get("doc"), "doc", MAX_TEXT_CHARS),
        "enabled_by_default": item.get("enabled_by_default") is True,
        "go_versions": GoVersionRange(_version(item.get("go_min")), _version(item.get("go_max"))),
    }


# -- findings (worker -> parent, per package) ---------------------------------------


def findings(answer: dict, rules: set[str], file_sizes: dict[str, int]) -> list[dict]:
    """The answer's findings, each {rule, path, start, end, message, severity, fix}, checked
    against the package sent (paths and byte ranges) and the pack's rule names."""
    items = _list(answer.get("findings"), "findings")
    if len(items) > MAX_FINDINGS:
        raise WorkerFailed(f"more than {MAX_FINDINGS} findings for one package")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise WorkerFailed("finding is not an object")
        rule = item.get("rule")
        if rule not in rules:
            raise WorkerFailed(f"finding of an unknown rule {str(rule)[:80]!r}")
        path = item.get("path")
        if path not in file_sizes:
            raise WorkerFailed(f"finding in a file that was not sent: {str(path)[:200]!r}")
        start, end = _range(item.get("start"), item.get("end"), file_sizes[path])
        severity = None
        if item.get("severity") is not None:  # None: the rule's own (or the config's) severity
            try:
                severity = Severity.parse(_text(item.get("severity"), "severity", 10))
            except ValueError as exc:
                raise WorkerFailed(str(exc)) from None
        fix = item.get("fix")
        if fix is not None:
            if not isinstance(fix, dict):
                raise WorkerFailed("fix is not an object")
            edits = []
            for edit in _list(fix.get("edits"), "edits")[:1000]:
                if not isinstance(edit, dict):
                    raise WorkerFailed("edit is not an object")
                edits.append((*_range(edit.get("start"), edit.get("end"), file_sizes[path]), _text(edit.get("new_text"), "new_text", 100000)))
            fix = {"message": _text(fix.get("message"), "fix message", MAX_MESSAGE_CHARS), "safe": fix.get("safe") is True, "edits": edits}
        out.append({"rule": rule, "path": path, "start": start, "end": end, "severity": severity, "fix": fix,
                    "message": _text(item.get("message"), "message", MAX_MESSAGE_CHARS)})
    return out


def failures(answer: dict, rules: set[str]) -> dict[str | None, str]:
    """rule name (None: the whole pack) -> why it failed on this package (the worker's
    own internal findings: a crash, a budget)."""
    out: dict[str | None, str] = {}
    for item in _list(answer.get("failures"), "failures")[:100]:
        if not isinstance(item, dict):
            raise WorkerFailed("failure is not an object")
        rule = item.get("rule")
        out[rule if rule in rules else None] = _text(item.get("message"), "message", MAX_MESSAGE_CHARS)
    return out


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise WorkerFailed(f"{what} is not a string")
    return value[:limit]


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise WorkerFailed(f"{what} is not a list")
    return value


def _range(start: Any, end: Any, size: int) -> tuple[int, int]:
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= size:
        raise WorkerFailed(f"byte range {str(start)[:20]}..{str(end)[:20]} is outside the file")
    return start, end


def _version(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2 or not all(type(v) is int and 0 <= v < 1000 for v in value):
        raise WorkerFailed("go version bound is not [major, minor]")
    return (value[0], value[1])
