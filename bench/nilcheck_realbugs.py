"""nilcheck on real nil-pointer fixes: found before the fix, silent after it?

    python bench/nilcheck_realbugs.py [--mine] [--mirrors DIR] [--cases FILE] [-v]

The cases are commits of large Go projects whose message says they fix a nil pointer
dereference or a nil panic (`git log -i --grep='nil pointer\\|nil deref\\|nil panic'`), with a
small diff (at most 3 non-test .go files, at most 60 changed lines in them). `--mine` lists
them from the bare mirrors (/work/.mirror/<owner>+<name>/repo) into the cases file (commit
ids only); without it the cases file is read. No source is stored: for each case the
runner reads, from the mirror, every .go file of each changed file's package directory at
the fix's parent (before) and at the fix (after), and runs nilcheck on both. A case whose
mirror is absent is skipped.

A case is *found before* when nilcheck reports, before the fix, a line the fix changes (or
one within 3 lines of a changed hunk), and *silent after* when none of those findings (rule,
message and line text) is still reported after it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.api.analysis_pass import Package  # noqa: E402
from analyzer.pipeline.rulepack import core_pack_dir, load_pack  # noqa: E402
from analyzer.pipeline.runner import Engine, EngineOptions  # noqa: E402
from analyzer.golang.source import GoFile  # noqa: E402

MIRRORS = Path("/work/.mirror")
CASES = Path(__file__).resolve().parent / "nilcheck_realbugs.json"
GREP = r"nil pointer\|nil deref\|nil panic"
MAX_FILES = 3
MAX_LINES = 60
NEAR = 3


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], input=input, capture_output=True, check=True).stdout


def _is_source(path: str) -> bool:
    return path.endswith(".go") and not path.endswith("_test.go") and "/vendor/" not in f"/{path}" and "/testdata/" not in f"/{path}"


def mine(mirrors: Path) -> list[dict]:
    cases = []
    for repo_dir in sorted(mirrors.glob("*+*/repo")):
        project = repo_dir.parent.name.replace("+", "/", 1)
        log = _git(repo_dir, "log", "--no-merges", "-i", f"--grep={GREP}", "--format=%H %s").decode("utf-8", "replace")
        for line in log.splitlines():
            commit, _, subject = line.partition(" ")
            stat = _git(repo_dir, "show", "--numstat", "--format=", commit).decode("utf-8", "replace").split("\n")
            files, changed = [], 0
            for row in stat:
                parts = row.split("\t")
                if len(parts) != 3 or not _is_source(parts[2]) or parts[0] == "-":
                    continue
                files.append(parts[2])
                changed += int(parts[0]) + int(parts[1])
            if files and len(files) <= MAX_FILES and changed <= MAX_LINES:
                cases.append({"project": project, "commit": commit, "subject": subject[:100], "files": files})
    return cases


@dataclass
class Outcome:
    case: dict
    found_before: list[str]
    still_after: list[str]


def _package_files(repo: Path, rev: str, directory: str) -> dict[str, bytes]:
    """Every non-test .go file directly in `directory` at `rev`."""
    listing = _git(repo, "ls-tree", "-z", f"{rev}:{directory}" if directory else f"{rev}^{{tree}}").decode("utf-8", "replace")
    names = [e.split("\t", 1)[1] for e in listing.split("\0") if "\t" in e and e.split(" ")[1] == "blob"]
    names = [n for n in names if _is_source(n)]
    out = {}
    for n in names:
        path = f"{directory}/{n}" if directory else n
        out[path] = _git(repo, "show", f"{rev}:{path}")
    return out


def _changed_lines(repo: Path, commit: str, path: str) -> set[int]:
    """Lines of `path` before the fix that the fix touches, widened by NEAR lines (an
    insertion counts at the line it is inserted before)."""
    diff = _git(repo, "diff", "-U0", f"{commit}^", commit, "--", path).decode("utf-8", "replace")
    lines: set[int] = set()
    for m in re.finditer(r"^@@ -(\d+)(?:,(\d+))? \+", diff, re.M):
        start, count = int(m.group(1)), int(m.group(2) or "1")
        lo, hi = (start, start + count - 1) if count else (start, start + 1)
        lines.update(range(lo - NEAR, hi + NEAR + 1))
    return lines


def _findings(engine: Engine, directory: str, sources: dict[str, bytes]) -> list:
    files = [GoFile.parse(path, src) for path, src in sorted(sources.items())]
    return [d for d in engine.check_package(Package(directory, files)) if d.rule == "nilcheck"]


def _key(d, sources: dict[str, bytes]) -> tuple[str, str, str]:
    text = sources[d.path].split(b"\n")[d.line - 1].decode("utf-8", "replace")
    return (d.path, d.message.split(" at line ")[0], " ".join(text.split()))


def run_case(engine: Engine, repo: Path, case: dict) -> Outcome:
    commit = case["commit"]
    found, still = [], []
    for directory in sorted({str(PurePosixPath(f).parent) if "/" in f else "" for f in case["files"]}):
        before = _package_files(repo, f"{commit}^", directory)
        after = _package_files(repo, commit, directory)
        after_keys = {_key(d, after) for d in _findings(engine, directory, after)}
        for path in case["files"]:
            if path not in before:
                continue
            near = _changed_lines(repo, commit, path)
            for d in _findings(engine, directory, before):
                if d.path == path and d.line in near:
                    label = f"{path}:{d.line}: {d.message}"
                    found.append(label)
                    if _key(d, before) in after_keys:
                        still.append(label)
    return Outcome(case, found, still)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mine", action="store_true", help="list the cases from the mirrors into --cases")
    ap.add_argument("--mirrors", type=Path, default=MIRRORS)
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.mine:
        cases = mine(args.mirrors)
        args.cases.write_text(json.dumps(cases, indent=1) + "\n")
        print(f"{len(cases)} cases written to {args.cases}")
    cases = json.loads(args.cases.read_text())
    rule = next(r for r in load_pack(core_pack_dir()).rules if r.name == "nilcheck")
    engine = Engine([rule], EngineOptions(include_generated=True))
    ran = skipped = found = fixed = 0
    for case in cases:
        repo = args.mirrors / case["project"].replace("/", "+", 1) / "repo"
        if not repo.is_dir():
            skipped += 1
            continue
        try:
            outcome = run_case(engine, repo, case)
        except subprocess.CalledProcessError:
            skipped += 1  # the mirror lacks the commit or its parent
            continue
        ran += 1
        if outcome.found_before:
            found += 1
            if not outcome.still_after:
                fixed += 1
        if args.verbose or outcome.found_before:
            verdict = "found, silent after" if outcome.found_before and not outcome.still_after else ("found, still reported after" if outcome.found_before else "not found")
            print(f"{case['project']} {case['commit'][:12]} {case['subject'][:60]!r}: {verdict}")
            for label in outcome.found_before:
                print(f"    {label}")
    print(f"real nil fixes: {ran} run, {skipped} skipped; found before the fix: {found}; found before and silent after: {fixed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
