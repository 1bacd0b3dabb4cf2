"""Score each core rule that mirrors a go vet analyzer on that analyzer's own testdata.

    python bench/vet_conformance.py [--root /usr/share/gocode/src/golang.org/x/tools/go/analysis/passes] [--rules a,b]

The testdata of golang.org/x/tools' passes (Debian's golang-golang-x-tools-dev, installed by
.ci/setup.sh) marks each expected finding with `// want "..."` on its line. A rule's
equivalent `vet:NAME` names the pass (vet's copylocks is the pass `copylock`). A want is hit
when the rule reports on its line (the messages' wording differs); findings on other lines
are unexpected. Prints one row per rule; exits 1 when a rule crashes or the testdata is
missing.
"""

import argparse
import re
import sys
from pathlib import Path

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.rulepack import core_pack_dir, load_pack

DEFAULT_ROOT = Path("/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes")
_PASS_NAMES = {"copylocks": "copylock"}  # vet's name -> the pass directory
_WANT = re.compile(r"//\s*want\b")


def wants(directory: Path) -> set[tuple[str, int]]:
    found = set()
    for path in sorted(directory.rglob("*.go")):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if _WANT.search(line):
                found.add((str(path.resolve()), number))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--rules", help="comma-separated rule names (default: every rule mirroring a vet analyzer)")
    args = parser.parse_args()
    if not args.root.is_dir():
        print(f"x/tools passes not found under {args.root}: apt-get install golang-golang-x-tools-dev", file=sys.stderr)
        return 1
    selected = set(args.rules.split(",")) if args.rules else None
    failed = False
    print(f"{'rule':<20} {'vet':<16} {'hit':>5} {'missed':>6} {'unexp':>5} {'score':>6}")
    for rule in load_pack(core_pack_dir()).rules:
        if selected is not None and rule.name not in selected:
            continue
        for eq in rule.equivalents:
            if not eq.startswith("vet:"):
                continue
            name = eq.split(":", 1)[1]
            src = args.root / _PASS_NAMES.get(name, name) / "testdata" / "src"
            if not src.is_dir():
                print(f"{rule.name:<20} {name:<16} {'no testdata':>24}")
                continue
            expected = wants(src)
            result = check_patterns([str(src / "...")], [rule], keep_sources=False)
            reported = set()
            for d in result.diagnostics:
                if d.rule == "internal":
                    failed = True
                    print(f"FAILED {rule.name}: {d.path}:{d.line}: {d.message}", file=sys.stderr)
                elif d.rule == rule.name:
                    reported.add((str(Path(d.path).resolve()), d.line))
            hit, missed, unexpected = len(expected & reported), len(expected - reported), len(reported - expected)
            pct = f"{100 * hit / (hit + missed):.0f}%" if hit + missed else "-"
            print(f"{rule.name:<20} {name:<16} {hit:>5} {missed:>6} {unexpected:>5} {pct:>6}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
