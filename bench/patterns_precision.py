"""Every finding of a pattern pack on real code, grouped by rule, with the source line, for
reading them one by one (the precision table in the notes comes from such a read).

    python3 bench/patterns_precision.py rules/security /usr/share/go-1.19/src /work/corpora/moby ...

Prints `rule: N findings`, then each finding as `path:line: message` and the code line.
`--sample K` shows at most K findings per rule (all are counted). Fails loudly (exit 1) when
a tree cannot be checked or a rule crashes (an `internal` finding)."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from analyzer.pipeline.checker import check_patterns, default_jobs
from analyzer.pipeline.rulepack import load_pack
from analyzer.pipeline.runner import EngineOptions


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pack")
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args()
    rules = list(load_pack(Path(args.pack)).rules)
    by_rule: dict[str, list[str]] = defaultdict(list)
    failed = False
    for tree in args.trees:
        result = check_patterns(["./..."], rules, EngineOptions(), cwd=Path(tree), jobs=default_jobs(), keep_sources=True)
        for d in result.diagnostics:
            if d.rule == "internal" and "crashed" in d.message:
                print(f"CRASH {tree}/{d.path}: {d.message}", file=sys.stderr)
                failed = True
            if d.rule == "internal" or d.rule == "syntax":
                continue
            source = result.sources.get(d.path)
            line = source.splitlines()[d.line - 1].decode("utf-8", "replace").strip() if source else ""
            by_rule[d.rule].append(f"{tree}/{d.path}:{d.line}: {d.message}\n      {line[:160]}")
    for rule in sorted(r.name for r in rules):
        found = by_rule.get(rule, [])
        print(f"== {rule}: {len(found)} findings")
        for text in found[: args.sample or None]:
            print("   " + text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
