#!/usr/bin/env python3
"""gocheck against the parse floor (and peers), on a tree you name.

Not a test: it prints numbers. Measured in one run, on the same files:
  (a) plain tree-sitter parsing of every file, one process
  (b) gocheck, cold cache, -j1
  (c) gocheck, cold cache, -jN
  (d) gocheck, warm cache (every package a hit)
with the ratios b/a, c/b, d/b and each run's peak memory (the whole process tree's RSS),
and, when ast-grep or semgrep are on PATH, their time on the same tree (vendor/ and testdata/
skipped for them too) with four equivalent rules, against (e) gocheck cold with only those
four rules.

    python bench/benchmark.py [TREE] [--jobs N] [--repeat R]

TREE defaults to the Go standard library sources (Debian's golang-1.19-src).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_TREE = "/usr/share/go-1.19/src"
SKIP = {"vendor", "testdata"}

PLAIN_PARSE = r"""
import os, sys, time
from analyzer.golang.source import parse
files = 0; size = 0
t = time.perf_counter()
for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
    dirnames[:] = [d for d in dirnames if d not in ("vendor", "testdata") and not d.startswith((".", "_"))]
    for name in filenames:
        if name.endswith(".go"):
            with open(os.path.join(dirpath, name), "rb") as fh:
                data = fh.read()
            parse(data)
            files += 1; size += len(data)
print(files, size, time.perf_counter() - t)
"""


def _descendants_rss(root_pid: int) -> int:
    """Sum of RSS (bytes) over a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, frontier = 0, [root_pid]
    while frontier:
        pid = frontier.pop()
        total += rss.get(pid, 0)
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return total


class RunFailed(Exception):
    """A timed command exited with a code that means it did not do the work."""


def timed(cmd: list[str], cwd: str | None = None, env: dict | None = None, ok_codes: tuple[int, ...] = (0, 1)) -> tuple[float, int, str]:
    """Run `cmd`; return (seconds, peak RSS of its process tree in bytes, stdout).

    Exit codes other than `ok_codes` (gocheck: 0 clean, 1 findings) raise RunFailed with
    the end of its stderr: a run that failed to start must not print a fast row."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        peak = 0
        out_chunks = []
        import threading

        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
        reader.start()
        while proc.poll() is None:
            peak = max(peak, _descendants_rss(proc.pid))
            time.sleep(0.05)
        reader.join()
        seconds = time.perf_counter() - start
        if proc.returncode not in ok_codes:
            errors.seek(0)
            tail = errors.read()[-2000:]
            raise RunFailed(f"{' '.join(cmd[:6])} ... exited {proc.returncode}:\n{tail}")
    return seconds, peak, "".join(out_chunks)


AST_GREP_RULES = """\
id: selfassign
language: go
rule: {pattern: "$A = $A"}
message: self-assignment
---
id: errorsnewsprintf
language: go
rule: {pattern: "errors.New(fmt.Sprintf($$$ARGS))"}
message: use fmt.Errorf
---
id: replacezero
language: go
rule: {pattern: "strings.Replace($A, $B, $C, 0)"}
message: n == 0 replaces nothing
---
id: deferinloop
language: go
rule:
  kind: defer_statement
  inside: {kind: for_statement, stopBy: {kind: func_literal}}
message: defer in loop
"""

SEMGREP_RULES = """\
rules:
  - id: selfassign
    languages: [go]
    severity: WARNING
    message: self-assignment
    pattern: $A = $A
  - id: errorsnewsprintf
    languages: [go]
    severity: WARNING
    message: use fmt.Errorf
    pattern: errors.New(fmt.Sprintf(...))
  - id: replacezero
    languages: [go]
    severity: WARNING
    message: n == 0 replaces nothing
    pattern: strings.Replace($A, $B, $C, 0)
  - id: deferinloop
    languages: [go]
    severity: WARNING
    message: defer in loop
    pattern-inside: for ... { ... }
    pattern: defer $F(...)
"""


# The gocheck rules the peers' rule files above stand for.
PEER_RULES = ("selfassign", "errorsnewsprintf", "replacezero", "deferinloop")


def _default_rules(py: str, env: dict) -> set[str]:
    """The rules a plain `gocheck` run enables, from `gocheck rules --format json`."""
    out = subprocess.run([py, "-m", "analyzer", "rules", "--format", "json"], env=env, capture_output=True, text=True, check=True).stdout
    return {r["name"] for r in json.loads(out) if r.get("enabled_by_default")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", nargs="?", default=DEFAULT_TREE)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--extra", nargs="*", default=[], help="extra gocheck flags, e.g. --disable nilcheck")
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        print(f"benchmark: {tree} is not a directory (apt-get install golang-1.19-src for the default)", file=sys.stderr)
        return 2
    repo = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=repo, GOCHECK_NO_PROGRESS="1")
    py = sys.executable

    t_a, mem_a, out = timed([py, "-c", PLAIN_PARSE, tree], env=env, ok_codes=(0,))
    files, size, _ = out.split()
    print(f"tree: {tree}")
    print(f"files: {files}, {int(size) / 1e6:.1f} MB read (vendor/ and testdata/ skipped, as gocheck does)")
    print(f"jobs for (c): {args.jobs}")
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs; other work on the machine skews (c) most)")
    print()

    gocheck = [py, "-m", "analyzer", "--format", "json:/dev/null", *args.extra]
    cold1 = tempfile.mkdtemp(prefix="gocheck-bench-")
    coldn = tempfile.mkdtemp(prefix="gocheck-bench-")
    try:
        t_b, mem_b, _ = timed([*gocheck, "-j", "1", "--cache-dir", cold1, "./..."], cwd=tree, env=env)
        t_c, mem_c, _ = timed([*gocheck, "-j", str(args.jobs), "--cache-dir", coldn, "./..."], cwd=tree, env=env)
        t_d, mem_d, _ = timed([*gocheck, "-j", str(args.jobs), "--cache-dir", coldn, "./..."], cwd=tree, env=env)
    finally:
        shutil.rmtree(cold1, ignore_errors=True)
        shutil.rmtree(coldn, ignore_errors=True)

    rows = [
        ("(a) plain tree-sitter parse, 1 process", t_a, mem_a),
        ("(b) gocheck cold, -j1", t_b, mem_b),
        (f"(c) gocheck cold, -j{args.jobs}", t_c, mem_c),
        ("(d) gocheck warm (cache hit)", t_d, mem_d),
    ]
    for label, secs, mem in rows:
        print(f"{label:42} {secs:8.2f} s   peak {mem / 2**20:7.1f} MiB")
    print()
    print(f"b/a = {t_b / t_a:.2f}   (target <= 2.0)")
    print(f"c/b = {t_c / t_b:.2f}   (target <= 0.6)")
    print(f"d/b = {t_d / t_b:.3f}  (target <= 0.05)")
    print("load average after gocheck: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    peers = []
    with tempfile.TemporaryDirectory() as tmp:
        if shutil.which("ast-grep"):
            rules = Path(tmp, "ast-grep.yml")
            rules.write_text(AST_GREP_RULES)
            skip = [arg for d in SKIP for arg in ("--globs", f"!**/{d}/**")]
            secs, mem, _ = timed(["ast-grep", "scan", "--rule", str(rules), *skip, "--json=compact", "."], cwd=tree)
            peers.append(("ast-grep scan (4 equivalent rules)", secs, mem))
        if shutil.which("semgrep"):
            rules = Path(tmp, "semgrep.yml")
            rules.write_text(SEMGREP_RULES)
            skip = [arg for d in SKIP for arg in ("--exclude", d)]
            secs, mem, _ = timed(
                ["semgrep", "scan", "--metrics=off", "--disable-version-check", "--quiet", "--json", *skip, "--config", str(rules), "."],
                cwd=tree,
                env=dict(os.environ, SEMGREP_SEND_METRICS="off"),
            )
            peers.append(("semgrep (4 equivalent rules)", secs, mem))
        if peers:
            # gocheck with only the same four rules, cold, for a like-for-like ratio
            same = tempfile.mkdtemp(prefix="gocheck-bench-", dir=tmp)
            others = ",".join(sorted(_default_rules(py, env) - set(PEER_RULES) - {"syntax", "internal"}))
            t_same, mem_same, _ = timed([*gocheck, "--disable", others, "-j", str(args.jobs), "--cache-dir", same, "./..."], cwd=tree, env=env)
    if peers:
        print()
        print(f"{'(e) gocheck cold, -j' + str(args.jobs) + ', the same 4 rules':42} {t_same:8.2f} s   peak {mem_same / 2**20:7.1f} MiB")
        for label, secs, mem in peers:
            print(f"{label:42} {secs:8.2f} s   peak {mem / 2**20:7.1f} MiB   {secs / t_same:5.2f}x (e), {secs / t_c:5.2f}x (c)")
        print("(peers scan every .go file; gocheck skips generated files and files the build excludes)")
    else:
        print("\n(ast-grep and semgrep not on PATH: peers not timed; pip install ast-grep-cli semgrep)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RunFailed as exc:
        print(f"benchmark: a run failed, no numbers: {exc}", file=sys.stderr)
        sys.exit(1)
