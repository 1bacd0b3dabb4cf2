"""Score each core rule that mirrors a staticcheck check on that check's own testdata.

    python bench/staticcheck_conformance.py [--root /usr/share/gocode/src/honnef.co/go/tools] [--rules a,b]

staticcheck's testdata ships in Debian's golang-honnef-go-tools-dev (see .ci/setup.sh). Its
annotations are `//@ diag(...)` on the line a finding is expected (U1000: `//@ used("x",
false)` for an unused object). Which testdata directories belong to which check (and with
which Go version) is read from staticcheck's own lint_test.go, so nothing is copied here.

A want is hit when the rule reports on its line (the wording of the messages differs);
findings on lines without a want are unexpected. Prints one row per rule and exits 1 when a
rule crashes (an `internal` finding) or the testdata is missing, 0 otherwise.
"""

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.runner import EngineOptions
from analyzer.pipeline.rulepack import core_pack_dir, load_pack

DEFAULT_ROOT = Path("/usr/share/gocode/src/honnef.co/go/tools")
_TEST_ENTRY = re.compile(r'\{Dir:\s*"([^"]+)"(?:,\s*Version:\s*"([^"]+)")?\}')
_CHECK_LINE = re.compile(r'^\s*"((?:SA|S|ST|QF)\d+)":\s*\{(.*)$')


def staticcheck_dirs(root: Path) -> dict[str, list[tuple[Path, str | None]]]:
    """check code -> [(testdata directory, Go version or None)] from lint_test.go: the
    `{Dir: ..., Version: ...}` entries after each `"SA1000": {` line belong to that check."""
    text = (root / "staticcheck" / "lint_test.go").read_text()
    result: dict[str, list[tuple[Path, str | None]]] = defaultdict(list)
    current = None
    for line in text.splitlines():
        m = _CHECK_LINE.match(line)
        if m:
            current = m.group(1)
            line = m.group(2)
        if current is None:
            continue
        for d, version in _TEST_ENTRY.findall(line):
            result[current].append((root / "staticcheck" / "testdata" / "src" / d, version or None))
    unused = root / "unused" / "testdata" / "src" / "example.com"
    if unused.is_dir():
        result["U1000"] = [(d, None) for d in sorted(unused.iterdir()) if d.is_dir()]
    return result


def wants(directory: Path, check: str) -> set[tuple[str, int]]:
    found = set()
    for path in sorted(directory.rglob("*.go")):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if "//@" not in line:
                continue
            note = line.split("//@", 1)[1]
            if check == "U1000":
                if re.search(r'used\("[^"]*",\s*false\)', note):
                    found.add((str(path.resolve()), number))
            elif "diag(" in note:
                found.add((str(path.resolve()), number))
    return found


def score(rule, dirs) -> tuple[int, int, int, list[str]]:
    hit = missed = unexpected = 0
    crashes = []
    for directory, version in dirs:
        if not directory.is_dir():
            crashes.append(f"missing testdata {directory}")
            continue
        check = rule.equivalents_code
        expected = wants(directory, check)
        options = EngineOptions(go_version=tuple(int(x) for x in version.split("."))) if version else None
        result = check_patterns([str(directory / "...")], [rule.rule], options=options, keep_sources=False)
        reported = set()
        for d in result.diagnostics:
            if d.rule == "internal":
                crashes.append(f"{d.path}:{d.line}: {d.message}")
            elif d.rule == rule.rule.name:
                reported.add((str(Path(d.path).resolve()), d.line))
        hit += len(expected & reported)
        missed += len(expected - reported)
        unexpected += len(reported - expected)
    return hit, missed, unexpected, crashes


class _Mirror:
    def __init__(self, rule, code):
        self.rule = rule
        self.equivalents_code = code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--rules", help="comma-separated rule names (default: every mirroring rule)")
    args = parser.parse_args()
    if not (args.root / "staticcheck" / "lint_test.go").is_file():
        print(f"staticcheck testdata not found under {args.root}: apt-get install golang-honnef-go-tools-dev", file=sys.stderr)
        return 1
    dirs = staticcheck_dirs(args.root)
    selected = set(args.rules.split(",")) if args.rules else None
    failed = False
    rows = []
    for rule in load_pack(core_pack_dir()).rules:
        if selected is not None and rule.name not in selected:
            continue
        for eq in rule.equivalents:
            if not eq.startswith("staticcheck:"):
                continue
            code = eq.split(":", 1)[1]
            if code not in dirs:
                rows.append((rule.name, code, None))
                continue
            hit, missed, unexpected, crashes = score(_Mirror(rule, code), dirs[code])
            for c in crashes:
                failed = True
                print(f"FAILED {rule.name} ({code}): {c}", file=sys.stderr)
            rows.append((rule.name, code, (hit, missed, unexpected)))
    print(f"{'rule':<20} {'check':<7} {'hit':>5} {'missed':>6} {'unexp':>5} {'score':>6}")
    for name, code, counts in rows:
        if counts is None:
            print(f"{name:<20} {code:<7} {'no testdata':>24}")
            continue
        hit, missed, unexpected = counts
        total = hit + missed
        pct = f"{100 * hit / total:.0f}%" if total else "-"
        print(f"{name:<20} {code:<7} {hit:>5} {missed:>6} {unexpected:>5} {pct:>6}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
