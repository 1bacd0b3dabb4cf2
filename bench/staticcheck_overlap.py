"""How much of staticcheck's output on the Go standard library gocheck's core rules reproduce.

    python bench/staticcheck_overlap.py [--staticcheck-json FILE] [--goroot /usr/lib/go-1.19]
                                        [--details FILE] [--rules a,b]

For every core rule that mirrors a staticcheck check (its `equivalents` name the code), the
script runs staticcheck (Debian's go-staticcheck, on PATH as `staticcheck` or
`go-staticcheck`) on `std` of the Go toolchain in --goroot, offline, unless a JSON output of
an earlier run is given with --staticcheck-json (`staticcheck -f json std`, one object a
line). gocheck runs on the same package directories (`go list -f {{.Dir}} std`). A finding
of each side is its file and line; per check it prints:

    both        staticcheck findings gocheck reports on the same line
    sc-only     staticcheck findings gocheck misses
    gc-only     gocheck findings staticcheck does not report there (under any check the rule mirrors)

--details writes every sc-only and gc-only finding (JSON) for reading. Exits 1, loudly, when
staticcheck or the Go toolchain is missing or fails to produce output: this is a
measurement to run by hand (about ten minutes for staticcheck on a loaded two-core
machine), not a test.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.rulepack import core_pack_dir, load_pack

DEFAULT_GOROOT = Path("/usr/lib/go-1.19")


def go_env(goroot: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{goroot / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", "GOROOT": str(goroot),
            "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOCACHE": str(cache / "go"), "XDG_CACHE_HOME": str(cache / "xdg")}


def std_dirs(goroot: Path, env: dict[str, str]) -> list[str]:
    proc = subprocess.run(["go", "list", "-f", "{{.Dir}}", "std"], env=env, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit(f"go list std failed (is golang-1.19-go installed?): {proc.stderr.strip()}")
    return proc.stdout.split()


def run_staticcheck(goroot: Path, env: dict[str, str]) -> list[dict]:
    binary = shutil.which("staticcheck") or shutil.which("go-staticcheck")
    if binary is None:
        raise SystemExit("staticcheck not found: apt-get install go-staticcheck (or pass --staticcheck-json)")
    proc = subprocess.run([binary, "-f", "json", "std"], cwd=goroot / "src", env=env, capture_output=True, text=True, timeout=7200, check=False)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"staticcheck failed (exit {proc.returncode}): {proc.stderr.strip()[:2000]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def read_json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staticcheck-json", type=Path, help="staticcheck -f json output of an earlier run on std")
    parser.add_argument("--goroot", type=Path, default=DEFAULT_GOROOT)
    parser.add_argument("--details", type=Path, help="write the sc-only and gc-only findings here (JSON)")
    parser.add_argument("--rules", help="comma-separated core rule names (default: every rule mirroring a staticcheck check)")
    args = parser.parse_args()
    if not (args.goroot / "bin" / "go").is_file():
        print(f"no Go toolchain in {args.goroot}: apt-get install golang-1.19-go", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="overlap-") as tmp:
        env = go_env(args.goroot, Path(tmp))
        dirs = std_dirs(args.goroot, env)
        try:
            sc = read_json_lines(args.staticcheck_json) if args.staticcheck_json else run_staticcheck(args.goroot, env)
        except SystemExit as e:
            print(e, file=sys.stderr)
            return 1
    selected = set(args.rules.split(",")) if args.rules else None
    mirrors: dict[str, list[str]] = defaultdict(list)  # staticcheck code -> gocheck rules
    codes_of: dict[str, list[str]] = {}  # gocheck rule -> the staticcheck codes it mirrors
    rules = []
    for rule in load_pack(core_pack_dir()).rules:
        codes = [e.split(":", 1)[1] for e in rule.equivalents if e.startswith("staticcheck:")]
        if codes and (selected is None or rule.name in selected):
            rules.append(rule)
            codes_of[rule.name] = codes
            for code in codes:
                mirrors[code].append(rule.name)
    if not rules:
        print("no core rule mirrors a staticcheck check", file=sys.stderr)
        return 1
    result = check_patterns(dirs, rules, keep_sources=False)
    crashes = [d for d in result.diagnostics if d.rule == "internal"]
    ours: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for d in result.diagnostics:
        ours[d.rule].add((os.path.realpath(d.path), d.line))
    theirs: dict[str, set[tuple[str, int]]] = defaultdict(set)
    messages: dict[tuple[str, str, int], str] = {}
    for f in sc:
        loc = f.get("location", {})
        key = (os.path.realpath(loc.get("file", "")), int(loc.get("line", 0)))
        theirs[f["code"]].add(key)
        messages[(f["code"], *key)] = f.get("message", "")
    details = []
    print(f"{'check':<7} {'gocheck rules':<28} {'sc':>5} {'both':>5} {'sc-only':>7} {'gc-only':>7} {'recall':>6}")
    for code in sorted(mirrors):
        mine: set[tuple[str, int]] = set().union(*(ours[r] for r in mirrors[code]))
        expected = theirs.get(code, set())
        both = expected & mine
        # A finding of a rule that mirrors several checks (unsignedcompare: SA4003 and SA4024)
        # is gocheck-only when none of those checks reports it.
        siblings: set[tuple[str, int]] = set().union(*(theirs.get(c, set()) for r in mirrors[code] for c in codes_of[r]))
        mine_only = mine - siblings
        recall = f"{100 * len(both) / len(expected):.0f}%" if expected else "-"
        print(f"{code:<7} {','.join(mirrors[code]):<28} {len(expected):>5} {len(both):>5} {len(expected - mine):>7} {len(mine_only):>7} {recall:>6}")
        details += [{"check": code, "side": "sc-only", "path": p, "line": n, "message": messages.get((code, p, n), "")} for p, n in sorted(expected - mine)]
        details += [{"check": code, "side": "gc-only", "rules": mirrors[code], "path": p, "line": n} for p, n in sorted(mine_only)]
    if args.details:
        args.details.write_text(json.dumps(details, indent=1))
    for d in crashes:
        print(f"INTERNAL {d.path}:{d.line}: {d.message}", file=sys.stderr)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
