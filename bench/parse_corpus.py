#!/usr/bin/env python3
"""Syntax findings on real Go: gocheck's grammar against the tree-sitter-go release it replaced.

Parses every .go file of the Go standard library sources and of each corpus directory
(testdata/ directories skipped: their files are test input, many invalid on purpose; the
few other files invalid on purpose are listed in INVALID_ON_PURPOSE with the reason) and
prints per project: files, files with ERROR/MISSING nodes, syntax findings (what gocheck
reports: one per damaged region, see analyzer/golang/syntax_errors.py), the parse time ratio new/old, and how many
files the old grammar parsed without error get a different tree from the new one, apart from
the changes the patch intends (INTENDED_CHANGES): node kinds and fields must stay compatible.

The old grammar is the PyPI package tree-sitter-go 0.25.0, measured only when it is
importable (`pip install tree-sitter-go==0.25.0`, in a side venv if you like); without it
the old columns say n/a.

    python bench/parse_corpus.py [--stdlib DIR] [--list] [PROJECT_DIR ...]

PROJECT_DIR defaults to every directory under /work/corpora. Exit status: 0 when the new
grammar parses every file without error (and, when the old one is measured, changes no tree
the old one parsed without error), 1 otherwise (--list names the files),
2 when a run fails (a directory is missing or unreadable, a file cannot be parsed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.pipeline.runner import syntax_diagnostics  # noqa: E402
from analyzer.golang.source import GO_LANGUAGE, GoFile  # noqa: E402

DEFAULT_STDLIB = "/usr/share/go-1.19/src"
DEFAULT_CORPORA = "/work/corpora"

# Files outside testdata/ that are not valid Go on purpose: {project: {relative path: reason}}.
# Empty: with testdata/ skipped, every file of the Go 1.19 standard library and of the seven
# corpora (2026-12) parses without error. A file added here is counted in the "excl" column.
INVALID_ON_PURPOSE: dict[str, dict[str, str]] = {}


# (old node kind, new node kind) pairs the patch means to change. Go 1.26's new(true) and
# new(false) (a *bool) used to parse as new(T) with a type named true/false; the patched
# grammar reads the operand as the constant it is. See analyzer/golang/grammar/PATCHES.md.
INTENDED_CHANGES = {("type_identifier", "true"), ("type_identifier", "false")}


@dataclass
class Count:
    files_with_errors: list[str] = field(default_factory=list)
    findings: int = 0
    seconds: float = 0.0


@dataclass
class Project:
    name: str
    root: Path
    files: int = 0
    excluded: int = 0
    new: Count = field(default_factory=Count)
    old: Count | None = None
    changed_trees: list[str] = field(default_factory=list)  # error-free under old, changed beyond INTENDED_CHANGES
    intended_changes: int = 0  # nodes changed as INTENDED_CHANGES says


def go_files(root: Path, excluded: dict[str, str]) -> tuple[list[Path], int]:
    """Every .go file under root, testdata/ directories and the excluded paths left out."""
    found: list[Path] = []
    skipped = 0
    for dirpath, dirnames, filenames in os.walk(root, onerror=_raise):
        dirnames[:] = sorted(d for d in dirnames if d != "testdata" and d != ".git")
        for name in sorted(filenames):
            if not name.endswith(".go"):
                continue
            path = Path(dirpath, name)
            if path.relative_to(root).as_posix() in excluded:
                skipped += 1
                continue
            found.append(path)
    return found, skipped


def _raise(error: OSError) -> None:
    raise error


def measure(parser: tree_sitter.Parser, path: str, source: bytes, count: Count) -> tree_sitter.Tree:
    start = time.perf_counter()
    tree = parser.parse(source)
    count.seconds += time.perf_counter() - start
    if tree.root_node.has_error:
        count.files_with_errors.append(path)
        count.findings += len(syntax_diagnostics(GoFile(path, source, tree), limit=sys.maxsize))
    return tree


def tree_differences(old: tree_sitter.Node, new: tree_sitter.Node) -> list[tuple[str, str]]:
    """(old kind, new kind) of each top-most node where the two trees differ."""
    differences: list[tuple[str, str]] = []
    pending = [(old, new)]
    while pending:
        a, b = pending.pop()
        if a.type == b.type and a.child_count == b.child_count and str(a) == str(b):
            continue
        if a.type == b.type and a.child_count == b.child_count and a.child_count:
            pending.extend(zip(a.children, b.children))
        else:
            differences.append((a.type, b.type))
    return differences


def old_parser() -> tree_sitter.Parser | None:
    try:
        import tree_sitter_go
    except ImportError:
        return None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


def run(project: Project, new: tree_sitter.Parser, old: tree_sitter.Parser | None) -> None:
    paths, project.excluded = go_files(project.root, INVALID_ON_PURPOSE.get(project.name, {}))
    project.files = len(paths)
    if old is not None:
        project.old = Count()
    for path in paths:
        source = path.read_bytes()
        relative = path.relative_to(project.root).as_posix()
        new_tree = measure(new, relative, source, project.new)
        if old is not None:
            old_tree = measure(old, relative, source, project.old)
            if not old_tree.root_node.has_error:
                differences = tree_differences(old_tree.root_node, new_tree.root_node)
                intended = sum(1 for d in differences if d in INTENDED_CHANGES)
                project.intended_changes += intended
                if len(differences) > intended:
                    project.changed_trees.append(relative)


def print_table(projects: list[Project]) -> None:
    header = f"{'project':<12} {'files':>6} {'excl':>4}  {'old err files':>13} {'old findings':>12}  {'new err files':>13} {'new findings':>12}  {'time new/old':>12} {'changed trees':>13} {'intended':>8}"
    print(header)
    for p in projects:
        old_files = str(len(p.old.files_with_errors)) if p.old else "n/a"
        old_findings = str(p.old.findings) if p.old else "n/a"
        ratio = f"{p.new.seconds / p.old.seconds:.2f}" if p.old and p.old.seconds else "n/a"
        changed = str(len(p.changed_trees)) if p.old else "n/a"
        intended = str(p.intended_changes) if p.old else "n/a"
        print(f"{p.name:<12} {p.files:>6} {p.excluded:>4}  {old_files:>13} {old_findings:>12}  {len(p.new.files_with_errors):>13} {p.new.findings:>12}  {ratio:>12} {changed:>13} {intended:>8}")
    total_new = sum(p.new.seconds for p in projects)
    if all(p.old for p in projects) and projects:
        total_old = sum(p.old.seconds for p in projects)
        print(f"parse time: new {total_new:.1f}s, old {total_old:.1f}s, ratio {total_new / total_old:.2f}")
    else:
        print(f"parse time: new {total_new:.1f}s (old grammar not importable: pip install tree-sitter-go==0.25.0)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", type=Path, help="project directories (default: every directory under /work/corpora)")
    parser.add_argument("--stdlib", type=Path, default=Path(DEFAULT_STDLIB), help="Go standard library sources ('' to skip)")
    parser.add_argument("--list", action="store_true", help="name every file with errors (new, old) and every changed tree")
    args = parser.parse_args(argv)

    roots = list(args.projects) or sorted(p for p in Path(DEFAULT_CORPORA).iterdir() if p.is_dir())
    projects = [Project(r.name, r) for r in roots]
    if str(args.stdlib) not in ("", "."):
        projects.insert(0, Project("go-stdlib", args.stdlib))

    new = tree_sitter.Parser(GO_LANGUAGE)
    old = old_parser()
    try:
        for project in projects:
            if not project.root.is_dir():
                raise FileNotFoundError(f"{project.root}: not a directory")
            run(project, new, old)
    except (OSError, ValueError) as error:
        print(f"parse_corpus: {error}", file=sys.stderr)
        return 2

    print_table(projects)
    if args.list:
        for p in projects:
            for grammar, count in (("new", p.new), ("old", p.old)):
                for path in count.files_with_errors if count else []:
                    print(f"{grammar} {p.name}/{path}")
            for path in p.changed_trees:
                print(f"changed {p.name}/{path}")
    return 1 if any(p.new.files_with_errors or p.changed_trees for p in projects) else 0


if __name__ == "__main__":
    sys.exit(main())
