"""What 50 pattern rules cost on a cold run over the Go standard library, and the same plain
patterns under ast-grep and semgrep where they are installed.

    python3 bench/patterns_bench.py [--root /usr/share/go-1.19/src] [--skip-tools]

Each configuration runs in its own process (`-j 1`, no result cache: cold) and is measured
in CPU seconds (user + system of the child), so other load on the machine mostly cancels
out. Printed:

- core: gocheck's built-in rules;
- core + 50 patterns: the same plus 50 pattern rules (rules/security's 18 and the 32 plain
  patterns below); the issue's bar is at most +30%;
- the 32 plain patterns alone under gocheck, ast-grep (`sg scan`, npm @ast-grep/cli) and
  semgrep (`semgrep --config`), on the same files (the ones gocheck checks: build
  constraints applied, testdata left out), each counting its matches.

Fails loudly (exit 1) when a run fails, the 30% bar is missed, or gocheck reports an
internal error; a tool that is not installed is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_OVERHEAD = 0.30

# Plain patterns every tool can say the same way (holes and `...` only).
PLAIN = [
    'fmt.Sprintf("%s", $X)',
    "strings.Index($S, $T) == -1",
    "strings.Index($S, $T) != -1",
    "len($X) == 0",
    "errors.New(fmt.Sprintf($...ARGS))",
    "time.Now().Sub($T)",
    "defer $F.Close()",
    "regexp.MustCompile($X)",
    "bytes.Compare($A, $B) == 0",
    "strings.Compare($A, $B) == 0",
    "ioutil.ReadAll($R)",
    "ioutil.ReadFile($P)",
    "os.Exit($C)",
    "panic($X)",
    "context.Background()",
    "sort.Sort(sort.Reverse($X))",
    "strings.HasPrefix($S, $P)",
    "json.Unmarshal($B, $V)",
    "log.Fatal(...)",
    "fmt.Println(...)",
    "reflect.DeepEqual($A, $B)",
    "$X == nil",
    "new($T)",
    "strconv.Itoa($X)",
    "atomic.AddInt64($P, 1)",
    "strings.Replace($S, $A, $B, -1)",
    "time.Sleep($D)",
    "sync.WaitGroup{}",
    "http.Error($W, $MSG, $CODE)",
    "filepath.Join($...PARTS)",
    "os.Getenv($K)",
    "utf8.RuneCountInString($S)",
]

GOCHECK_RUN = """
import json, resource, sys
from pathlib import Path
from analyzer.pipeline.checker import check_patterns
from analyzer.pipeline.ruleset import builtin_rules
from analyzer.pipeline.rulepack import load_pack
from analyzer.pipeline.runner import EngineOptions
which, root, listing, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rules = list(builtin_rules()) if which in ("core", "core+patterns") else []
for pack in extra:
    rules += list(load_pack(Path(pack)).rules)
seen = []
if listing:  # record the files the engine checked (build constraints applied, generated left out)
    from analyzer.api.rule import Rule
    rules.append(Rule(name="files-seen", summary="", run=lambda pass_: seen.extend(f.path for f in pass_.files)))
result = check_patterns(["./..."], rules, EngineOptions(), cwd=Path(root), jobs=1, keep_sources=False)
if listing:  # so the other tools get the same files
    Path(listing).write_text("\\n".join(str(Path(root) / p) for p in seen))
internal = [d.message for d in result.diagnostics if d.rule == "internal" and "crashed" in d.message]
print(json.dumps({"files": result.files, "findings": len(result.diagnostics), "crashes": internal[:5]}))
"""


def cpu_run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def plain_pack(directory: Path) -> Path:
    directory.mkdir(parents=True)
    (directory / "pack.toml").write_text('[pack]\nname = "bench/plain"\nversion = "0.1.0"\n')
    for i, pattern in enumerate(PLAIN):
        (directory / f"p{i:02}.toml").write_text(f"name = \"p{i:02}\"\nmessage = \"plain pattern {i}\"\npattern = {json.dumps(pattern)}\n")
    return directory


def gocheck(which: str, root: Path, packs: list[Path], listing: Path | None = None) -> tuple[float, dict]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    seconds, proc = cpu_run([sys.executable, "-c", GOCHECK_RUN, which, str(root), str(listing or ""), *map(str, packs)], REPO, env)
    if proc.returncode != 0:
        raise SystemExit(f"gocheck {which} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if out["crashes"]:
        raise SystemExit(f"gocheck {which}: rules crashed: {out['crashes']}")
    return seconds, out


def to_ast_grep(pattern: str) -> str:
    """ast-grep's rule for the pattern. A bare Go call such as `fmt.Println($A)` matches
    nothing there (ast-grep's FAQ: it is parsed as something else out of context), so each
    pattern is given its place in a function, and the node kind our parser reads it as."""
    from analyzer.patterns.parse import parse_pattern

    parsed = parse_pattern(pattern)
    text = pattern.replace("$...", "$$$").replace("...", "$$$")
    context = f"func t() {{ _ = {text} }}" if parsed.context == "expression" else f"func t() {{ {text} }}"
    return json.dumps({"context": context, "selector": parsed.nodes[0].type})


def ast_grep(files: list[str], work: Path) -> tuple[float, int] | str:
    exe = shutil.which("ast-grep") or next((str(p) for p in (Path("/tmp/astgrep/node_modules/.bin/ast-grep"),) if p.exists()), None)
    if exe is None:
        return "not installed (npm install @ast-grep/cli)"
    rules = work / "sg-rules"
    rules.mkdir()
    for i, pattern in enumerate(PLAIN):
        (rules / f"p{i:02}.yml").write_text(f"id: p{i:02}\nlanguage: go\nseverity: info\nmessage: plain pattern {i}\nrule:\n  pattern: {to_ast_grep(pattern)}\n")
    (work / "sgconfig.yml").write_text(f"ruleDirs:\n  - {rules}\n")
    seconds, proc = cpu_run([exe, "scan", "--config", str(work / "sgconfig.yml"), "--json=stream", "--threads", "1", *files], work)
    if proc.returncode not in (0, 1):
        return f"failed: {proc.stderr[-500:]}"
    return seconds, sum(1 for line in proc.stdout.splitlines() if line.strip())


def semgrep(files: list[str], work: Path) -> tuple[float, int] | str:
    exe = shutil.which("semgrep") or next((str(p) for p in (Path("/tmp/semgrep-venv/bin/semgrep"),) if p.exists()), None)
    if exe is None:
        return "not installed (pip install semgrep)"
    config = work / "semgrep.yml"
    rules = [{"id": f"p{i:02}", "pattern": p, "message": f"plain pattern {i}", "languages": ["go"], "severity": "INFO"} for i, p in enumerate(PLAIN)]
    config.write_text(json.dumps({"rules": rules}))
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    cmd = [exe, "scan", "--config", str(config), "--json", "--metrics", "off", "--disable-version-check", "-j", "1", "--no-git-ignore", "--max-target-bytes", "0", "--timeout", "0", *files]
    seconds, proc = cpu_run(cmd, work, env)
    try:
        return seconds, len(json.loads(proc.stdout)["results"])
    except (ValueError, KeyError):
        return f"failed (exit {proc.returncode}): {proc.stderr[-500:]}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default="/usr/share/go-1.19/src")
    parser.add_argument("--skip-tools", action="store_true", help="gocheck only")
    args = parser.parse_args()
    root = Path(args.root)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = plain_pack(work / "plain")
        security = REPO / "rules" / "security"
        patterns = len(PLAIN) + len(list(security.glob("*.toml"))) - 1
        core_s, core = gocheck("core", root, [])
        both_s, _both = gocheck("core+patterns", root, [security, plain])
        listing = work / "files.txt"
        alone_s, alone = gocheck("patterns", root, [plain], listing)
        files = listing.read_text().split()
        overhead = both_s / core_s - 1
        print(f"tree: {root} ({core['files']} files), CPU seconds, -j 1, cold (no result cache)")
        print(f"  gocheck core rules:                 {core_s:8.1f}s  ({core['findings']} findings)")
        print(f"  gocheck core + {patterns} pattern rules:    {both_s:8.1f}s  (+{overhead:.0%}; bar +{MAX_OVERHEAD:.0%})")
        print(f"  the {len(PLAIN)} plain patterns alone, on the same {len(files)} files:")
        print(f"    gocheck   {alone_s:8.1f}s  {alone['findings']} matches (parse included)")
        if not args.skip_tools:
            for name, run in (("ast-grep", ast_grep), ("semgrep", semgrep)):
                got = run(files, work)
                print(f"    {name:9} " + (f"{got[0]:8.1f}s  {got[1]} matches" if isinstance(got, tuple) else got))
        print(textwrap.dedent("""\
            (matches differ by design: gocheck resolves package names through imports, so
             `fmt.Println` under `import f "fmt"` counts and a variable called fmt does not)"""))
        if patterns != 50:
            print(f"FAIL: expected 50 pattern rules, have {patterns}")
            return 1
        if overhead > MAX_OVERHEAD:
            print(f"FAIL: {patterns} pattern rules add {overhead:.0%}, over the {MAX_OVERHEAD:.0%} bar")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
