"""`gocheck [check] PATTERNS`, `gocheck rules`, `gocheck explain NAME`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analyzer import ENGINE_VERSION
from analyzer.builtin_rules import ENGINE_RULES
from analyzer.checker import check_patterns
from analyzer.diagnostics import Severity
from analyzer.discovery import PatternError
from analyzer.rule import Rule
from analyzer.rulepack import PackLoadError, core_pack_dir, load_pack
from analyzer.runner import EngineOptions, RuleLoadError
from analyzer.cli.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, UsageError

def available_rules() -> list[Rule]:
    return [*ENGINE_RULES, *load_pack(core_pack_dir()).rules]


def _text_report(result, out) -> None:
    for d in result.diagnostics:
        out.write(f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} ({d.rule})\n")
        src = result.sources.get(d.path)
        if src is not None:
            from analyzer.source import LineIndex

            line = LineIndex(src).line_text(d.line - 1).decode("utf-8", "replace")
            out.write(f"    {line}\n    {' ' * (d.column - 1)}^\n")


def _json_report(result, out) -> None:
    json.dump({"version": 1, "diagnostics": [d.to_dict() for d in result.diagnostics]}, out, indent=2)
    out.write("\n")


def cmd_check(args) -> int:
    rules = [r for r in available_rules() if r.enabled_by_default or r.name in (args.enable or [])]
    from analyzer.cli.packs_command import pack_rules  # [packs] from .gocheck.toml, verified by rulehub.loader (issue 5)
    rules += [r for r in pack_rules(Path.cwd(), locked=args.locked) if r.enabled_by_default or r.name in (args.enable or [])]
    if args.disable:
        rules = [r for r in rules if r.name not in args.disable]
    result = check_patterns(args.patterns or ["./..."], rules, EngineOptions(include_generated=args.include_generated))
    (_json_report if args.format == "json" else _text_report)(result, sys.stdout)
    if any(d.rule == "internal" for d in result.diagnostics):
        return EXIT_INTERNAL
    return EXIT_FINDINGS if any(d.severity >= Severity.WARNING for d in result.diagnostics) else EXIT_CLEAN


def cmd_rules(args) -> int:
    for r in sorted(available_rules(), key=lambda r: r.name):
        print(f"{r.name:24} {str(r.severity):8} {r.summary}")
    return EXIT_CLEAN


def cmd_explain(args) -> int:
    for r in available_rules():
        if r.name == args.name:
            print(r.docs().markdown(r.name), end="")
            return EXIT_CLEAN
    raise UsageError(f"unknown rule {args.name!r}: `gocheck rules` lists them")


def register(sub) -> None:
    check = sub.add_parser("check", help="check Go packages (the default command)")
    check.add_argument("patterns", nargs="*")
    check.add_argument("--format", default="text")
    check.add_argument("--enable", action="append")
    check.add_argument("--disable", action="append")
    check.add_argument("--include-generated", action="store_true")
    check.add_argument("--locked", action="store_true", help="CI: fail if gocheck.lock would change (issue 5)")
    check.set_defaults(func=cmd_check)
    rules = sub.add_parser("rules", help="list the rules")
    rules.set_defaults(func=cmd_rules)
    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("name")
    explain.set_defaults(func=cmd_explain)
