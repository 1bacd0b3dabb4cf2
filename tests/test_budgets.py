"""Budgets that hold inside one declaration: a single huge expression or a few megabytes of
them end within the per-file budget with an `internal` finding naming the file and the
budget, memory stays bounded, and the other files' findings are still reported. Before,
the query budget was checked only between top-level declarations, and tree-sitter's query
cursor, which tracks depth in 16 bits, ran for hours on an expression nested past 65,535
levels. Generated here, not checked in."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
MEMORY_LIMIT = 2 * 1024 * MIB
# A hang test, not a speed assertion: the budget is 10 s of CPU per file, and a shared
# 2-core CI machine stretches that several times in wall-clock time.
TIMEOUT = 400
SELF_ASSIGN = "package p\n\nfunc g(x int) int {\n\tx = x\n\treturn x\n}\n"


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_gocheck(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1")
    return subprocess.run(
        [sys.executable, "-m", "analyzer", "--no-cache", "--format", "json", *args, "./..."],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, preexec_fn=limit_memory,
    )


def sum_of_ones(terms: int) -> str:
    return "+".join(["1"] * terms)


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("budgets")
    for name, text in {
        # one line of 1+1+... with 100k terms: 100k levels deep, fine for the go compiler
        "long/long.go": "package long\n\nfunc f() int {\n\tx := " + sum_of_ones(100_000) + "\n\treturn x\n}\n",
        # 4 MiB of such lines in one function: no declaration boundary to stop at
        "lines/lines.go": "package lines\n\nfunc f() int {\n" + "".join(f"\tx{i} := " + sum_of_ones(100_000) + "\n" for i in range(20)) + "\treturn 0\n}\n",
        # 4 MiB of one expression nested two million levels deep
        "deep/deep.go": "package deep\n\nvar y = " + "(" * (2 * MIB - 20) + "1" + ")" * (2 * MIB - 20) + "\n",
        "ok/ok.go": SELF_ASSIGN,
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert (root / "lines/lines.go").stat().st_size > 3.5 * MIB and (root / "deep/deep.go").stat().st_size > 3.5 * MIB
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_huge_expressions_end_within_the_budget_in_bounded_memory(hostile_tree, jobs):
    out = run_gocheck(hostile_tree, "-j", jobs)
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    assert out.returncode == 3, (out.returncode, out.stderr[-3000:])
    found = json.loads(out.stdout)["diagnostics"]
    internal = {d["path"]: d["message"] for d in found if d["rule"] == "internal"}
    for path in ("lines/lines.go", "deep/deep.go"):
        assert path in internal and "budget" in internal[path], internal
    assert ("ok/ok.go", "selfassign") in {(d["path"], d["rule"]) for d in found}
    # the 100k-term line alone fits the budget now: analysed, not given up on
    assert "long/long.go" not in internal, internal
