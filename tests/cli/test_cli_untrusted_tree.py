"""A hostile checkout, end to end (issue 13, items 5, 6 and 8): committed symlinks, FIFOs,
devices, huge files, unreadable directories, output paths in `.gocheck.toml` and control
characters in source lines and file names. gocheck runs as a subprocess on a tree in a
tmp dir, as CI runs it on a stranger's pull request."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gocheck_cli import CLEAN, REPO, SELFASSIGN, run_gocheck, write_tree

FORMATS = ("text", "json", "sarif", "github", "checkstyle", "junit")
GO_MOD = "module example.com/m\n\ngo 1.21\n"


def findings(out: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(out.stdout)["diagnostics"]


def internal_messages(out: subprocess.CompletedProcess) -> dict[str, str]:
    return {d["path"]: d["message"] for d in findings(out) if d["rule"] == "internal"}


# -- item 5: reading the tree ---------------------------------------------------------


def run_with_secret(secret: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """gocheck with a small environment whose first variable is a secret, as a CI job's
    token (first, so a leaked environ's first line is the secret)."""
    env = {"GOCHECK_API_KEY": secret, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "HOME": str(cwd), "GOCHECK_NO_PROGRESS": "1"}
    return subprocess.run([sys.executable, "-m", "analyzer", "--no-cache", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_a_symlink_to_proc_self_environ_never_prints_the_jobs_secrets(tmp_path):
    secret = "s3cr3t-token-5b2f9c"
    write_tree(tmp_path, {"go.mod": GO_MOD, "pkg/a.go": SELFASSIGN})
    (tmp_path / "pkg" / "env.go").symlink_to("/proc/self/environ")
    for fmt in FORMATS:
        out = run_with_secret(secret, "--format", fmt, cwd=tmp_path)
        assert secret not in out.stdout and secret not in out.stderr, fmt
        assert out.returncode == 3, (fmt, out.stderr[-2000:])  # something was not checked: say so
    out = run_with_secret(secret, "--format", "json", cwd=tmp_path)
    assert "a symlink that leads outside the checked tree" in internal_messages(out)["pkg/env.go"]
    assert ("selfassign", "pkg/a.go") in {(d["rule"], d["path"]) for d in findings(out)}  # the rest is still checked


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)


def test_a_symlink_to_dev_zero_finishes_quickly_in_bounded_memory(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": SELFASSIGN})
    (tmp_path / "zero.go").symlink_to("/dev/zero")
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1")
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "analyzer", "--no-cache", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, preexec_fn=_limit_memory,
    )  # fmt: skip
    assert "Traceback" not in out.stderr and "MemoryError" not in out.stderr, out.stderr[-2000:]
    assert out.returncode == 3
    assert "not read" in internal_messages(out)["zero.go"]
    assert time.monotonic() - started < 60


def test_a_fifo_does_not_hang_the_run(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": SELFASSIGN})
    os.mkfifo(tmp_path / "pipe.go")
    out = run_gocheck("--no-cache", "--format", "json", cwd=tmp_path, timeout=60)
    assert out.returncode == 3, out.stderr[-2000:]
    assert "a FIFO, not a regular file" in internal_messages(out)["pipe.go"]


def test_a_symlink_to_dev_stdin_does_not_hang_the_run(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": SELFASSIGN})
    (tmp_path / "stdin.go").symlink_to("/dev/stdin")
    read_end, write_end = os.pipe()  # stdin that stays open and never sends a byte, as in CI
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1")
    try:
        out = subprocess.run(
            [sys.executable, "-m", "analyzer", "--no-cache", "--format", "json"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, stdin=read_end,
        )  # fmt: skip
    finally:
        os.close(read_end)
        os.close(write_end)
    assert out.returncode == 3, out.stderr[-2000:]
    assert "not read" in internal_messages(out)["stdin.go"]


def test_a_symlink_leaving_the_tree_is_skipped_and_one_inside_is_checked(tmp_path):
    outside = write_tree(tmp_path / "elsewhere", {"stolen.go": SELFASSIGN})
    project = write_tree(tmp_path / "project", {"go.mod": GO_MOD, "pkg/a.go": CLEAN, "real/b.go": SELFASSIGN})
    (project / "pkg" / "leak.go").symlink_to(outside / "stolen.go")
    (project / "pkg" / "inside.go").symlink_to("../real/b.go")
    out = run_gocheck("--no-cache", "--format", "json", cwd=project)
    assert out.returncode == 3, out.stderr[-2000:]
    assert "symlink that leads outside the checked tree" in internal_messages(out)["pkg/leak.go"]
    found = {(d["rule"], d["path"]) for d in findings(out)}
    assert ("selfassign", "pkg/leak.go") not in found
    assert ("selfassign", "pkg/inside.go") in found and ("selfassign", "real/b.go") in found
    text = run_gocheck("--no-cache", "--format", "text", cwd=project).stdout
    assert "pkg/leak.go:1:1: error: pkg/leak.go: not read: a symlink that leads outside the checked tree" in text


def test_a_file_over_the_size_cap_is_a_finding_and_the_cap_is_configurable(tmp_path):
    big = "package pkg\n\n" + "".join(f"var v{i} = {i}\n" for i in range(400_000))  # about 5.6 MB
    write_tree(tmp_path, {"go.mod": GO_MOD, "pkg/a.go": SELFASSIGN, "pkg/big.go": big})
    out = run_gocheck("--no-cache", "--format", "json", cwd=tmp_path)
    assert out.returncode == 3, out.stderr[-2000:]
    assert "over the 4 MiB limit" in internal_messages(out)["pkg/big.go"]
    out = run_gocheck("--no-cache", "--format", "json", "--max-file-size", "8MiB", cwd=tmp_path)
    assert out.returncode == 1 and internal_messages(out) == {}, out.stderr[-2000:]
    (tmp_path / ".gocheck.toml").write_text('max-file-size = "8MiB"\n')
    out = run_gocheck("--no-cache", "--format", "json", cwd=tmp_path)
    assert out.returncode == 1 and internal_messages(out) == {}, out.stderr[-2000:]
    (tmp_path / ".gocheck.toml").write_text('max-file-size = "1GiB"\n')  # a repository cannot lift the cap
    out = run_gocheck("--no-cache", cwd=tmp_path)
    assert out.returncode == 2 and "max-file-size: at most 64 MiB in a config file" in out.stderr


def _without_dac_override() -> None:
    """Root reads every directory; drop the capabilities that let it (the bounding set, so
    the exec'd python has none), so a mode-000 directory is unreadable as for anyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in range(64):
        libc.prctl(pr_capbset_drop, cap, 0, 0, 0)  # EPERM when not root: nothing to drop


def test_an_unreadable_directory_is_reported_with_exit_3(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "pkg/a.go": CLEAN, "locked/b.go": SELFASSIGN})
    (tmp_path / "locked").chmod(0)
    env = dict(os.environ, PYTHONPATH=str(REPO), GOCHECK_NO_PROGRESS="1")
    try:
        for fmt in ("json", "text"):
            out = subprocess.run(
                [sys.executable, "-m", "analyzer", "--no-cache", "--format", fmt],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, preexec_fn=_without_dac_override,
            )  # fmt: skip
            assert out.returncode == 3, (fmt, out.stdout, out.stderr[-2000:])
            if fmt == "json":
                assert "locked: directory not checked: cannot list it: Permission denied" in internal_messages(out)["locked"]
            else:
                assert "locked: directory not checked" in out.stdout
    finally:
        (tmp_path / "locked").chmod(0o755)


# -- item 6: output paths from a repository's config -------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", {"go.mod": GO_MOD, "pkg/a.go": SELFASSIGN})


def _config_format(project: Path, spec: str) -> None:
    (project / ".gocheck.toml").write_text(f'[output]\nformat = ["text", "{spec}"]\n')


def _everything_under(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.mark.parametrize("spec", ["json:{outside}/bashrc", "json:../bashrc", "json:../newdir/deeper/out.json"])
def test_config_output_paths_outside_the_project_are_refused(project, spec):
    outside = project.parent
    (outside / "bashrc").write_text("export PATH=/usr/bin\n")
    _config_format(project, spec.format(outside=outside))
    before = _everything_under(outside)
    out = run_gocheck("--no-cache", cwd=project)
    assert out.returncode == 2, out.stderr
    assert "[output] format" in out.stderr and "--format json:PATH" in out.stderr
    assert (outside / "bashrc").read_text() == "export PATH=/usr/bin\n"
    assert _everything_under(outside) == before  # no file, no directory created outside


def test_config_output_paths_through_committed_symlinks_are_refused(project):
    outside = project.parent / "elsewhere"
    outside.mkdir()
    (outside / "bashrc").write_text("keep me\n")
    (project / "reports").symlink_to(outside)  # a committed directory symlink
    (project / "report.json").symlink_to(outside / "bashrc")  # a committed file symlink
    for spec in ("json:reports/out.json", "json:reports/new/dir/out.json", "json:report.json"):
        _config_format(project, spec)
        out = run_gocheck("--no-cache", cwd=project)
        assert out.returncode == 2 and "leads outside the project" in out.stderr, (spec, out.stderr)
    assert sorted(p.name for p in outside.iterdir()) == ["bashrc"]
    assert (outside / "bashrc").read_text() == "keep me\n"


def test_config_output_paths_inside_the_project_still_work_and_replace_a_symlink(project):
    (project / "out").mkdir()
    (project / "out" / "target.json").write_text("keep me\n")
    (project / "out" / "gocheck.json").symlink_to("target.json")  # inside: allowed, but not written through
    (project / ".gocheck.toml").write_text('[output]\nformat = ["text", "json:out/gocheck.json", "sarif:reports/gocheck.sarif"]\n')
    out = run_gocheck("--no-cache", cwd=project / "pkg")  # relative to the config file's directory
    assert out.returncode == 1, out.stderr
    assert json.loads((project / "out" / "gocheck.json").read_text())["version"] == 1
    assert not (project / "out" / "gocheck.json").is_symlink()
    assert (project / "out" / "target.json").read_text() == "keep me\n"
    assert json.loads((project / "reports" / "gocheck.sarif").read_text())["version"] == "2.1.0"


def test_the_command_line_may_still_write_anywhere(project, tmp_path):
    target = tmp_path / "ci-artifacts" / "gocheck.json"
    _config_format(project, "json:/etc/nope.json")  # ignored: the flag replaces the config's outputs
    out = run_gocheck("--no-cache", "--format", f"json:{target}", cwd=project)
    assert out.returncode == 1, out.stderr
    assert json.loads(target.read_text())["version"] == 1


def test_write_baseline_replaces_a_committed_symlink_instead_of_writing_through_it(project):
    victim = project.parent / "victim"
    victim.write_text("keep me\n")
    (project / "baseline.json").symlink_to(victim)
    out = run_gocheck("--no-cache", "--write-baseline", "baseline.json", cwd=project)
    assert out.returncode == 0, out.stderr
    assert victim.read_text() == "keep me\n"
    assert json.loads((project / "baseline.json").read_text())["version"] == 1


# -- item 8: control characters in what the text and github reports print ------------------

HOSTILE_LINE = "package pkg\n\nfunc H(x int) int {\n\tx = x // \x1b]0;pwned\x07\x1b[2J\u202e\x9b31m\n\treturn x\n}\n"


def test_control_characters_in_source_lines_and_file_names_are_escaped(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": HOSTILE_LINE, "evil\x1b[31m\u202e.go": SELFASSIGN})
    for fmt in ("text", "github"):
        for color in ("never", "always"):
            out = run_gocheck("--no-cache", "--format", fmt, "--color", color, cwd=tmp_path)
            assert out.returncode == 1, (fmt, out.stderr[-2000:])
            shown = out.stdout
            for own in ("\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[32m"):
                if fmt == "text" and color == "always":
                    shown = shown.replace(own, "")  # gocheck's own colours stay
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x9b" not in shown, (fmt, color, shown)
            assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202e\\x9b31m" in shown or fmt == "github"
            assert "evil\\x1b[31m\\u202e.go" in shown


def test_config_values_in_error_messages_are_escaped(tmp_path):
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": SELFASSIGN, ".gocheck.toml": '[output]\nformat = ["json:../\\u001b]0;pwned\\u0007"]\n'})
    out = run_gocheck("--no-cache", cwd=tmp_path)
    assert out.returncode == 2
    assert "\x1b" not in out.stderr and "\\x1b]0;pwned\\x07" in out.stderr


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_a_hostile_lock_file_neither_hangs_nor_exhausts_the_run(tmp_path, target):
    """gocheck.lock is read by the loader, before any Go file: a FIFO or a link to a device
    there is a configuration error (exit 2) at once, not a hang or a MemoryError."""
    write_tree(tmp_path, {"go.mod": GO_MOD, "a.go": SELFASSIGN, ".gocheck.toml": "[rules]\n"})
    if target == "fifo":
        os.mkfifo(tmp_path / "gocheck.lock")
    else:
        (tmp_path / "gocheck.lock").symlink_to(target)
    out = run_gocheck("--no-cache", cwd=tmp_path, timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr[-2000:]
    assert "gocheck.lock: cannot read the lock file" in out.stderr
