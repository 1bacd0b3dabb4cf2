"""A test whose machine part is missing is skipped on a developer's machine and fails in CI
(tests/support/environment.py), so a CI run cannot pass by skipping what it should have run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NEEDS_TESTDATA = '''
from pathlib import Path
from tests.support.environment import require_dir

TESTDATA = require_dir(Path("/nonexistent/gocheck-testdata"), "golang-golang-x-tools-dev")

def test_uses_it():
    assert TESTDATA.is_dir()
'''


def run_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_needs_testdata.py").write_text(NEEDS_TESTDATA)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_missing_testdata_is_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, None)
    assert done.returncode in (0, 5) and "1 skipped" in done.stdout, done.stdout + done.stderr  # 5: the module skipped


def test_missing_testdata_fails_the_run_in_ci(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "true")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "golang-golang-x-tools-dev" in done.stdout and "CI is set" in done.stdout, done.stdout
    assert "skipped" not in done.stdout


def test_ci_false_counts_as_unset(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "false")
    assert done.returncode in (0, 5) and "1 skipped" in done.stdout, done.stdout + done.stderr
