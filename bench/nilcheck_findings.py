"""nilcheck's findings over whole trees, to compare two versions of the rule.

    PYTHONPATH=<checkout> python3 bench/nilcheck_findings.py OUT.json TREE [TREE ...]

Runs only nilcheck (no cache) over each TREE/... and writes [path, line, column, message,
number of related locations] per finding to OUT.json, with a count per tree on stderr.
Run it with PYTHONPATH pointing at each checkout (main, a branch) and compare the files:
the findings of a change that should not change them must be identical, and each new one
is read by hand (the precision table of the closing note).
"""

from __future__ import annotations

import json
import sys

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.ruleset import builtin_rules


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    rules = [r for r in builtin_rules() if r.name == "nilcheck"]
    out = []
    for tree in argv[1:]:
        result = check_patterns([tree.rstrip("/") + "/..."], rules, keep_sources=False)
        found = [d for d in result.diagnostics if d.rule == "nilcheck"]
        out += [[d.path, d.line, d.column, d.message, len(getattr(d, "related", ()))] for d in found]
        print(tree, len(found), file=sys.stderr, flush=True)
    with open(argv[0], "w") as fh:
        json.dump(out, fh, indent=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
