"""action.yml: its shell steps (action/steps.sh) run as the composite action runs them,
with the inputs it passes; the other steps are GitHub's own actions, checked for shape."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.distribution.source_tree import REPO, clean_env, copy_of_sources

pytestmark = pytest.mark.slow

SELFASSIGN = "package m\n\nfunc F(x int) int {\n\tx = x\n\treturn x\n}\n"


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def test_action_wires_install_cache_run_sarif_and_result():
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses.index("actions/cache/restore") < [i for i, s in enumerate(steps) if s.get("id") == "run"][0] < uses.index("actions/cache/save")
    assert "github/codeql-action/upload-sarif" in uses
    runs = [s["run"] for s in steps if "run" in s]
    assert [re.search(r"steps\.sh\"? (\w+)", r).group(1) for r in runs] == ["install", "run", "finish"]
    # Every input used exists; inputs reach the shell only through env (no ${{ }} in run: lines).
    used = set(re.findall(r"inputs\.([\w-]+)", (REPO / "action.yml").read_text()))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    assert not any("${{" in r for r in runs)
    cache_dirs = {s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache/")}
    run_step = next(s for s in steps if s.get("id") == "run")
    assert cache_dirs == {run_step["env"]["GOCHECK_CACHE_DIR"]}


def _step(name: str, action_path: Path, cwd: Path, output: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {**clean_env(), "GITHUB_ACTION_PATH": str(action_path), "GITHUB_OUTPUT": str(output), "GITHUB_ACTIONS": "true", **env}
    return subprocess.run(["bash", str(action_path / "action" / "steps.sh"), name], cwd=cwd, env=full, capture_output=True, text=True, timeout=1200)


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_action_steps_install_run_annotate_and_fail_on_findings(tmp_path):
    action_path = copy_of_sources(tmp_path / "action")
    workspace = tmp_path / "workspace"
    (workspace / "svc").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    (workspace / "svc" / "go.mod").write_text("module example.com/svc\n\ngo 1.21\n")
    (workspace / "svc" / "a.go").write_text(SELFASSIGN)
    output = tmp_path / "github_output"
    venv = {"GOCHECK_ACTION_VENV": str(tmp_path / "venv")}
    cache = tmp_path / "gocheck-cache"

    install = _step("install", action_path, workspace, output, venv)
    assert install.returncode == 0, install.stdout + install.stderr
    assert install.stdout.startswith("gocheck ")
    assert _outputs(output)["gocheck"] == str(tmp_path / "venv" / "bin" / "gocheck")

    inputs = {**venv, "GOCHECK_CACHE_DIR": str(cache), "INPUT_PATTERNS": "./...", "INPUT_ARGS": "--fail-on warning",
              "INPUT_WORKING_DIRECTORY": "svc", "INPUT_NEW_FROM_REV": "", "INPUT_SARIF_FILE": "gocheck.sarif"}
    run = _step("run", action_path, workspace, output, inputs)
    assert run.returncode == 0, run.stdout + run.stderr  # the step itself never fails: SARIF still uploads
    assert re.search(r"^::warning file=svc/a\.go,line=4,.*selfassign", run.stdout, re.M), run.stdout
    outputs = _outputs(output)
    assert outputs["exit-code"] == "1"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["selfassign"]
    assert any(cache.iterdir()), "gocheck did not use the cache directory the action caches"

    finish = _step("finish", action_path, workspace, output, {"GOCHECK_EXIT_CODE": outputs["exit-code"], "INPUT_FAIL_ON_FINDINGS": "true"})
    assert finish.returncode == 1 and "findings" in finish.stderr
    lenient = _step("finish", action_path, workspace, output, {"GOCHECK_EXIT_CODE": "1", "INPUT_FAIL_ON_FINDINGS": "false"})
    assert lenient.returncode == 0
    broken = _step("finish", action_path, workspace, output, {"GOCHECK_EXIT_CODE": "2", "INPUT_FAIL_ON_FINDINGS": "false"})
    assert broken.returncode == 2  # a configuration error fails even when findings may not
