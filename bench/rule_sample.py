"""Run chosen core rules over Go trees and print each rule's finding count and a sample to read.

    python bench/rule_sample.py --rules deferinloop,appendresult --sample 10 \
        /usr/share/go-1.19/src /work/corpora/moby ...

The sample is drawn with a fixed seed across all trees, so a re-run shows the same findings.
"""

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.rulepack import core_pack_dir, load_pack


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", required=True, help="comma-separated core rule names")
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("trees", nargs="+")
    args = parser.parse_args()
    wanted = set(args.rules.split(",")) - {"internal"}  # rule crashes are always shown
    rules = [r for r in load_pack(core_pack_dir()).rules if r.name in wanted]
    if len(rules) != len(wanted):
        print(f"unknown rules: {wanted - {r.name for r in rules}}", file=sys.stderr)
        return 2
    by_rule = defaultdict(list)
    for tree in args.trees:
        result = check_patterns([str(Path(tree) / "...")], rules, jobs=args.jobs, keep_sources=False)
        for d in result.diagnostics:
            by_rule[d.rule].append(d)
    failed = False
    for name in sorted(wanted):
        found = by_rule.get(name, [])
        if name == "internal":
            continue
        print(f"== {name}: {len(found)} findings")
        sample = random.Random(16).sample(found, min(args.sample, len(found)))
        for d in sorted(sample, key=lambda d: d.sort_key()):
            print(f"{d.path}:{d.line}:{d.column}: {d.message}")
    for d in by_rule.get("internal", []):
        failed = True
        print(f"INTERNAL {d.path}:{d.line}: {d.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
