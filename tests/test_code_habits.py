"""The code habits CI enforces: ruff and mypy, configured in pyproject.toml, report nothing.

They run here, inside the README's test command (which `.ci/run` calls), so a finding fails the
build the way a failing test does; the assertion message is the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["analyzer", "rulehub", "rules", "lsp"]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_reports_nothing() -> None:
    done = run_tool("ruff", "check", "--no-cache", "--output-format", "concise", *SOURCES, "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_reports_nothing() -> None:
    # The files and the strict modules (analyzer.api, rulehub.loader) come from [tool.mypy].
    done = run_tool("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert done.returncode == 0, done.stdout + done.stderr
