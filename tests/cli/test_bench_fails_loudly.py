"""bench/benchmark.py must fail, not print fast rows, when gocheck does not run."""

from __future__ import annotations

import os
import subprocess
import sys

from gocheck_cli import REPO, write_tree


def test_benchmark_fails_when_gocheck_fails_to_start(tmp_path):
    tree = write_tree(tmp_path / "tree", {"go.mod": "module m\n\ngo 1.21\n", "a.go": "package m\n"})
    env = dict(os.environ, PYTHONPATH=str(REPO))
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "benchmark.py"), str(tree), "--jobs", "1", "--extra=--no-such-flag"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 1, run.stdout
    assert "a run failed" in run.stderr and "unrecognized arguments: --no-such-flag" in run.stderr
    assert "(b) gocheck cold" not in run.stdout
