"""The worker's main: contain this process, then load the packs' Python rules and check the
packages the parent sends, one JSON line in, one JSON line out.

Order matters: everything gocheck itself needs is imported first; then the limits,
Landlock and seccomp are applied (or the worker answers an error and exits: it never runs
pack code uncontained); only then is pack code imported. Standard output is the protocol
channel, so file descriptor 1 is pointed at standard error before any pack code runs.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any
import sysconfig
from pathlib import Path

import analyzer
from analyzer.api.analysis_pass import Package
from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.pipeline.rulepack import load_pack
from analyzer.pipeline.runner import Engine, EngineOptions
from analyzer.sandbox import SandboxUnavailable, landlock, protocol, seccomp
from analyzer.sandbox.limits import apply_limits
from analyzer.golang.source import GoFile

_FAILED_RULE = re.compile(r"^rule (\S+) (?:crashed on [^:]*: )?")


def readable_paths(pack_dirs: list[str]) -> list[str]:
    """Python's own library, gocheck's package and the packs: nothing of the user's."""
    paths = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths.add(str(Path(analyzer.__file__).resolve().parent))
    paths.update(pack_dirs)
    return sorted(p for p in paths if p and os.path.exists(p))


def contain(pack_dirs: list[str], scratch: str, memory_bytes: int) -> None:
    syscall_filter = seccomp.SyscallFilter()
    apply_limits(memory_bytes)
    landlock.restrict(read_only=readable_paths(pack_dirs), read_write=[scratch])
    syscall_filter.load()


def main() -> int:
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in pack code goes to the log, not into the protocol
    sys.stdout = sys.stderr
    init = json.loads(sys.stdin.buffer.readline())
    try:
        contain(init["packs"], init["scratch"], init["memory_bytes"])
    except (SandboxUnavailable, OSError, ValueError) as exc:
        _send(channel, {"error": f"cannot contain pack code: {exc}", "unavailable": True})
        return 2
    try:
        python_rules = [r for d in init["packs"] for r in load_pack(d, declarative=False).rules]
    except Exception as exc:  # noqa: BLE001 - any failure of the pack's code goes back to the parent
        _send(channel, {"error": f"loading the pack failed: {type(exc).__name__}: {exc}"})
        return 2
    _send(channel, {"rules": [protocol.describe_rule(r) for r in python_rules]})
    engine = Engine(python_rules, EngineOptions(rule_budget_seconds=init["rule_budget_seconds"]))
    defaults = {r.name: r.severity for r in python_rules}
    for line in sys.stdin.buffer:
        request = json.loads(line)
        files = [GoFile.parse(path, data) for path, data in protocol.package_files(request)]
        version = tuple(request["go_version"]) if request["go_version"] else None
        package = Package(request["directory"], files, version)
        answer: dict[str, list[Any]] = {"findings": [], "failures": []}
        for d in engine.check_package(package):
            if d.rule == INTERNAL.name:
                named = _FAILED_RULE.match(d.message)
                answer["failures"].append({"rule": named.group(1) if named else None, "message": d.message[named.end():] if named else d.message})
            elif d.rule in defaults:
                fix = d.fixes[0] if d.fixes else None
                answer["findings"].append({
                    "rule": d.rule, "path": d.path, "start": d.start_byte, "end": d.end_byte, "message": d.message,
                    "severity": str(d.severity) if d.severity != defaults[d.rule] else None,
                    "fix": {"message": fix.message, "safe": fix.safe, "edits": [{"start": e.start, "end": e.end, "new_text": e.new_text} for e in fix.edits]} if fix else None,
                })
        package.release()
        _send(channel, answer)
    return 0


def _send(channel, message: dict) -> None:
    channel.write(protocol.encode(message))
    channel.flush()


if __name__ == "__main__":
    sys.exit(main())
