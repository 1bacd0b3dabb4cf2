"""The `gocheck` command. This package is the one place that wires the engine to packs
and, through the loader, to RuleHub. Each subcommand lives in its own module with a
`register(subparsers)` function; `main` dispatches and maps errors to exit codes."""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from analyzer import ENGINE_VERSION
from analyzer.cli import cache_command, check_command, lsp_command
from analyzer.cli.errors import EXIT_FINDINGS, EXIT_USAGE, UsageError
from analyzer.pipeline.discovery import PatternError
from analyzer.pipeline.rulepack import PackLoadError
from analyzer.pipeline.runner import RuleLoadError
from analyzer.cli import login_command, pack_command, packs_command, pattern_command
from rulehub.loader.errors import LoaderError

# Modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = [check_command, lsp_command, cache_command]
COMMAND_MODULES += [pack_command, packs_command, login_command]  # packs and RuleHub (issue 5)
COMMAND_MODULES += [pattern_command]  # `gocheck pattern` and `gocheck tree` (issue 18)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gocheck", description="Static analysis for Go, on tree-sitter.")
    parser.add_argument("--version", action="version", version=f"gocheck {ENGINE_VERSION}")
    sub = parser.add_subparsers(dest="command")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _misspelt_subcommand(word: str, subcommands: set[str]) -> str | None:
    """`gocheck explian x`: a word that names no file and reads like a command is a typo,
    not a package pattern."""
    if not word or word.startswith("-") or "/" in word or "." in word or os.path.lexists(word):
        return None
    close = difflib.get_close_matches(word, sorted(subcommands), n=1, cutoff=0.75)
    return close[0] if close else None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    subcommands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr, arg-type]  # argparse keeps its subcommands private
    if not argv or (argv[0] not in subcommands and argv[0] not in ("-h", "--help", "--version")):
        typo = _misspelt_subcommand(argv[0] if argv else "", subcommands)
        if typo:
            print(f"gocheck: {argv[0]!r} is neither a command nor a file or directory; did you mean `gocheck {typo}`?", file=sys.stderr)
            return EXIT_USAGE
        argv = ["check", *argv]
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, PatternError, PackLoadError, RuleLoadError) as exc:
        print(f"gocheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LoaderError as exc:  # exit 2 for setup problems, 3 when a pack failed verification
        print(f"gocheck: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # `gocheck rules | head`: the reader left; say nothing more (Python docs' recipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
