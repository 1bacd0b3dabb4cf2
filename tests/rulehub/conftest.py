"""Fixtures for the RuleHub tests: a real uvicorn server on loopback, per database backend.

`hub` is session-scoped and parametrised over SQLite and PostgreSQL, so every test that
uses it runs against both.  Each xdist worker gets its own data dir, free port and (for
PostgreSQL) its own freshly created database, dropped at the end.  PostgreSQL comes from
RULEHUB_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
if it is unreachable the PostgreSQL parameter is skipped with the reason.  Tests that change
the hub for good (its keys) start their own with `hub_server`.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from rulehub.pack import build_artifact_bytes
from tests.support.hub_process import hub_env, postgres_database, serve, stop, wait_healthy
from rulehub.server import db as dbmod
from rulehub.server.services import accounts
from rulehub.server.settings import Settings

REPO = Path(__file__).resolve().parents[2]
MAX_UPLOAD = 256 * 1024


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('rulehub-sqlite') / 'rulehub.db'}"
        return
    with postgres_database("rulehub_test") as url:
        yield url


def make_pack_dir(
    root: Path, name: str, version: str, *, tier: str = "free", go: str | None = None,
    engine: str = ">=0.1.0, <1.0.0", tags: tuple[str, ...] = ("http",), rules: list[dict] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        "[pack]",
        f'name = "{name}"',
        f'version = "{version}"',
        f'description = "test pack {name}"',
        'license = "MIT"',
        f'tier = "{tier}"',
        f'engine = "{engine}"',
        f"tags = {json.dumps(list(tags))}",
    ]
    if go:
        lines.append(f'go = "{go}"')
    (root / "pack.toml").write_text("\n".join(lines) + "\n")
    rules = rules if rules is not None else [
        {"name": "bodyclose", "summary": "close response bodies", "severity": "warning", "tags": ["http"],
         "docs": "## What it does\nChecks that bodies are closed."}
    ]
    (root / "rules.json").write_text(json.dumps({"rules": rules}))
    (root / "bodyclose.py").write_text('"""Close bodies."""\n')
    for rel, data in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


@dataclass
class Subscriber:
    """A tenant with an account, an API key and (lazily) an access token."""

    hub: "HubServer"
    tenant: str
    email: str
    api_key: str
    namespace: str | None
    _token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            r = self.hub.client.post("/v1/auth/token", json={"api_key": self.api_key})
            assert r.status_code == 200, r.text
            self._token = r.json()["access_token"]
        return self._token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw) -> httpx.Response:
        return self.hub.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.hub.client.post(path, headers=self.headers, **kw)

    def publish(self, name: str, version: str, data: bytes, **params) -> httpx.Response:
        return self.hub.client.put(f"/v1/packs/{name}/{version}", content=data, headers=self.headers, params=params)


@dataclass
class HubServer:
    base_url: str
    settings: Settings
    database: dbmod.Database
    backend: str
    tmp: Path
    pid: int = 0  # of the `rulehub serve` process, for tests that measure it
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url, timeout=30)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def subscriber(
        self, *, plan: str = "pro", status: str = "active", period_end: datetime | None = None,
        scopes: tuple[str, ...] = ("packs:read", "packs:publish"), namespace: bool = True,
        subscribe: bool = True,
    ) -> Subscriber:
        slug = self.unique("t")
        email = f"{slug}@example.test"
        with self.database.write_session() as s:
            accounts.create_tenant(s, slug)
            account = accounts.create_account(s, email, slug, role="owner")
            if subscribe:
                accounts.grant_plan(s, slug, plan, status=status, period_end=period_end)
            if namespace:
                accounts.create_namespace(s, slug, slug)
            key = accounts.create_api_key(s, account, scopes=list(scopes))
        return Subscriber(self, slug, email, key.secret, slug if namespace else None)

    def artifact(self, name: str, version: str, **kw) -> bytes:
        return build_artifact_bytes(make_pack_dir(self.tmp / uuid.uuid4().hex, name, version, **kw))


_wait_healthy = wait_healthy  # the loader suite imports this name


@contextmanager
def hub_server(database_url: str, data_dir: Path, packs_tmp: Path, *, max_upload: int = MAX_UPLOAD,
               **settings: str) -> Iterator[HubServer]:
    """`rulehub serve` on a free loopback port over an upgraded database; fails the test if the
    server logged an unhandled exception (every error must have been a clean 4xx).  `settings`
    are further RULEHUB_* variables."""
    env = hub_env(data_dir, database_url, REPO, RULEHUB_MAX_UPLOAD=str(max_upload), **settings)
    dbmod.upgrade(database_url)  # what an operator runs; serve would refuse otherwise (on PostgreSQL)
    port = _free_port()
    log = data_dir / "server.log"
    proc = serve(port, env, log, REPO)
    url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=database_url, max_upload=max_upload)
    database = dbmod.Database.connect(settings)
    server = None
    try:
        _wait_healthy(url, proc, log)
        server = HubServer(url, settings, database, "sqlite" if database_url.startswith("sqlite") else "postgres",
                           packs_tmp, pid=proc.pid)
        yield server
    finally:
        if server is not None:
            server.client.close()
        stop(proc)
        database.dispose()
    tail = log.read_text(errors="replace")
    if "Traceback" in tail:
        pytest.fail(f"rulehub server logged an unhandled exception ({database_url.split(':')[0]}):\n{tail[-5000:]}")


@pytest.fixture(scope="session")
def hub(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    with hub_server(database_url, tmp_path_factory.mktemp("rulehub-data"), tmp_path_factory.mktemp("rulehub-packs")) as server:
        yield server


@pytest.fixture
def publisher(hub: HubServer) -> Subscriber:
    return hub.subscriber()


def tar_bytes(members: dict[str, bytes]) -> bytes:
    """A gzip'd tar with exactly these members (for hostile-upload tests)."""
    import gzip
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.db'}"
        return
    with postgres_database("rulehub_root") as url:
        yield url


def admin(settings: Settings, *args: str) -> tuple[int, str, str]:
    """`rulehub admin ...` in-process, against this hub's data dir and database."""
    from rulehub.server import cli

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RULEHUB_DATA_DIR", str(settings.data_dir))
        mp.setenv("RULEHUB_DATABASE_URL", settings.database_url)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["admin", *args])
    return code, out.getvalue(), err.getvalue()
