#!/usr/bin/env python3
"""Where a cold, single-process gocheck run spends its CPU, on a tree you name.

Not a test: it prints numbers. One in-process run of every default rule (no cache), with
the CPU seconds of parsing, of the merged tree-sitter query (including making the Python
match objects), of each rule's own code, and of everything else (loading, scopes built
before the first rule asks, garbage collection, ...), each also as a multiple of the
parsing time. The rules that look at the most code come first: that is where to work.

    python bench/cpu_breakdown.py [TREE] [--shared]

--shared also prints, inside each rule's time, what went to the work cached per package
that the first rule to ask pays for: control-flow graphs (`Pass.cfg`) and resolving the
names of a top-level declaration (`PackageScopes._resolve_top`); inclusive, so a graph
that makes names resolve counts that time twice.

TREE defaults to the Go standard library sources (Debian's golang-1.19-src).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.api import analysis_pass  # noqa: E402
from analyzer.golang import scope, source  # noqa: E402
from analyzer.pipeline import runner  # noqa: E402
from analyzer.pipeline.ruleset import builtin_rules  # noqa: E402
from analyzer.pipeline.checker import check_patterns  # noqa: E402

PARSE, QUERY, REST = "(parse)", "(merged query, match objects)", "(everything else)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", nargs="?", default="/usr/share/go-1.19/src")
    parser.add_argument("--shared", action="store_true", help="split out the CFG and name-resolution time paid inside each rule")
    args = parser.parse_args()
    if not os.path.isdir(args.tree):
        print(f"cpu_breakdown: {args.tree} is not a directory", file=sys.stderr)
        return 2
    spent: collections.Counter[str] = collections.Counter()

    shared: collections.Counter[str] = collections.Counter()
    running = [""]  # the rule running now

    def timed(name, fn, into=spent, per_rule=False):
        def wrapper(*a, **k):
            start = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                into[f"{running[0]}: {name}" if per_rule else name] += time.process_time() - start
        return wrapper

    # GoFile.parse (bound as the loader's default argument) calls the module's `parse`.
    source.parse = timed(PARSE, source.parse)
    if args.shared:
        analysis_pass.Pass.cfg = timed("CFGs", analysis_pass.Pass.cfg, shared, True)
        scope.PackageScopes._resolve_top = timed("name resolution", scope.PackageScopes._resolve_top, shared, True)

    def rule_run(r):
        def run(pass_):
            running[0] = r.name
            return r.run(pass_)
        return timed(r.name, run)

    runner.Engine._match_file = timed(QUERY, runner.Engine._match_file)
    rules = [
        dataclasses.replace(r, run=rule_run(r))
        for r in builtin_rules()
        if r.enabled_by_default
    ]
    start = time.process_time()
    result = check_patterns([os.path.join(os.path.abspath(args.tree), "...")], rules, keep_sources=False)
    total = time.process_time() - start
    spent[REST] = total - sum(spent.values())
    parse = spent[PARSE] or 1e-9
    print(f"tree: {args.tree}: {result.files} files, {result.packages} packages, {len(result.diagnostics)} findings")
    print(f"total {total:.2f} s CPU = {total / parse:.2f} x parsing\n")
    for name, secs in spent.most_common():
        if secs >= 0.005:
            print(f"  {name:32} {secs:6.2f} s  {secs / parse:5.2f} x parsing")
    if shared:
        print("\nof which, paid inside a rule for the whole package:")
        for name, secs in shared.most_common():
            if secs >= 0.05:
                print(f"  {name:32} {secs:6.2f} s  {secs / parse:5.2f} x parsing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
