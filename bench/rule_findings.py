"""The findings of chosen rules over whole trees, to check that a change (a speed-up, a
refactor) leaves them identical.

    PYTHONPATH=<checkout> python3 bench/rule_findings.py OUT.json RULES TREE [TREE ...]

RULES is a comma-separated list of rule names, or `default` for every rule enabled by
default. Runs those rules only (no cache) over each TREE/... and writes [rule, path, line,
column, message, number of related locations] per finding, sorted, to OUT.json, with a
count per tree on stderr. Run it before and after the change and `cmp` the two files; each
new finding is read by hand (e.g. `rule_findings.py nilcheck.json nilcheck TREE...` for
nilcheck's precision table).
"""

from __future__ import annotations

import json
import sys

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.ruleset import builtin_rules


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    wanted = set(argv[1].split(","))
    rules = [r for r in builtin_rules() if r.name in wanted or ("default" in wanted and r.enabled_by_default)]
    missing = wanted - {"default"} - {r.name for r in rules}
    if missing:
        print(f"rule_findings: unknown rules: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    names = {r.name for r in rules}
    out = []
    for tree in argv[2:]:
        result = check_patterns([tree.rstrip("/") + "/..."], rules, keep_sources=False)
        found = [[d.rule, d.path, d.line, d.column, d.message, len(d.related)] for d in result.diagnostics if d.rule in names]
        out += sorted(found)
        print(tree, len(found), file=sys.stderr, flush=True)
    with open(argv[0], "w") as fh:
        json.dump(out, fh, indent=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
