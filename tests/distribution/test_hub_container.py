"""Dockerfile and compose.yaml for the hub. No container runtime runs on the test machines
(no daemon, no registry access), so the image is not built here; these checks keep the
files in step with the code they start: the settings they pass and the commands they run."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from rulehub.server.settings import Settings
from tests.distribution.source_tree import REPO, clean_env


def test_compose_passes_only_settings_the_hub_reads():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    hub = compose["services"]["rulehub"]
    assert hub["build"] == "."
    assert set(hub["depends_on"]) == {"postgres", "redis"}
    settings_source = (REPO / "rulehub" / "server" / "settings.py").read_text()
    for name in hub["environment"]:
        if name.startswith("RULEHUB_") and name != "RULEHUB_WORKERS":  # RULEHUB_WORKERS: read by the image's CMD
            assert f'"{name}"' in settings_source, name
    database = hub["environment"]["RULEHUB_DATABASE_URL"]
    assert database.startswith("postgresql+psycopg://") and "@postgres:5432/" in database
    assert hub["environment"]["RULEHUB_REDIS_URL"].startswith("redis://redis:6379/")
    assert Settings  # the module the names were checked against imports


def test_dockerfile_runs_commands_the_rulehub_cli_has():
    dockerfile = (REPO / "Dockerfile").read_text()
    command = re.search(r'^CMD \["sh", "-c", "(.*)"\]$', dockerfile, re.M).group(1)
    assert "rulehub db upgrade" in command
    serve = re.search(r"rulehub serve (.*)", command).group(1)
    flags = re.findall(r"--[a-z-]+", serve)
    help_text = subprocess.run(
        [sys.executable, "-m", "rulehub.server.cli", "serve", "--help"],
        env={**clean_env(), "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=True,
    ).stdout
    for flag in flags:
        assert flag in help_text, flag
    assert "'.[hub,postgres]'" in dockerfile and "gocheck-lint[hub,postgres]" in dockerfile
