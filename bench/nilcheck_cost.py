"""What nilcheck adds to a whole gocheck run: every default rule with and without it.

    python bench/nilcheck_cost.py [--repeat N] [--alone] [PATTERN ...]   (default: the Go standard library)

Reports CPU seconds (process time, so other load on the machine does not skew the ratio) and
wall seconds for both rule sets, the best of N runs each, and the ratio. The issue's budget:
nilcheck adds at most 20% on the standard library.

Work that rules share (scopes, each function's CFG) is paid by whichever rule asks first, so
what nilcheck adds depends on the other rules: with deadstore building every function's CFG,
nilcheck's own CFGs are free. `--alone` also runs no rule at all and nilcheck alone, and
prints nilcheck's stand-alone cost against the same base: what it would add if no other
rule shared its work.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.pipeline.ruleset import builtin_rules  # noqa: E402
from analyzer.pipeline.checker import check_patterns  # noqa: E402

DEFAULT_PATTERN = "/usr/share/go-1.19/src/..."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("patterns", nargs="*", default=[DEFAULT_PATTERN])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--alone", action="store_true", help="also time no rule and nilcheck alone")
    args = ap.parse_args(argv)
    with_rules = [r for r in builtin_rules() if r.enabled_by_default or r.name == "nilcheck"]
    without = [r for r in with_rules if r.name != "nilcheck"]
    nilcheck_only = [r for r in with_rules if r.name == "nilcheck"]
    sets = [("without nilcheck", without), ("with nilcheck", with_rules)]
    if args.alone:
        sets += [("no rules", []), ("nilcheck alone", nilcheck_only)]
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for name, rules in sets:
            cpu, wall = time.process_time(), time.perf_counter()
            result = check_patterns(args.patterns, rules, keep_sources=False)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            found = sum(d.rule == "nilcheck" for d in result.diagnostics)
            print(f"{name:17} cpu {cpu:7.1f}s  wall {wall:7.1f}s  {result.files} files, {result.packages} packages, {found} nilcheck findings", flush=True)
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall)
    base, full = best["without nilcheck"][0], best["with nilcheck"][0]
    print(f"nilcheck adds {100 * (full - base) / base:.1f}% CPU ({full - base:.1f}s over {base:.1f}s)")
    if args.alone:
        alone = best["nilcheck alone"][0] - best["no rules"][0]
        print(f"nilcheck alone adds {100 * alone / base:.1f}% CPU ({alone:.1f}s over {base:.1f}s), sharing nothing with other rules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
