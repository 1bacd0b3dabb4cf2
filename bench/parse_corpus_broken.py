#!/usr/bin/env python3
"""Typing states on real Go: break one function at a time and count what gocheck reports.

From a seeded sample of files of the Go standard library and the corpora (files that parse,
testdata/ and generated files left out), each sampled function is broken in the ways code
is while being typed:

    unclosed   the function's closing `}` removed (the parser swallows what follows)
    paren      the first `)` of the body removed (a call left open)
    half       `x := ` inserted before a statement in the middle of the body
    if         `if err != nil {` inserted there, never closed
    stray      a `}` inserted there (the function ends early, its tail is left at top level)

A state that is still valid Go (`x := ` before an expression statement reads as
`x := f(...)`) is counted and left out: its findings are about the code as it stands.
Each other state is checked with the default rules twice: as gocheck does now, and with the
damaged regions not filtered (the engine before errors stayed local). A rule finding is
false when the intact file has no finding of that rule and message on that (shifted) line.
Per state it prints: syntax findings per broken function (old: one per top-most ERROR or
MISSING node; new: one per damaged region), how often the syntax finding is inside the
edited function, false rule findings before and after, and intact findings outside the
edited function that the broken file lost (the rest of the file must still be analysed).

    python bench/parse_corpus_broken.py [--files N] [--per-file K] [--seed S] [--show] [DIR ...]

DIR defaults to the Go 1.19 stdlib and every directory under /work/corpora. Exit status 2
when a run fails, else 0 (the figures are for reading, not a gate).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.api.analysis_pass import Package
from analyzer.api.diagnostics import Diagnostic
from analyzer.golang.source import GoFile, is_generated
from analyzer.pipeline import runner
from analyzer.pipeline.ruleset import builtin_rules

DEFAULT_DIRS = ["/usr/share/go-1.19/src", *sorted(str(p) for p in Path("/work/corpora").iterdir() if p.is_dir())] if Path("/work/corpora").is_dir() else ["/usr/share/go-1.19/src"]
STATES = ("unclosed", "paren", "half", "if", "stray")
ENGINE_RULES = ("syntax", "internal")


def go_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("testdata", "vendor", ".git"))
        found.extend(Path(dirpath) / n for n in sorted(filenames) if n.endswith(".go"))
    return found


def functions(file: GoFile) -> list[tuple[int, int, int, int]]:
    """(declaration start, end, body `{`, body `}`) of each function with 3+ body lines."""
    out = []
    for node in file.root.children:
        body = node.child_by_field_name("body") if node.type in ("function_declaration", "method_declaration") else None
        if body is not None and body.end_point[0] - body.start_point[0] >= 4:
            out.append((node.start_byte, node.end_byte, body.start_byte, body.end_byte))
    return out


def break_function(source: bytes, fn: tuple[int, int, int, int], state: str) -> tuple[bytes, int, int] | None:
    """The broken source, the byte offset of the edit and how many lines it inserts."""
    _, _, open_brace, close_brace = fn
    body = source[open_brace:close_brace]
    if state == "unclosed":
        return source[: close_brace - 1] + b" " + source[close_brace:], close_brace - 1, 0
    if state == "paren":
        at = body.find(b")\n")
        if at < 0:
            return None
        at += open_brace
        return source[:at] + b" " + source[at + 1 :], at, 0
    lines = [i + 1 for i, b in enumerate(body) if b == 0x0A]  # offsets in body of each line start
    middle = lines[len(lines) // 2 - 1] + open_brace if len(lines) >= 2 else None
    if middle is None:
        return None
    insert = {"half": b"\tx := \n", "if": b"\tif err != nil {\n", "stray": b"\t}\n"}[state]
    return source[:middle] + insert + source[middle:], middle, 1


def check(source: bytes, path: str, engine: runner.Engine, filtered: bool) -> list[Diagnostic]:
    file = GoFile.parse(path, source)
    if filtered:
        return engine.check_package(Package(str(Path(path).parent), [file], None))
    saved = runner._inside_damage
    runner._inside_damage = lambda d, damaged: False  # the engine before errors stayed local
    try:
        return engine.check_package(Package(str(Path(path).parent), [file], None))
    finally:
        runner._inside_damage = saved


def old_syntax_count(source: bytes) -> int:
    """What gocheck reported before: one finding per top-most ERROR or MISSING node, 20 at most."""
    file = GoFile.parse("x.go", source)
    count = 0
    cursor = file.root.walk()
    while count < 20:
        node = cursor.node
        descend = node.has_error and not (node.is_missing or node.is_error)
        count += node.is_missing or node.is_error
        if descend and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count
    return count


def keys(found: list[Diagnostic], shift_at_line: int = 10**9, shift: int = 0) -> Counter:
    """(rule, message, line in the intact file) of each rule finding."""
    out: Counter = Counter()
    for d in found:
        if d.rule in ENGINE_RULES:
            continue
        line = d.line - shift if d.line >= shift_at_line + shift else d.line
        out[(d.rule, d.message, line)] += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12, help="files sampled per directory")
    parser.add_argument("--per-file", type=int, default=2, help="functions broken per file")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--show", action="store_true", help="print each false finding after the change")
    parser.add_argument("dirs", nargs="*", default=DEFAULT_DIRS)
    args = parser.parse_args()
    rules = [r for r in builtin_rules() if r.enabled_by_default]
    engine = runner.Engine(rules)
    rng = random.Random(args.seed)
    totals: dict[str, Counter] = defaultdict(Counter)
    for directory in args.dirs:
        candidates = go_files(Path(directory))
        if not candidates:
            print(f"error: no .go files under {directory}", file=sys.stderr)
            return 2
        rng.shuffle(candidates)
        taken = 0
        for path in candidates:
            if taken >= args.files:
                break
            source = path.read_bytes()
            if len(source) > 60_000 or is_generated(source):
                continue
            intact_file = GoFile.parse(str(path), source)
            if intact_file.root.has_error:
                continue
            fns = functions(intact_file)
            if not fns:
                continue
            taken += 1
            intact = engine.check_package(Package(str(path.parent), [intact_file], None))
            intact_keys = keys(intact)
            for fn in rng.sample(fns, min(args.per_file, len(fns))):
                first_line = source.count(b"\n", 0, fn[0]) + 1
                last_line = source.count(b"\n", 0, fn[1]) + 1
                outside = Counter({k: n for k, n in intact_keys.items() if not first_line <= k[2] <= last_line})
                for state in STATES:
                    broken = break_function(source, fn, state)
                    if broken is None:
                        continue
                    text, at, inserted = broken
                    edit_line = source.count(b"\n", 0, at) + 1
                    t = totals[state]
                    if not GoFile.parse(str(path), text).root.has_error:
                        t["still valid Go"] += 1  # `x :=` before an expression statement: x := f(...)
                        continue
                    t["functions"] += 1
                    t["syntax before"] += old_syntax_count(text)
                    now = check(text, str(path), engine, filtered=True)
                    raw = check(text, str(path), engine, filtered=False)
                    syntax = [d for d in now if d.rule == "syntax"]
                    t["syntax after"] += len(syntax)
                    t["exactly one syntax"] += len(syntax) == 1
                    t["syntax in edited function"] += bool(syntax) and first_line <= syntax[0].line <= last_line + inserted
                    t["internal"] += sum(d.rule == "internal" for d in now)
                    t["false before"] += sum((keys(raw, edit_line, inserted) - intact_keys).values())
                    false_after = keys(now, edit_line, inserted) - intact_keys
                    t["false after"] += sum(false_after.values())
                    if args.show:
                        for rule, message, line in false_after:
                            print(f"{path}:{line} ({state} at line {edit_line}): {rule}: {message}")
                    t["lost outside"] += sum((outside - keys(now, edit_line, inserted)).values())
                    t["outside intact"] += sum(outside.values())
    header = ["state", "still valid Go", "functions", "syntax before", "syntax after", "exactly one syntax", "syntax in edited function", "false before", "false after", "lost outside", "outside intact", "internal"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    grand: Counter = Counter()
    for state in STATES:
        t = totals[state]
        grand.update(t)
        print("| " + " | ".join([state, *(str(t[h]) for h in header[1:])]) + " |")
    print("| " + " | ".join(["all", *(str(grand[h]) for h in header[1:])]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
