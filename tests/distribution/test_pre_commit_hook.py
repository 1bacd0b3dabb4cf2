"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself (`pre-commit try-repo`),
which installs this repository into its own virtual environment as a user's would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.distribution.source_tree import clean_env, copy_of_sources

pytestmark = pytest.mark.slow

SELFASSIGN = "package m\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"
CLEAN = "package m\n\nfunc F(x int) int {\n\treturn x\n}\n"


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This repository as pre-commit fetches it: a git repository with the hooks file."""
    repo = copy_of_sources(tmp_path_factory.mktemp("hook-repo"))
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "hooks", cwd=repo)
    return repo


def _try_repo(hook_repo: Path, hook: str, project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**clean_env(), "PRE_COMMIT_HOME": str(home), "GOCHECK_CACHE_DIR": str(home / "gocheck-cache")}
    env.pop("CI")  # a developer's machine
    return subprocess.run(
        [shutil.which("pre-commit") or "pre-commit", "try-repo", str(hook_repo), hook, "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=1200,
    )


def test_gocheck_hook_blocks_a_commit_with_a_finding_and_passes_once_fixed(hook_repo, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    project = tmp_path_factory.mktemp("project")
    _git("init", "-q", cwd=project)
    (project / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (project / "a.go").write_text(SELFASSIGN)
    _git("add", "-A", cwd=project)

    failed = _try_repo(hook_repo, "gocheck", project, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "a.go:4:2: warning: self-assignment of x to x (selfassign)" in failed.stdout
    assert "Failed" in failed.stdout

    (project / "a.go").write_text(CLEAN)
    _git("add", "-A", cwd=project)
    passed = _try_repo(hook_repo, "gocheck", project, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_new_code_hook_reports_only_changed_lines(hook_repo, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home-new")
    project = tmp_path_factory.mktemp("project-new")
    _git("init", "-q", cwd=project)
    (project / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (project / "old.go").write_text(SELFASSIGN)  # an old finding, committed before the hook
    _git("add", "-A", cwd=project)
    _git("commit", "-qm", "old", cwd=project)
    (project / "new.go").write_text(CLEAN.replace("func F", "func G"))
    _git("add", "-A", cwd=project)
    run = _try_repo(hook_repo, "gocheck-new", project, home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "old.go" not in run.stdout
