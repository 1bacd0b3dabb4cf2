"""End to end against a real RuleHub server on loopback: a pack written and built with
`gocheck pack`, published, added to a project, run by `gocheck`, then attacked."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path


from tests.loader.conftest import REPO, closed_port_url, go_project, gocheck, running_hub, start_gocheck

FINDING = re.compile(r"p\.go:4:5: warning: comparison with true is redundant: use ok \((?P<rule>[^)]+)\)")


def publish_pack(hub, sub, tmp: Path, short: str = "demo", version: str = "1.0.0", private: bool = False) -> tuple[str, str]:
    """`gocheck pack new/build/publish` as an author runs them; returns (name, sha256)."""
    name = f"{sub.namespace}/{short}"
    work = tmp / f"author-{short}-{version}"
    work.mkdir(parents=True)
    r = gocheck("pack", "new", name, "--python", cwd=work)
    assert r.returncode == 0, r.stderr
    pack_dir = work / short
    manifest = pack_dir / "pack.toml"
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', f'version = "{version}"'))
    r = gocheck("pack", "build", str(pack_dir), cwd=work)
    assert r.returncode == 0, r.stderr
    sha = re.search(r"sha256 ([0-9a-f]{64})", r.stdout).group(1)
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, *(["--private"] if private else []), cwd=work, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0, r.stdout + r.stderr
    assert sha in r.stdout
    gocheck("packs", "trust", sub.namespace, cwd=work)  # its Python rule runs (contained) only for a trusted publisher
    return name, sha


def cache_entries(user_dirs) -> list[str]:
    root = user_dirs["cache"] / "packs" / "sha256"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def login(hub, sub, project: Path):
    return gocheck("login", "--hub", hub.base_url, "--api-key-stdin", cwd=project, stdin=sub.api_key + "\n")


def test_publish_add_check_then_offline_with_the_lock(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path)
    project = go_project(tmp_path / "project")

    r = login(hub, sub, project)
    assert r.returncode == 0, r.stderr
    assert re.search(r"pinned the TUF root of .*: sha256:[0-9a-f]{64}", r.stdout)
    creds = user_dirs["config"] / "credentials.json"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert sub.api_key in creds.read_text()

    r = gocheck("packs", "add", f"{name}@^1.0", "--hub", hub.base_url, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    lock = (project / "gocheck.lock").read_text()
    assert f'name = "{name}"' in lock and f'sha256 = "{sha}"' in lock and f'hub = "{hub.base_url}"' in lock
    assert cache_entries(user_dirs) == [sha]

    r = gocheck("./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    m = FINDING.search(r.stdout)
    assert m and m.group("rule") == f"{name}/boolcompare", r.stdout
    online_findings = r.stdout

    r = gocheck("packs", "verify", cwd=project)
    assert r.returncode == 0 and f"ok   {name} 1.0.0" in r.stdout, r.stdout

    # Offline: the same project with its hub at a closed port; lock + warm cache -> no network.
    dead = closed_port_url()
    for f in (".gocheck.toml", "gocheck.lock"):
        p = project / f
        p.write_text(p.read_text().replace(hub.base_url, dead))
    r = gocheck("--locked", "./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout == online_findings
    assert "cannot reach" not in r.stderr

    # --locked refuses a lock that would change, and says what to do.
    cfg = project / ".gocheck.toml"
    cfg.write_text(cfg.read_text().replace('"^1.0"', '"^1.1"'))
    r = gocheck("--locked", "./...", cwd=project)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "gocheck.lock would change" in r.stderr and "gocheck packs update" in r.stderr


def test_ci_env_api_key_without_login_trusts_the_lock_root(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path, short="ci")
    project = go_project(tmp_path / "project")
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url}
    r = gocheck("packs", "add", name, "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert '"^1"' in (project / ".gocheck.toml").read_text()
    # A CI machine: nothing cached, no login; the lock's root fingerprint anchors trust.
    ci_cache = tmp_path / "ci-cache"
    r = gocheck("--locked", "./...", cwd=project, env={**env, "GOCHECK_CACHE_DIR": str(ci_cache)})
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"({name}/boolcompare)" in r.stdout
    # A lock naming another root is refused (exit 3) before anything is downloaded.
    lock = project / "gocheck.lock"
    lock.write_text(re.sub(r'root = "sha256:[0-9a-f]{64}"', 'root = "sha256:' + "0" * 64 + '"', lock.read_text()))
    other_cache = tmp_path / "ci-cache-2"
    r = gocheck("--locked", "./...", cwd=project, env={**env, "GOCHECK_CACHE_DIR": str(other_cache)})
    assert r.returncode == 3, r.stdout + r.stderr
    assert "root metadata" in r.stderr
    assert not (other_cache / "packs" / "sha256").exists() or not any((other_cache / "packs" / "sha256").iterdir())


def test_private_pack_installs_for_its_organisation_only(hub, tmp_path, user_dirs):
    """A private pack goes through the same TUF verification under its opaque target path;
    another organisation's key cannot even resolve it."""
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path, short="inhouse", private=True)
    assert name.encode() not in hub.client.get("/tuf/targets.json").content
    project = go_project(tmp_path / "project")
    r = gocheck("packs", "add", name, "--hub", hub.base_url, cwd=project, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'target = "private/' in (project / "gocheck.lock").read_text()
    r = gocheck("--locked", "./...", cwd=project, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url, "GOCHECK_CACHE_DIR": str(tmp_path / "c1")})
    assert r.returncode == 1 and f"({name}/boolcompare)" in r.stdout, r.stdout + r.stderr
    other = hub.subscriber(plan="enterprise")
    r = gocheck("--locked", "./...", cwd=project, env={"GOCHECK_API_KEY": other.api_key, "GOCHECK_HUB_URL": hub.base_url, "GOCHECK_CACHE_DIR": str(tmp_path / "c2")})
    assert r.returncode == 2 and name in r.stderr and "404" in r.stderr, r.stdout + r.stderr


def test_verify_online_asks_the_hubs_signed_metadata(hub, tmp_path, user_dirs):
    """`packs verify --online`: the locked target must still be in the hub's signed metadata
    with the locked sha256 (else FAIL, exit 3); a version yanked since it was locked is a
    warning (exit 0). Plain `packs verify` stays offline and sees neither."""
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path, short="audited")
    publish_pack(hub, sub, tmp_path, short="audited", version="1.1.0")
    project = go_project(tmp_path / "project")
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url}
    r = gocheck("packs", "add", f"{name}@~1.0.0", "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    r = gocheck("packs", "verify", "--online", cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"ok   {name} 1.0.0 sha256:{sha} (signed by the hub, not yanked)" in r.stdout

    assert sub.post(f"/v1/packs/{name}/1.0.0/yank").status_code == 200
    r = gocheck("packs", "verify", "--online", cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"WARN {name} 1.0.0 sha256:{sha}: yanked on {hub.base_url}" in r.stdout and "gocheck packs update" in r.stdout
    r = gocheck("packs", "verify", cwd=project, env=env)
    assert r.returncode == 0 and f"ok   {name} 1.0.0" in r.stdout and "WARN" not in r.stdout, r.stdout

    # A lock whose target the hub signs with another sha256 (here: 1.1.0's artifact path).
    lock = project / "gocheck.lock"
    lock.write_text(lock.read_text().replace("audited-1.0.0.tar.gz", "audited-1.1.0.tar.gz"))
    r = gocheck("packs", "verify", "--online", cwd=project, env=env)
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"FAIL {name} 1.0.0: the hub at {hub.base_url} says:" in r.stdout and "tampering" in r.stdout


def test_tampered_artifact_on_the_server_is_refused(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path, short="tampered")
    stored = hub.settings.artifacts_dir / sha[:2] / f"{sha}.tar.gz"
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same length, different bytes
    stored.write_bytes(bytes(data))
    project = go_project(tmp_path / "project")
    r = gocheck("packs", "add", f"{name}@^1.0", "--hub", hub.base_url, cwd=project, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"pack {name}: refused" in r.stderr and "tampered" in r.stderr
    assert cache_entries(user_dirs) == []
    assert not (project / ".gocheck.toml").exists() or name not in (project / ".gocheck.toml").read_text()
    assert not (project / "gocheck.lock").exists()
    assert not list((user_dirs["cache"] / "packs" / "tmp").iterdir())


def test_rolled_back_metadata_is_refused(fresh_hub, tmp_path, user_dirs):
    hub = fresh_hub
    sub = hub.subscriber()
    first, _ = publish_pack(hub, sub, tmp_path, short="first")
    second, second_sha = publish_pack(hub, sub, tmp_path, short="second")
    project = go_project(tmp_path / "project")
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url}
    r = gocheck("packs", "add", f"{first}@^1", "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    # The hub (or a mirror) now serves the previous timestamp.json: an older, validly signed version.
    db = sqlite3.connect(hub.settings.data_dir / "rulehub.db")
    with db:
        db.execute("DELETE FROM tuf_metadata WHERE role = 'timestamp' AND version = (SELECT max(version) FROM tuf_metadata WHERE role = 'timestamp')")
    db.close()
    before = cache_entries(user_dirs)
    lock_before = (project / "gocheck.lock").read_text()
    r = gocheck("packs", "add", f"{second}@^1", cwd=project, env=env)
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"pack {second}: refused" in r.stderr and "rollback" in r.stderr
    assert cache_entries(user_dirs) == before and second_sha not in before
    assert (project / "gocheck.lock").read_text() == lock_before


def test_expired_timestamp_is_refused(tmp_path, user_dirs):
    with running_hub(tmp_path / "frozen", expired_timestamps=True) as hub:
        sub = hub.subscriber()
        name, _ = publish_pack(hub, sub, tmp_path, short="frozen")
        project = go_project(tmp_path / "project")
        r = gocheck("packs", "add", f"{name}@^1", "--hub", hub.base_url, cwd=project, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"pack {name}: refused" in r.stderr and "expired" in r.stderr
    assert cache_entries(user_dirs) == []


def test_two_processes_fill_the_cache_at_once(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name, sha = publish_pack(hub, sub, tmp_path, short="race")
    project = go_project(tmp_path / "project")
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url}
    r = gocheck("packs", "add", f"{name}@^1", "--hub", hub.base_url, cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    cold = tmp_path / "cold-cache"
    procs = [start_gocheck("--locked", "./...", cwd=project, env={**env, "GOCHECK_CACHE_DIR": str(cold)}) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 1, out + err
        assert f"({name}/boolcompare)" in out
    assert outs[0][0] == outs[1][0]
    assert sorted(p.name for p in (cold / "packs" / "sha256").iterdir()) == [sha]
    assert not list((cold / "packs" / "tmp").iterdir())


def test_publish_errors_are_explained(hub, tmp_path):
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="dup")
    pack_dir = tmp_path / "author-dup-1.0.0" / "dup"
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 2 and "(409)" in r.stderr and "bump pack.version" in r.stderr
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": "rh_nope"})
    assert r.returncode == 2 and "401" in r.stderr
    other = hub.subscriber()
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=tmp_path, env={"GOCHECK_API_KEY": other.api_key})
    assert r.returncode == 2 and "(403)" in r.stderr and "namespace" in r.stderr, r.stderr


def test_update_follows_key_rotation_and_remove_unlocks(fresh_hub, tmp_path, user_dirs):
    hub = fresh_hub
    sub = hub.subscriber()
    name, sha1 = publish_pack(hub, sub, tmp_path, short="evolving", version="1.0.0")
    project = go_project(tmp_path / "project")
    r = login(hub, sub, project)
    assert r.returncode == 0, r.stderr
    r = gocheck("packs", "add", f"{name}@^1.0", "--hub", hub.base_url, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr

    # The hub rotates every TUF key (new root signed by the old one) and a new version lands.
    env = {"RULEHUB_DATA_DIR": str(hub.settings.data_dir), "RULEHUB_DATABASE_URL": hub.settings.database_url}
    rotated = subprocess.run([sys.executable, "-m", "rulehub.server.cli", "admin", "rotate-keys"],
                             env={**os.environ, **env}, capture_output=True, text=True, cwd=REPO)
    assert rotated.returncode == 0, rotated.stderr
    _, sha2 = publish_pack(hub, sub, tmp_path, short="evolving", version="1.1.0")

    # CI-style token from the environment: the access JWT itself.
    r = gocheck("packs", "update", cwd=project, env={"GOCHECK_HUB_TOKEN": sub.token})
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{name}: 1.0.0 -> 1.1.0" in r.stdout
    lock = (project / "gocheck.lock").read_text()
    assert 'version = "1.1.0"' in lock and sha2 in lock and sha1 not in lock
    r = gocheck("packs", "list", cwd=project)
    assert re.search(rf"{re.escape(name)}\s+\^1.0\s+1.1.0\s+cached", r.stdout), r.stdout

    r = gocheck("packs", "remove", name, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert name not in (project / ".gocheck.toml").read_text()
    assert "[[pack]]" not in (project / "gocheck.lock").read_text()
    r = gocheck("--locked", "./...", cwd=project)
    assert f"({name}/boolcompare)" not in r.stdout


def test_login_with_a_bad_key_stores_nothing(hub, tmp_path, user_dirs):
    r = gocheck("login", "--hub", hub.base_url, "--api-key-stdin", cwd=tmp_path, stdin="rh_not_a_key\n")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "rejected the API key (401)" in r.stderr
    assert not (user_dirs["config"] / "credentials.json").exists()
    # and a project on one hub does not silently switch to another
    sub = hub.subscriber()
    project = go_project(tmp_path / "project")
    (project / ".gocheck.toml").write_text(f'[hub]\nurl = "{hub.base_url}"\n')
    r = gocheck("packs", "add", "acme/x@^1", "--hub", closed_port_url(), cwd=project, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 2 and "to switch hubs" in r.stderr, r.stderr


def test_metadata_from_keys_the_pinned_root_does_not_know_is_refused(hub, fresh_hub, tmp_path, user_dirs):
    from rulehub.loader import credentials

    # The user pinned `hub`'s root; what answers at the address now is another hub with
    # other keys (a re-created or impersonated hub).
    sub = hub.subscriber()
    assert login(hub, sub, tmp_path).returncode == 0
    impostor_sub = fresh_hub.subscriber()
    name, _ = publish_pack(fresh_hub, impostor_sub, tmp_path, short="impostor")
    credentials.pin_root(fresh_hub.base_url, credentials.pinned_root(hub.base_url))
    project = go_project(tmp_path / "project")
    r = gocheck("packs", "add", f"{name}@^1", "--hub", fresh_hub.base_url, cwd=project, env={"GOCHECK_API_KEY": impostor_sub.api_key, "GOCHECK_HUB_URL": fresh_hub.base_url})
    assert r.returncode == 3, r.stdout + r.stderr
    assert f"pack {name}: refused" in r.stderr and "not signed by the keys" in r.stderr
    assert cache_entries(user_dirs) == []


def test_update_follows_an_offline_root_through_rotation_and_renewal(fresh_hub, tmp_path, user_dirs):
    """The hub's operator takes the root key offline, then rotates root and renews it with the
    key passed on the command line; a developer who pinned root version 1 at login keeps
    updating, and ends up trusting the newest root."""
    hub = fresh_hub
    sub = hub.subscriber()
    name, _ = publish_pack(hub, sub, tmp_path, short="guarded", version="1.0.0")
    project = go_project(tmp_path / "project")
    assert login(hub, sub, project).returncode == 0
    r = gocheck("packs", "add", f"{name}@^1.0", "--hub", hub.base_url, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr

    def admin(*args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "RULEHUB_DATA_DIR": str(hub.settings.data_dir), "RULEHUB_DATABASE_URL": hub.settings.database_url}
        return subprocess.run([sys.executable, "-m", "rulehub.server.cli", "admin", *args],
                              env=env, capture_output=True, text=True, cwd=REPO)

    def served_root_version() -> int:
        return hub.client.get("/tuf/root.json").json()["signed"]["version"]

    def update_to(version: str) -> None:
        r = gocheck("packs", "update", cwd=project)
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"-> {version}" in r.stdout and f'version = "{version}"' in (project / "gocheck.lock").read_text()

    root_key = tmp_path / "vault" / "root.pem"
    root_key.parent.mkdir()
    r = admin("tuf", "export-root-key", "--out", str(root_key))
    assert r.returncode == 0, r.stderr
    assert not list((hub.settings.data_dir / "keys").glob("tuf-root-*"))
    publish_pack(hub, sub, tmp_path, short="guarded", version="1.1.0")
    update_to("1.1.0")

    before = served_root_version()
    r = admin("rotate-keys")
    assert r.returncode == 2 and "--root-key FILE" in r.stderr, r.stderr
    assert served_root_version() == before

    new_root_key = tmp_path / "vault" / "root-2.pem"
    r = admin("rotate-keys", "--root-key", str(root_key), "--new-root-key-out", str(new_root_key))
    assert r.returncode == 0, r.stderr
    assert served_root_version() == before + 1
    publish_pack(hub, sub, tmp_path, short="guarded", version="1.2.0")
    update_to("1.2.0")

    r = admin("tuf", "renew-root", "--root-key", str(new_root_key))
    assert r.returncode == 0, r.stderr
    assert served_root_version() == before + 2
    publish_pack(hub, sub, tmp_path, short="guarded", version="1.3.0")
    update_to("1.3.0")
    # <cache>/tuf/<hub-id>/<pinned root's fingerprint>/root.json: the newest root walked to from the pin
    trusted = [json.loads(p.read_text())["signed"]["version"] for p in (user_dirs["cache"] / "tuf").glob("*/*/root.json")]
    assert trusted == [before + 2]
