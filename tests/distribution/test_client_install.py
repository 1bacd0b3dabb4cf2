"""The client installs by its own name without the hub's dependencies, and the
distribution builds as an sdist and a wheel.

These tests install into a fresh virtual environment with pip's real dependency
resolution (the pip cache and the machine's index make it quick after the first run).
"""
from __future__ import annotations

import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from tests.distribution.source_tree import DISTRIBUTION, clean_env as _clean_env, copy_of_sources as _copy_of_sources

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("client")
    source = _copy_of_sources(tmp_path)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    install = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(source)],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return env_dir


def test_project_is_named_gocheck_lint_and_keeps_both_commands():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION
    assert set(project["scripts"]) == {"gocheck", "rulehub"}
    base = " ".join(project["dependencies"]).lower()
    for hub_only in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "jinja2", "argon2", "redis", "prometheus", "multipart"):
        assert hub_only not in base, hub_only
        assert any(hub_only in d.lower() for d in project["optional-dependencies"]["hub"]), hub_only


def test_base_install_checks_the_sample_tree_without_server_dependencies(client_venv, tmp_path):
    env = _clean_env()
    python = str(client_venv / "bin" / "python")
    gocheck = str(client_venv / "bin" / "gocheck")
    # No FastAPI, uvicorn or SQLAlchemy in the client's environment.
    for module in ("fastapi", "uvicorn", "sqlalchemy"):
        probe = subprocess.run([python, "-c", f"import {module}"], env=env, capture_output=True, text=True)
        assert probe.returncode != 0, f"{module} was installed with the client"
        assert "ModuleNotFoundError" in probe.stderr

    run = subprocess.run(
        [gocheck, "--no-cache", "./..."], cwd=REPO / "examples" / "inventory",
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "nilcheck" in run.stdout

    lsp = subprocess.run([gocheck, "lsp", "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert lsp.returncode == 0, lsp.stderr
    assert "usage" in lsp.stdout.lower()

    # The loader and the publish path of the CLI import without the hub.
    imports = subprocess.run(
        [python, "-c", "import rulehub.loader, analyzer.cli.pack_command, analyzer.cli.packs_command, lsp"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )
    assert imports.returncode == 0, imports.stderr


def test_sdist_and_wheel_build(tmp_path):
    source = _copy_of_sources(tmp_path)
    out = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(source)],
        env=_clean_env(), capture_output=True, text=True, timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    names = sorted(p.name for p in out.iterdir())
    assert any(n.startswith("gocheck_lint-") and n.endswith(".tar.gz") for n in names), names
    assert any(n.startswith("gocheck_lint-") and n.endswith(".whl") for n in names), names
