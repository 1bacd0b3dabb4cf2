"""The first-party gocheck/security pack end to end: tested, built and published from
rules/security with the real `gocheck pack` commands to a real hub on loopback, added to a
project, and run there, with no trust asked (it is patterns only)."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.pipeline.rulepack import runs_python
from rulehub.server.services import accounts
from tests.loader.conftest import gocheck

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "rules" / "security"

VICTIM = """package p

import (
	"crypto/tls"
	"net/http"
	"os/exec"
)

func client(host string) (*http.Client, error) {
	_ = exec.Command("sh", "-c", "ping -c1 "+host)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}, nil
}
"""


def test_security_pack_is_tested_built_published_installed_and_run(hub, tmp_path, user_dirs):
    assert not runs_python(PACK)
    sub = hub.subscriber()
    with hub.database.write_session() as s:
        accounts.create_namespace(s, "gocheck", sub.tenant)
    author = tmp_path / "author" / "security"
    shutil.copytree(PACK, author, ignore=shutil.ignore_patterns("dist", "rules.json"))

    r = gocheck("pack", "test", str(author), cwd=tmp_path)
    assert r.returncode == 0 and "18 passed, 0 failed" in r.stdout, r.stdout + r.stderr
    r = gocheck("pack", "publish", str(author), "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0 and "published gocheck/security 0.1.0" in r.stdout, r.stdout + r.stderr

    project = tmp_path / "project"
    project.mkdir()
    (project / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (project / "p.go").write_text(VICTIM)
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url, "CI": ""}
    r = gocheck("packs", "add", "gocheck/security@^0.1", "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    r = gocheck("--locked", "--no-cache", "./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "p.go:10:6: error: \"sh\" -c runs \"ping -c1 \"+host, which is not a constant" in r.stdout, r.stdout
    assert "(gocheck/security/shell-command)" in r.stdout and "(gocheck/security/tls-skip-verify)" in r.stdout, r.stdout
    assert gocheck("packs", "trusted", cwd=project).stdout.split() == []
