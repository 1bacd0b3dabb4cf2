"""`gocheck pattern 'PATTERN' [PATHS...]` and `gocheck tree FILE`: the author's tools.

    gocheck pattern 'fmt.Sprintf($F, ...)' ./...       # every match, as findings of rule `pattern`
    gocheck pattern 'rand.Intn(...)' --import math/rand --format json
    gocheck tree main.go                                # node kinds and field names
    gocheck tree main.go --line 12                      # only the nodes on line 12
    gocheck tree -p 'if $E != nil { ... }'              # how a pattern parses

`pattern` is one pattern rule run over the packages (the same engine and reporters as a
check; exit 1 when something matched, 0 when nothing did). `tree` prints what queries and
`[metavariables] kind` constraints name.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO

import tree_sitter

from analyzer.api.diagnostics import Severity
from analyzer.cli.check_command import exit_code
from analyzer.cli.errors import EXIT_CLEAN, UsageError
from analyzer.golang.source import parse
from analyzer.patterns.parse import ParsedPattern, PatternSyntaxError, parse_pattern
from analyzer.patterns.rule import search_rule
from analyzer.pipeline.checker import check_patterns, default_jobs
from analyzer.pipeline.runner import EngineOptions
from analyzer.reporters import OutputSpec, Report, write_all


def cmd_pattern(args: argparse.Namespace) -> int:
    try:
        rule = search_rule(args.pattern, imports=tuple(args.imports or ()))
    except ValueError as exc:
        raise UsageError(f"pattern: {exc}") from None
    outputs = [OutputSpec.parse(spec) for spec in args.format or ["text"]]
    if sum(1 for o in outputs if o.path is None) > 1:
        raise UsageError("--format: only one format can go to standard output; give the others a file")
    cwd = Path(os.getcwd())
    result = check_patterns(args.paths or ["./..."], [rule], EngineOptions(include_generated=args.include_generated), cwd=cwd, jobs=args.jobs)
    report = Report(diagnostics=result.diagnostics, sources=result.sources, rules={rule.name: rule}, files=list(result.sources), cwd=cwd)
    write_all(report, outputs, sys.stdout)
    return exit_code(result.diagnostics, Severity.INFO)


def cmd_tree(args: argparse.Namespace) -> int:
    if args.pattern is not None:
        try:
            parsed = parse_pattern(args.pattern)
        except PatternSyntaxError as exc:
            raise UsageError(str(exc)) from None
        print_pattern_tree(parsed, sys.stdout)
        return EXIT_CLEAN
    if not args.file:
        raise UsageError("tree: give a Go file, or -p 'PATTERN'")
    try:
        source = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"tree: {exc}") from None
    print_tree(parse(source).root_node, sys.stdout, line=args.line)
    return EXIT_CLEAN


def print_pattern_tree(parsed: ParsedPattern, out: IO[str]) -> None:
    out.write(f"# read as {parsed.context}; holes are placeholder identifiers (__gc_mv_X for $X, __gc_mvs_X for $...X, __gc_e for ...)\n")
    for node in parsed.nodes:
        print_tree(node, out, positions=False)  # positions would be those of the wrapper Go


def print_tree(root: tree_sitter.Node, out: IO[str], line: int | None = None, positions: bool = True) -> None:
    """One node a line, indented by depth: `field: kind [line:col-line:col]`, leaves with
    their text, anonymous tokens quoted. With `line` (1-based), only nodes on that line."""
    stack: list[tuple[tree_sitter.Node, int, str | None]] = [(root, 0, None)]
    while stack:
        node, depth, field = stack.pop()
        if line is not None and not node.start_point[0] + 1 <= line <= node.end_point[0] + 1:
            continue
        label = node.type if node.is_named else repr(node.type)
        where = f" [{node.start_point[0] + 1}:{node.start_point[1] + 1}-{node.end_point[0] + 1}:{node.end_point[1] + 1}]" if positions else ""
        text = ""
        if node.is_named and node.child_count == 0:
            text = " " + repr((node.text or b"").decode("utf-8", "replace")[:60])
        out.write(f"{'  ' * depth}{field + ': ' if field else ''}{label}{where}{text}{' ERROR' if node.is_error or node.is_missing else ''}\n")
        children = [(c, depth + 1, node.field_name_for_child(i)) for i, c in enumerate(node.children)]
        stack.extend(reversed(children))


def register(sub) -> None:
    p = sub.add_parser("pattern", help="find code matching a Go pattern with holes ($X, $...X, ...)")
    p.add_argument("pattern", help="Go code with holes, e.g. 'fmt.Sprintf($F, ...)' (see docs/patterns.md)")
    p.add_argument("paths", nargs="*", help="./... (default), dir/..., directories or .go files")
    p.add_argument("--import", dest="imports", action="append", metavar="PATH", help="what a package name in the pattern means, e.g. math/rand or mrand=math/rand (default: the standard library's)")
    p.add_argument("--format", action="append", metavar="FMT[:PATH]", help="text, json, sarif, github, checkstyle, junit or gitlab; findings carry the rule name `pattern`")
    p.add_argument("--include-generated", action="store_true", help="also search files marked '// Code generated ... DO NOT EDIT.'")
    p.add_argument("-j", "--jobs", type=int, default=default_jobs(), metavar="N", help="search packages in N worker processes")
    p.set_defaults(func=cmd_pattern)
    t = sub.add_parser("tree", help="print a Go file's (or a pattern's) syntax tree: node kinds and field names")
    t.add_argument("file", nargs="?", help="a .go file")
    t.add_argument("-p", "--pattern", help="print how this pattern parses instead")
    t.add_argument("--line", type=int, metavar="N", help="only the nodes on line N")
    t.set_defaults(func=cmd_tree)
