"""Fixtures for the portal tests: a real `rulehub serve` on loopback with the portal mounted.

One server per backend per xdist worker (session scope), each with its own temp data dir
(SQLite file or a fresh PostgreSQL database from RULEHUB_TEST_POSTGRES_URL, artifacts,
keys) and free 127.0.0.1 port.  HTTP-level tests run on both backends (`portal`), the
browser tests on the embedded SQLite default (`sqlite_portal`).  The portal's proxy trust is on so the
X-Forwarded-Proto test can see the Secure cookie flag; the per-address login limit is
raised so the tests' many logins from 127.0.0.1 do not throttle each other (the
per-email limit, which the rate-limit test exercises, stays at its default of 5).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rulehub.pack import build_artifact_bytes
from rulehub.server import db as dbmod
from rulehub.server.services import accounts
from rulehub.server.settings import Settings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "portal"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

RULE_DOCS = """# What it does

Reports an HTTP response whose `Body` is never closed.

## Why is this bad?

An unclosed body leaks the connection <script>alert("xss")</script> until the GC runs.

## Example

```go
resp, err := http.Get(url)
if err != nil {
    return err
}
data, _ := io.ReadAll(resp.Body)
```

## Use instead

```go
defer resp.Body.Close()
```
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "page has no csrf_token field"
    return match.group(1)


@dataclass
class Publisher:
    namespace: str
    api_key: str
    email: str


@dataclass
class PortalServer:
    base_url: str
    settings: Settings
    database: dbmod.Database
    tmp: Path
    log: Path
    _packs: dict[str, str] = field(default_factory=dict)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, follow_redirects=False, **kw)  # type: ignore[arg-type]

    def publisher(self, *, password: str | None = None) -> Publisher:
        """A tenant with a namespace, an owner account and a publish key (made with the service functions)."""
        slug = self.unique("pub")
        email = f"{slug}@example.test"
        with self.database.write_session() as s:
            accounts.create_tenant(s, slug, f"Publisher {slug}")
            account = accounts.create_account(s, email, slug, role="owner", password=password)
            accounts.grant_plan(s, slug, "enterprise")
            accounts.create_namespace(s, slug, slug)
            key = accounts.create_api_key(s, account, scopes=["packs:read", "packs:publish"], name="publish")
        return Publisher(slug, key.secret, email)

    def artifact(self, name: str, version: str, *, tier: str, tags: tuple[str, ...], go: str | None = None,
                 docs: str = RULE_DOCS) -> bytes:
        root = self.tmp / uuid.uuid4().hex
        root.mkdir(parents=True)
        manifest = ["[pack]", f'name = "{name}"', f'version = "{version}"',
                    f'description = "{tier} checks for {name.split("/")[1]}"', 'license = "MIT"', f'tier = "{tier}"',
                    'engine = ">=0.1.0, <1.0.0"', f"tags = {json.dumps(list(tags))}"]
        if go:
            manifest.append(f'go = "{go}"')
        (root / "pack.toml").write_text("\n".join(manifest) + "\n")
        rules = [{"name": f"{name}/bodyclose", "summary": "HTTP response bodies must be closed",
                  "severity": "warning", "tags": list(tags), "docs": docs}]
        (root / "rules.json").write_text(json.dumps({"rules": rules}))
        (root / "bodyclose.py").write_text('"""Close bodies."""\n')
        return build_artifact_bytes(root)

    def publish(self, pub: Publisher, short: str, version: str, *, tier: str, tags: tuple[str, ...] = ("http",),
                go: str | None = None) -> str:
        """Publish through the API (token exchange + PUT), as a publisher's CI would."""
        name = f"{pub.namespace}/{short}"
        with self.client() as c:
            token = c.post("/v1/auth/token", json={"api_key": pub.api_key}).json()["access_token"]
            r = c.put(f"/v1/packs/{name}/{version}", content=self.artifact(name, version, tier=tier, tags=tags, go=go),
                      headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        return name


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rulehub serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"rulehub serve did not become healthy:\n{log.read_text()[-3000:]}")


@contextmanager
def _postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this worker (dropped afterwards), or skip if there is no server."""
    admin_url = os.environ.get("RULEHUB_TEST_POSTGRES_URL", PG_DEFAULT)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server here"
        pytest.skip(f"PostgreSQL not reachable at {admin_url} ({type(exc).__name__}); set RULEHUB_TEST_POSTGRES_URL")
    name = f"rulehub_portal_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _serve(url: str, data_dir: Path, tmp: Path) -> Iterator[PortalServer]:
    dbmod.upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "RULEHUB_DATA_DIR": str(data_dir),
        "RULEHUB_DATABASE_URL": url,
        "RULEHUB_TRUST_PROXY": "1",
        "RULEHUB_PORTAL_LOGIN_IP_LIMIT": "100000",
        "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.pop("RULEHUB_PORTAL_SECRET", None)
    log = data_dir / "server.log"
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            env=env, stdout=log_fh, stderr=subprocess.STDOUT, cwd=REPO,
        )
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=url)
    database = dbmod.Database.connect(settings)
    try:
        _wait_healthy(base, proc, log)
        yield PortalServer(base, settings, database, tmp, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        database.dispose()


@pytest.fixture(scope="session")
def sqlite_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    """The server on the embedded default (SQLite); the browser tests use this one."""
    data_dir = tmp_path_factory.mktemp("portal-data")
    with _serve(f"sqlite:///{data_dir / 'rulehub.db'}", data_dir, tmp_path_factory.mktemp("portal-packs")) as server:
        yield server


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    """The server on each database backend: HTTP-level tests run against both."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_portal")
        return
    with _postgres_database() as url, _serve(url, tmp_path_factory.mktemp("portal-pg-data"),
                                              tmp_path_factory.mktemp("portal-pg-packs")) as server:
        yield server


@pytest.fixture
def user(portal: PortalServer) -> tuple[str, str]:
    """A signed-up account (email, password), created through the sign-up form."""
    email = f"{portal.unique('user')}@example.test"
    with portal.client() as c:
        form = c.get("/signup")
        r = c.post("/signup", data={"csrf_token": csrf_from(form.text), "email": email, "password": PASSWORD})
        assert r.status_code == 303, r.text
    return email, PASSWORD
