"""What scope resolution costs next to parsing: every identifier of every file resolved.

    python bench/scope_cost.py [--repeat N] [DIR ...]   (default: the Go standard library)

Parses every .go file under DIR (testdata and vendor included: more syntax to cover),
groups files by directory and package clause, then builds `PackageScopes` for each package
and resolves everything (`declarations`), as a run whose rules asked about every function
would. Reports CPU seconds (process time, so other load on the machine does not skew the
ratio), the best of N rounds, for parsing, building the package scopes and resolving, and
resolution's cost as a multiple of parsing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.golang.scope import PackageScopes  # noqa: E402
from analyzer.golang.source import GoFile  # noqa: E402

DEFAULT_DIR = "/usr/share/go-1.19/src"


def _sources(roots: list[str]) -> list[tuple[str, bytes]]:
    out = []
    for root in roots:
        for directory, subdirs, names in os.walk(root):
            subdirs.sort()
            out.extend((os.path.join(directory, n), Path(directory, n).read_bytes()) for n in sorted(names) if n.endswith(".go"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", default=[DEFAULT_DIR])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    sources = _sources(args.dirs)
    best = {"parse": float("inf"), "scopes": float("inf"), "resolve": float("inf")}
    for _ in range(args.repeat):
        cpu = time.process_time()
        files = [GoFile.parse(path, src) for path, src in sources]
        best["parse"] = min(best["parse"], time.process_time() - cpu)
        packages: dict[tuple[str, str], list[GoFile]] = {}
        for f in files:
            packages.setdefault((os.path.dirname(f.path), f.package_name), []).append(f)
        cpu = time.process_time()
        scopes = [PackageScopes(p) for p in packages.values()]
        best["scopes"] = min(best["scopes"], time.process_time() - cpu)
        cpu = time.process_time()
        declared = sum(len(s.declarations) for s in scopes)
        best["resolve"] = min(best["resolve"], time.process_time() - cpu)
        del scopes
    print(f"{len(sources)} files, {len(packages)} packages, {declared} declarations")
    for name, seconds in best.items():
        print(f"{name:8} cpu {seconds:6.2f}s")
    total = best["scopes"] + best["resolve"]
    print(f"scope resolution costs {total / best['parse']:.2f}x parsing ({total:.2f}s over {best['parse']:.2f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
