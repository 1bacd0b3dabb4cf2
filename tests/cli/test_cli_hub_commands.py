"""The CLI's hub commands against a real RuleHub on loopback: refusals in words,
`packs search`, `pack yank/unyank`, `logout`, and `pack publish` refusing a stale artifact."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.loader.conftest import go_project, gocheck, running_hub, user_dirs  # noqa: F401  (user_dirs: the autouse fixture)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with running_hub(tmp_path_factory.mktemp("cli-hub")) as server:
        yield server


def _new_pack(tmp: Path, name: str, version: str = "1.0.0") -> Path:
    work = tmp / f"author-{version}"
    work.mkdir(parents=True)
    assert gocheck("pack", "new", name, "--python", cwd=work).returncode == 0
    pack_dir = work / name.split("/")[1]
    manifest = pack_dir / "pack.toml"
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', f'version = "{version}"'))
    return pack_dir


def _publish(hub, sub, pack_dir: Path):
    return gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=pack_dir.parent, env={"GOCHECK_API_KEY": sub.api_key})


def _versions(hub, sub, name: str) -> list[str]:
    detail = sub.get(f"/v1/packs/{name}").json()
    return sorted(v["version"] for v in detail.get("versions", []))


@pytest.fixture(scope="module")
def published(hub, tmp_path_factory):
    sub = hub.subscriber()
    name = f"{sub.namespace}/searchable"
    r = _publish(hub, sub, _new_pack(tmp_path_factory.mktemp("pub"), name))
    assert r.returncode == 0, r.stdout + r.stderr
    return sub, name


@pytest.mark.parametrize(
    ("subscription", "code", "advice"),
    [
        ({"subscribe": False}, "no_subscription", "choose a plan at {hub}/dashboard"),
        ({"status": "canceled"}, "subscription_inactive", "renew it or update billing at {hub}/dashboard"),
    ],
)
def test_hub_refusals_are_explained_with_what_to_do(hub, published, tmp_path, subscription, code, advice):
    _, name = published
    user = hub.subscriber(namespace=False, **subscription)
    project = go_project(tmp_path / "project")
    r = gocheck("packs", "add", name, "--hub", hub.base_url, cwd=project, env={"GOCHECK_API_KEY": user.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 2, r.stdout + r.stderr
    assert code in r.stderr and advice.format(hub=hub.base_url) in r.stderr, r.stderr
    assert "your plan may not include this pack, or the key is revoked" not in r.stderr


def test_packs_search_finds_published_packs(hub, published, tmp_path):
    sub, name = published
    r = gocheck("packs", "search", "searchable", "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^{re.escape(name)}\s+1\.0\.0\s", r.stdout, re.M), r.stdout
    r = gocheck("packs", "search", "no-pack-is-called-this", "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0 and "no packs" in r.stdout


def test_pack_yank_and_unyank(hub, published, tmp_path):
    sub, name = published
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url}
    r = gocheck("pack", "yank", name, "1.0.0", "--hub", hub.base_url, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert f"{name} 1.0.0 is now yanked" in r.stdout
    project = go_project(tmp_path / "project")
    r = gocheck("packs", "add", name, "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 2, r.stdout + r.stderr  # a yanked version is not resolved for new locks
    r = gocheck("pack", "unyank", name, "1.0.0", "--hub", hub.base_url, cwd=tmp_path, env=env)
    assert r.returncode == 0 and "is now not yanked" in r.stdout, r.stderr
    other = hub.subscriber(namespace=True)
    r = gocheck("pack", "yank", name, "1.0.0", "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": other.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 2 and "403" in r.stderr, r.stdout + r.stderr


def test_logout_removes_the_stored_key(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    r = gocheck("login", "--hub", hub.base_url, "--api-key-stdin", cwd=tmp_path, stdin=sub.api_key + "\n")
    assert r.returncode == 0, r.stderr
    creds = user_dirs["config"] / "credentials.json"
    assert sub.api_key in creds.read_text()
    r = gocheck("logout", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"removed the API key of {hub.base_url}" in r.stdout
    assert sub.api_key not in creds.read_text()
    assert json.loads(creds.read_text())["hubs"] == {}
    r = gocheck("pack", "yank", f"{sub.namespace}/x", "1.0.0", "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 2 and "no API key" in r.stderr, r.stderr
    r = gocheck("logout", "--hub", hub.base_url, cwd=tmp_path)
    assert r.returncode == 0 and "no API key stored" in r.stdout


def test_publish_refuses_an_artifact_older_than_the_sources(hub, tmp_path):
    sub = hub.subscriber()
    name = f"{sub.namespace}/guarded"
    pack_dir = _new_pack(tmp_path, name, "1.0.0")
    assert gocheck("pack", "build", str(pack_dir), cwd=tmp_path).returncode == 0  # dist/ holds a good artifact
    # The rule is then broken: it no longer reports what its testdata wants.
    rule = pack_dir / "boolcompare.py"
    rule.write_text(rule.read_text().replace('operator: "=="', 'operator: "!="'))
    r = _publish(hub, sub, pack_dir)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "was built from older sources" in r.stderr and "nothing was published" in r.stderr
    assert "1.0.0" not in _versions(hub, sub, name)
    # Rebuilt from the same sources, the artifact is current and goes up.
    rule.write_text(rule.read_text().replace('operator: "!="', 'operator: "=="'))
    r = _publish(hub, sub, pack_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert _versions(hub, sub, name) == ["1.0.0"]
