"""Two `rulehub serve` processes (real uvicorn) on one PostgreSQL and one Redis: what one
replica publishes, the other serves, and the real loader (`gocheck login` / `packs add` /
`packs verify`, TUF-verified) installs it through the other.

Each replica has a data dir of its own; they share the database, Redis, the artifact store
(database rows, or an S3 bucket on moto's server) and the private keys (RULEHUB_KEYS_DIR).
A replica given keys of its own instead refuses to start, naming the setting.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
import redis

from rulehub.server import db as dbmod
from rulehub.server.settings import Settings
from tests.support.environment import unavailable
from tests.loader.conftest import go_project, gocheck
from tests.rulehub.conftest import REPO, HubServer, _free_port
from tests.support.hub_process import (
    hub_env,
    postgres_database,
    serve,
    stop,
    wait_healthy,
)
from tests.support.s3_server import s3_server

REDIS_URL = os.environ.get("RULEHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FINDING = re.compile(r"p\.go:4:5: warning: comparison with true is redundant: use ok \((?P<rule>[^)]+)\)")

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis answers at {REDIS_URL} ({exc}); set RULEHUB_TEST_REDIS_URL")


@contextmanager
def replica(tmp: Path, label: str, env: dict[str, str]) -> Iterator[str]:
    data_dir = tmp / f"replica-{label}"
    data_dir.mkdir()
    port = _free_port()
    log = data_dir / "server.log"
    proc = serve(port, hub_env(data_dir, env["RULEHUB_DATABASE_URL"], REPO, **env), log, REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        stop(proc)
    tail = log.read_text(errors="replace")
    if "Traceback" in tail:
        pytest.fail(f"replica {label} logged an unhandled exception:\n{tail[-5000:]}")


@pytest.fixture(params=["database", "s3"])
def cluster(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[HubServer, HubServer, dict[str, str]]]:
    """Replicas A and B (HubServer each, sharing one database handle) and their shared environment."""
    _redis_or_skip()
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database("rulehub_replicas"))
        dbmod.upgrade(url)
        env = {
            "RULEHUB_DATABASE_URL": url,
            "RULEHUB_REDIS_URL": REDIS_URL,
            "RULEHUB_REDIS_PREFIX": f"rulehub-replicas-{tmp_path.name}:",
            "RULEHUB_KEYS_DIR": str(tmp_path / "shared-keys"),
            "RULEHUB_ARTIFACT_STORE": "database",
        }
        if request.param == "s3":
            s3 = stack.enter_context(s3_server())
            env |= {**s3.env, "RULEHUB_ARTIFACT_STORE": f"s3://{s3.bucket}/artifacts"}
        base_a = stack.enter_context(replica(tmp_path, "a", env))
        base_b = stack.enter_context(replica(tmp_path, "b", env))
        settings = Settings(data_dir=tmp_path / "replica-a", database_url=url)
        database = dbmod.Database.connect(settings)
        stack.callback(database.dispose)
        (tmp_path / "packs").mkdir()
        a = HubServer(base_a, settings, database, "postgres", tmp_path / "packs")
        b = HubServer(base_b, settings, database, "postgres", tmp_path / "packs")
        stack.callback(a.client.close)
        stack.callback(b.client.close)
        yield a, b, env


def _user_dirs(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOCHECK_CONFIG_DIR", str(tmp / "user-config"))
    monkeypatch.setenv("GOCHECK_CACHE_DIR", str(tmp / "user-cache"))
    for var in ("GOCHECK_API_KEY", "GOCHECK_HUB_TOKEN", "GOCHECK_HUB_URL", "CI"):
        monkeypatch.delenv(var, raising=False)


def test_published_on_one_replica_installs_verified_through_the_other(
    cluster: tuple[HubServer, HubServer, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b, _ = cluster
    _user_dirs(tmp_path, monkeypatch)
    author = a.subscriber()
    name = f"{author.namespace}/demo"
    work = tmp_path / "author"
    work.mkdir()
    assert gocheck("pack", "new", name, cwd=work).returncode == 0
    r = gocheck("pack", "build", str(work / "demo"), cwd=work)
    assert r.returncode == 0, r.stderr
    sha = re.search(r"sha256 ([0-9a-f]{64})", r.stdout).group(1)  # type: ignore[union-attr]
    r = gocheck("pack", "publish", str(work / "demo"), "--hub", a.base_url, cwd=work,
                env={"GOCHECK_API_KEY": author.api_key})
    assert r.returncode == 0, r.stdout + r.stderr
    gocheck("packs", "trust", author.namespace or "", cwd=work)
    local_files = [p.name for p in tmp_path.glob("replica-*/artifacts/**/*") if p.is_file()]
    assert local_files == [], "the artifact went to one replica's disk instead of the shared store"

    # An access token signed by A is good on B (one JWT key, shared): the catalogue of B lists the pack.
    listed = b.client.get("/v1/packs", params={"q": "demo"}, headers=author.headers)
    assert listed.status_code == 200 and name in listed.text, listed.text

    consumer = b.subscriber()
    project = go_project(tmp_path / "project")
    r = gocheck("login", "--hub", b.base_url, "--api-key-stdin", cwd=project, stdin=consumer.api_key + "\n")
    assert r.returncode == 0, r.stderr
    r = gocheck("packs", "add", f"{name}@^0.1", "--hub", b.base_url, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f'sha256 = "{sha}"' in (project / "gocheck.lock").read_text()
    r = gocheck("packs", "verify", cwd=project)
    assert r.returncode == 0 and f"ok   {name} 0.1.0" in r.stdout, r.stdout + r.stderr
    r = gocheck("./...", cwd=project)
    m = FINDING.search(r.stdout)
    assert r.returncode == 1 and m and m.group("rule") == f"{name}/boolcompare", r.stdout + r.stderr

    # A yank through B is what A resolves against, and both serve the same signed TUF metadata.
    assert b.client.post(f"/v1/packs/{name}/0.1.0/yank", headers=author.headers).status_code == 200
    gone = a.client.get(f"/v1/packs/{name}/resolve", headers=consumer.headers)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "no_matching_version"
    assert a.client.get("/tuf/timestamp.json").content == b.client.get("/tuf/timestamp.json").content


def test_a_replica_with_keys_of_its_own_refuses_to_start(
    cluster: tuple[HubServer, HubServer, dict[str, str]], tmp_path: Path,
) -> None:
    _, _, env = cluster
    data_dir = tmp_path / "stray"
    data_dir.mkdir()
    own = {**env, "RULEHUB_KEYS_DIR": str(tmp_path / "stray-keys")}
    proc = subprocess.run(
        [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(_free_port())],
        env=hub_env(data_dir, env["RULEHUB_DATABASE_URL"], REPO, **own), cwd=REPO, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert proc.returncode != 0
    assert "cannot sign with the database's active keys" in proc.stderr and "RULEHUB_KEYS_DIR" in proc.stderr
    assert "tuf-targets key" in proc.stderr and "jwt key" in proc.stderr
    # and it generated nothing the others would then trust
    assert not any((tmp_path / "stray-keys").glob("*.pem"))


def test_replicas_share_the_tenant_rate_limit(
    cluster: tuple[HubServer, HubServer, dict[str, str]],
) -> None:
    """With Redis, a tenant's per-minute budget is one budget, not one per replica."""
    a, b, _ = cluster
    from rulehub.server.services import accounts

    with a.database.write_session() as s:
        accounts.create_plan(s, "tiny", tiers=["free"], rate_limit_per_minute=6, seats=5)
    sub = a.subscriber(plan="tiny")
    token_headers = sub.headers
    statuses = []
    for i in range(10):
        client = a.client if i % 2 == 0 else b.client
        statuses.append(client.get("/v1/packs", headers=token_headers).status_code)
    assert statuses.count(429) >= 3, statuses
    assert httpx.codes.OK in statuses[:5]
