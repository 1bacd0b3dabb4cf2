"""Issue 13, items 1, 3 and 4, attacked end to end: a real hub on loopback, a man in the
middle (tests/support/mitm_proxy.py) and `python -m analyzer` as a subprocess.

- a key goes only to a hub the user chose outside the repository; plain http only to loopback;
  in CI the hub's root must be pinned;
- only the hub's signed metadata decides what is installed, and a root that failed its check
  leaves no trust behind;
- the cache is checked against the lock at every use: edited code never runs.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.loader.conftest import go_project, gocheck
from tests.loader.test_loader_end_to_end import cache_entries, login, publish_pack
from tests.support.mitm_proxy import MitmProxy


def ci_env(key: str, hub_url: str, **more: str) -> dict[str, str]:
    """A CI job's environment: the key and the hub it is for, both set outside the repository."""
    return {"GOCHECK_API_KEY": key, "GOCHECK_HUB_URL": hub_url, **more}


def hostile_checkout(root: Path, hub_url: str, packs: dict[str, str]) -> Path:
    project = go_project(root)
    lines = ["[hub]", f"url = {json.dumps(hub_url)}", "", "[packs]", *(f"{json.dumps(n)} = {json.dumps(r)}" for n, r in packs.items())]
    (project / ".gocheck.toml").write_text("\n".join(lines) + "\n")
    return project


def test_a_hub_named_only_by_the_repository_never_sees_the_key(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="lure")
    with MitmProxy(hub.base_url) as attacker:  # the attacker's hub: a full hub, behind a recorder
        project = hostile_checkout(tmp_path / "checkout", attacker.url, {name: "^1"})
        # CI with its key for the real hub; and a CI that sets only the key.
        for env in (ci_env(sub.api_key, hub.base_url), {"GOCHECK_API_KEY": sub.api_key}, {"GOCHECK_HUB_TOKEN": sub.token}):
            r = gocheck("./...", cwd=project, env=env)
            assert r.returncode == 2, r.stdout + r.stderr
            assert f"names the hub {attacker.url}, which you have not chosen" in r.stderr and "nothing was sent" in r.stderr
        r = gocheck("packs", "update", cwd=project, env=ci_env(sub.api_key, hub.base_url))
        assert r.returncode == 2, r.stdout + r.stderr
        # A developer logged in to the real hub: the stored key does not go there either.
        assert login(hub, sub, tmp_path).returncode == 0
        r = gocheck("./...", cwd=project)
        assert r.returncode == 2, r.stdout + r.stderr
        assert attacker.seen() == b""  # not the key, not the token, not a single request
    assert sub.api_key not in r.stderr
    assert cache_entries(user_dirs) == [] and not (project / "gocheck.lock").exists()


def test_plain_http_to_another_machine_is_refused(hub, tmp_path, user_dirs):
    r = gocheck("login", "--hub", "http://hub.invalid", "--api-key-stdin", cwd=tmp_path, stdin="rh_secret\n")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "only over https" in r.stderr and "https://hub.invalid" in r.stderr
    project = hostile_checkout(tmp_path / "p", "http://hub.invalid", {"acme/x": "^1"})
    r = gocheck("./...", cwd=project, env=ci_env("rh_secret", "http://hub.invalid"))
    assert r.returncode == 2 and "only over https" in r.stderr, r.stdout + r.stderr
    assert not (user_dirs["config"] / "credentials.json").exists()


def _version_answer(hub, name: str, version: str) -> dict:
    detail = hub.client.get(f"/v1/packs/{name}").json()
    v = next(v for v in detail["versions"] if v["version"] == version)
    return {"name": name, "version": version, "sha256": v["sha256"], "size": v["size"], "target_path": v["target_path"]}


def test_a_rewritten_resolve_answer_does_not_decide_what_is_installed(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    for version in ("1.0.0", "1.5.0", "1.6.0"):
        name, _ = publish_pack(hub, sub, tmp_path, short="pinned", version=version)
    assert sub.post(f"/v1/packs/{name}/1.6.0/yank").status_code == 200
    with MitmProxy(hub.base_url) as mitm:  # the user's hub, reached through a hostile network
        r = gocheck("login", "--hub", mitm.url, "--api-key-stdin", cwd=tmp_path, stdin=sub.api_key + "\n")
        assert r.returncode == 0, r.stdout + r.stderr
        resolve = f"/v1/packs/{name}/resolve"
        for forged, why in (("1.0.0", "outside the requested range"), ("1.6.0", "yanked according to the hub's signed metadata")):
            answer = _version_answer(hub, name, forged)
            mitm.rewrite[resolve] = lambda body, answer=answer: json.dumps({**json.loads(body), **answer}).encode()
            project = go_project(tmp_path / f"project-{forged}")
            r = gocheck("packs", "add", f"{name}@^1.5", cwd=project)
            assert r.returncode == 3, r.stdout + r.stderr
            assert f"pack {name}: refused" in r.stderr and why in r.stderr
            assert not (project / "gocheck.lock").exists() and not (project / ".gocheck.toml").exists()
        # A signed target of another pack offered for this one: the signed metadata names it.
        other, _ = publish_pack(hub, sub, tmp_path, short="other", version="1.5.0")
        answer = {**_version_answer(hub, other, "1.5.0"), "name": name}
        mitm.rewrite[resolve] = lambda body: json.dumps({**json.loads(body), **answer}).encode()
        project = go_project(tmp_path / "project-other")
        r = gocheck("packs", "add", f"{name}@^1.5", cwd=project)
        assert r.returncode == 3 and f"is {other} 1.5.0, not {name} 1.5.0" in r.stderr, r.stdout + r.stderr
        assert cache_entries(user_dirs) == []
        # The honest answer installs 1.5.0.
        del mitm.rewrite[resolve]
        r = gocheck("packs", "add", f"{name}@^1.5", cwd=project)
        assert r.returncode == 0, r.stdout + r.stderr
        assert 'version = "1.5.0"' in (project / "gocheck.lock").read_text()


def test_a_yanked_version_already_locked_keeps_working(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="oldlock")
    project = go_project(tmp_path / "project")
    env = ci_env(sub.api_key, hub.base_url)
    assert gocheck("packs", "add", f"{name}@^1", "--hub", hub.base_url, cwd=project, env=env).returncode == 0
    assert sub.post(f"/v1/packs/{name}/1.0.0/yank").status_code == 200
    r = gocheck("--locked", "./...", cwd=project, env={**env, "GOCHECK_CACHE_DIR": str(tmp_path / "ci-cache"), "CI": "true"})
    assert r.returncode == 1 and f"({name}/boolcompare)" in r.stdout, r.stdout + r.stderr


def _forged_root(other_hub) -> bytes:
    """Validly self-signed root metadata of another hub: what a man in the middle serves."""
    return other_hub.client.get("/tuf/1.root.json").content


def test_a_root_refused_once_leaves_no_trust_behind(hub, fresh_hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="anchored")
    with MitmProxy(hub.base_url) as mitm:
        env = ci_env(sub.api_key, mitm.url)
        project = go_project(tmp_path / "project")
        r = gocheck("packs", "add", f"{name}@^1", "--hub", mitm.url, cwd=project, env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        # A new machine whose first contact meets the man in the middle's root.
        machine = {**env, "GOCHECK_CACHE_DIR": str(tmp_path / "machine-cache")}
        mitm.replace["/tuf/1.root.json"] = _forged_root(fresh_hub)
        r = gocheck("--locked", "./...", cwd=project, env=machine)
        assert r.returncode == 3 and "is not the one gocheck.lock records" in r.stderr, r.stdout + r.stderr
        assert not list((tmp_path / "machine-cache").rglob("*-anchor"))
        # The network is honest again: this project and a new one work from the real root.
        del mitm.replace["/tuf/1.root.json"]
        r = gocheck("--locked", "./...", cwd=project, env=machine)
        assert r.returncode == 1 and f"({name}/boolcompare)" in r.stdout, r.stdout + r.stderr
        second = go_project(tmp_path / "second")
        r = gocheck("packs", "add", f"{name}@^1", "--hub", mitm.url, cwd=second, env=machine)
        assert r.returncode == 0, r.stdout + r.stderr
        assert (second / "gocheck.lock").read_text().count("root = ") == 1
        assert re.search(r'root = "(sha256:[0-9a-f]{64})"', (second / "gocheck.lock").read_text()).group(1) == \
            re.search(r'root = "(sha256:[0-9a-f]{64})"', (project / "gocheck.lock").read_text()).group(1)


def test_ci_does_not_trust_a_root_on_first_use(hub, fresh_hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="tofu")
    with MitmProxy(hub.base_url) as mitm:
        mitm.replace["/tuf/1.root.json"] = _forged_root(fresh_hub)  # what first use would trust
        project = go_project(tmp_path / "project")
        (project / ".gocheck.toml").write_text(f'[packs]\n"{name}" = "^1"\n')
        r = gocheck("./...", cwd=project, env=ci_env(sub.api_key, mitm.url, CI="true"))
        assert r.returncode == 2, r.stdout + r.stderr
        assert "does not trust a root on first use" in r.stderr
        assert b"/tuf/" not in mitm.seen()
    assert cache_entries(user_dirs) == [] and not (project / "gocheck.lock").exists()
    # --locked is CI too: a lock without the hub's root fingerprint is not enough.
    honest = go_project(tmp_path / "honest")
    env = ci_env(sub.api_key, hub.base_url)
    assert gocheck("packs", "add", f"{name}@^1", "--hub", hub.base_url, cwd=honest, env=env).returncode == 0
    lock = honest / "gocheck.lock"
    lock.write_text(re.sub(r'\n\[\[hub\]\]\nurl = "[^"]*"\nroot = "[^"]*"\n', "\n", lock.read_text()))
    assert "[[hub]]" not in lock.read_text()
    r = gocheck("--locked", "./...", cwd=honest, env={**env, "GOCHECK_CACHE_DIR": str(tmp_path / "ci-cache")})
    assert r.returncode == 2 and "does not trust a root on first use" in r.stderr, r.stdout + r.stderr


def _locked_project(hub, sub, tmp_path: Path, short: str) -> tuple[Path, str, str]:
    name, sha = publish_pack(hub, sub, tmp_path, short=short)
    project = go_project(tmp_path / f"project-{short}")
    r = gocheck("packs", "add", f"{name}@^1", "--hub", hub.base_url, cwd=project, env=ci_env(sub.api_key, hub.base_url))
    assert r.returncode == 0, r.stdout + r.stderr
    return project, name, sha


def test_an_edited_cached_rule_never_runs(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    project, name, sha = _locked_project(hub, sub, tmp_path, "edited")
    env = ci_env(sub.api_key, hub.base_url)
    assert gocheck("--locked", "./...", cwd=project, env=env).returncode == 1
    marker = tmp_path / "pwned"
    rule = user_dirs["cache"] / "packs" / "sha256" / sha / "pack" / "boolcompare.py"
    rule.write_text(rule.read_text() + f"\nopen({str(marker)!r}, 'w').write('ran')\n")
    for args in (("--locked", "./..."), ("./...",)):
        r = gocheck(*args, cwd=project, env=env)
        assert r.returncode == 3, r.stdout + r.stderr
        assert f"pack {name}: refused" in r.stderr and "boolcompare.py was changed after download" in r.stderr
        assert not marker.exists()
    r = gocheck("packs", "verify", cwd=project, env=env)
    assert r.returncode == 3 and f"FAIL {name} 1.0.0" in r.stdout, r.stdout + r.stderr
    assert not marker.exists()
    # Deleting the entry, as the message says, brings the pack back from the hub.
    shutil.rmtree(rule.parent.parent)
    r = gocheck("./...", cwd=project, env=env)
    assert r.returncode == 1 and f"({name}/boolcompare)" in r.stdout, r.stdout + r.stderr
    assert not marker.exists()


def test_a_lock_pointing_at_another_cached_pack_is_refused(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    project, name, sha = _locked_project(hub, sub, tmp_path, "victim")
    _, other, other_sha = _locked_project(hub, sub, tmp_path, "swapped")
    lock = project / "gocheck.lock"
    lock.write_text(lock.read_text().replace(sha, other_sha))
    env = ci_env(sub.api_key, hub.base_url)
    r = gocheck("./...", cwd=project, env=env)
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"pack {name}: refused" in r.stderr and f"it is {other} 1.0.0, but gocheck.lock says {name} 1.0.0" in r.stderr
    assert f"({other}/boolcompare)" not in r.stdout
    r = gocheck("packs", "verify", cwd=project, env=env)
    assert r.returncode == 3 and f"FAIL {name} 1.0.0" in r.stdout, r.stdout + r.stderr


def test_pack_publish_sends_no_key_to_a_hub_named_by_the_pack_directory(hub, tmp_path, user_dirs):
    """A cloned pack repository whose .gocheck.toml (found upward from the pack directory)
    names the attacker's hub: `gocheck pack publish` with the CI's key must not send it there."""
    sub = hub.subscriber()
    work = tmp_path / "work"
    work.mkdir()
    r = gocheck("pack", "new", f"{sub.namespace}/cloned", "--python", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    pack_dir = next(p for p in work.iterdir() if p.is_dir())
    with MitmProxy(hub.base_url) as attacker:
        (work / ".gocheck.toml").write_text(f"[hub]\nurl = {json.dumps(attacker.url)}\n")
        r = gocheck("pack", "publish", str(pack_dir), cwd=work, env=ci_env(sub.api_key, hub.base_url))
        assert r.returncode == 2, r.stdout + r.stderr
        assert "which you have not chosen" in r.stderr and "nothing was sent" in r.stderr
        assert attacker.seen() == b""
    # the user's own choice on the command line still publishes
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=work, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0, r.stdout + r.stderr
