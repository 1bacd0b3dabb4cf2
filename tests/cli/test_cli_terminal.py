"""What a person at a terminal sees: progress bar, summary; and `gocheck rules` / `explain`."""

import io
import json
import os
import pty
import subprocess
import sys

from analyzer.cli.progress import ProgressBar, interactive, summary_line
from gocheck_cli import REPO, SELFASSIGN, run_gocheck, write_tree


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_interactive_only_on_a_tty_outside_ci():
    assert interactive(FakeTTY(), {})
    assert not interactive(io.StringIO(), {})
    assert not interactive(FakeTTY(), {"CI": "true"})
    assert not interactive(FakeTTY(), {"GOCHECK_NO_PROGRESS": "1"})


def test_progress_bar_waits_a_second_then_draws_and_clears():
    now = [0.0]
    stream = FakeTTY()
    bar = ProgressBar(stream, delay=1.0, clock=lambda: now[0])
    bar.update(1, 10)
    assert stream.getvalue() == ""  # short runs show nothing
    now[0] = 1.5
    bar.update(5, 10)
    assert "5/10 packages" in stream.getvalue() and "[" in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_summary_line():
    assert summary_line(1, 1, 0, 0.04) == "gocheck: 1 file in 1 package, 0 findings, 0.0s"
    assert summary_line(12, 3, 2, 1.26, baselined=4) == "gocheck: 12 files in 3 packages, 2 findings (4 in the baseline), 1.3s"


def _run_on_pty(args, cwd):
    """gocheck with stderr on a pseudo-terminal and stdout piped."""
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GOCHECK_NO_PROGRESS", "GITHUB_ACTIONS")}
    env["PYTHONPATH"] = str(REPO)
    env["GOCHECK_CACHE_DIR"] = str(cwd / ".gocheck-test-cache")
    proc = subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=child, stdin=subprocess.DEVNULL, timeout=120)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return proc, b"".join(chunks).decode()


def test_summary_on_a_terminal_but_not_when_a_machine_format_goes_to_stdout(tmp_path):
    write_tree(tmp_path, {"p/a.go": SELFASSIGN})
    proc, err = _run_on_pty([], tmp_path)
    assert proc.returncode == 1
    assert "gocheck: 1 file in 1 package, 1 finding," in err
    proc, err = _run_on_pty(["--format", "json"], tmp_path)
    assert json.loads(proc.stdout)["diagnostics"] and "gocheck:" not in err


def test_rules_lists_names_severity_default_and_equivalents(tmp_path):
    out = run_gocheck("rules", cwd=tmp_path)
    assert out.returncode == 0
    line = next(l for l in out.stdout.splitlines() if l.startswith("selfassign "))
    assert "warning" in line and " on " in line and "staticcheck:SA4018" in line
    assert any(l.startswith("unused-suppression ") and " off " in l for l in out.stdout.splitlines())
    doc = json.loads(run_gocheck("rules", "--format", "json", cwd=tmp_path).stdout)
    rule = next(r for r in doc if r["name"] == "selfassign")
    assert rule["enabled_by_default"] is True and "staticcheck:SA4018" in rule["equivalents"]


def test_explain_renders_docs_and_suggests_close_names(tmp_path):
    out = run_gocheck("explain", "selfassign", cwd=tmp_path)
    assert out.returncode == 0
    assert out.stdout.startswith("# selfassign\n") and "## Why is this bad?" in out.stdout
    assert run_gocheck("explain", "SA4018", cwd=tmp_path).stdout.startswith("# selfassign\n")
    out = run_gocheck("explain", "selfasign", cwd=tmp_path)
    assert out.returncode == 2 and "did you mean selfassign" in out.stderr  # first, the closest name
