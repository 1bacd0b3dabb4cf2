"""bench/parse_corpus.py: counts per project, testdata/ left out, exit 1 on a file with errors, 2 on a failed run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "parse_corpus.py"

VALID = "package p\n\nvar d = new(30 * time.Second)\n"
BROKEN = "package p\n\nfunc f() {\n\tif x {\n}\n"


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--stdlib", "", *args], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)


def test_counts_files_and_names_the_broken_one(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "pkg" / "testdata").mkdir(parents=True)
    (project / "pkg" / "ok.go").write_text(VALID)
    (project / "pkg" / "broken.go").write_text(BROKEN)
    (project / "pkg" / "testdata" / "invalid_on_purpose.go").write_text("package")
    result = run_script("--list", str(project))
    assert result.returncode == 1, result.stderr
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("proj "))
    files, excluded, new_error_files = row[1], row[2], row[5]
    assert (files, excluded, new_error_files) == ("2", "0", "1")
    assert "new proj/pkg/broken.go" in result.stdout.splitlines()


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "ok.go").write_text(VALID)
    result = run_script(str(tmp_path / "clean"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_project_directory_is_a_failed_run(tmp_path: Path) -> None:
    result = run_script(str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "not a directory" in result.stderr
