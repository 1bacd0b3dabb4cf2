"""Operations: schema checks at start-up, the admin CLI, health, metrics, OpenAPI, JSON errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.rulehub.conftest import REPO, HubServer
from rulehub.server import db as dbmod
from rulehub.server.app import create_app
from rulehub.server.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'hub.db'}")


def test_refuses_unmigrated_database(tmp_path: Path) -> None:
    with pytest.raises(dbmod.SchemaError, match="rulehub db upgrade"):
        create_app(_settings(tmp_path))


def test_refuses_newer_schema(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    dbmod.upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(dbmod.SchemaError, match="newer"):
        create_app(settings)


def _cli(tmp_path: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the `rulehub` entry point in-process (a subprocess per command is several seconds here)."""
    import contextlib
    import io

    from rulehub.server import cli

    out, err = io.StringIO(), io.StringIO()
    old_env = {k: os.environ.get(k) for k in ("RULEHUB_DATA_DIR", "RULEHUB_DATABASE_URL")}
    old_stdin = sys.stdin
    os.environ["RULEHUB_DATA_DIR"] = str(tmp_path)
    os.environ.pop("RULEHUB_DATABASE_URL", None)
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        sys.stdin = old_stdin
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return code, out.getvalue(), err.getvalue()


def test_admin_cli(tmp_path: Path) -> None:
    code, _, err = _cli(tmp_path, "admin", "list-plans")
    assert code == 2 and "rulehub db upgrade" in err
    assert _cli(tmp_path, "db", "upgrade")[0] == 0
    assert "enterprise" in _cli(tmp_path, "admin", "list-plans")[1]
    assert _cli(tmp_path, "admin", "create-tenant", "acme")[0] == 0
    assert _cli(tmp_path, "admin", "create-account", "dev@acme.test", "--tenant", "acme",
                "--password-stdin", stdin="long enough password\n")[0] == 0
    assert _cli(tmp_path, "admin", "grant-plan", "acme", "pro")[0] == 0
    assert _cli(tmp_path, "admin", "create-namespace", "acme", "--tenant", "acme")[0] == 0
    code, out, err = _cli(tmp_path, "admin", "create-key", "dev@acme.test", "--scope", "packs:publish")
    assert code == 0 and out.startswith("rh_") and "shown only now" in err
    assert _cli(tmp_path, "admin", "revoke-key", out.strip())[0] == 0
    code, _, err = _cli(tmp_path, "admin", "create-tenant", "acme")
    assert code == 2 and "already exists" in err
    code, _, err = _cli(tmp_path, "admin", "grant-plan", "acme", "platinum")
    assert code == 2 and "plan 'platinum' does not exist" in err
    code, out, _ = _cli(tmp_path, "admin", "rotate-keys")
    assert code == 0 and "root version 2" in out
    keys = list((tmp_path / "keys").iterdir())
    # The five new keys only: the retired keys' private files went with the rotation.
    assert len(keys) == 5 and all(k.stat().st_mode & 0o777 == 0o600 for k in keys)


def test_admin_cli_refuses_an_account_beyond_the_plans_seats(tmp_path: Path) -> None:
    assert _cli(tmp_path, "db", "upgrade")[0] == 0
    assert _cli(tmp_path, "admin", "create-tenant", "acme")[0] == 0
    assert _cli(tmp_path, "admin", "grant-plan", "acme", "free")[0] == 0
    for i, used in enumerate((1, 2, 3)):
        code, out, _ = _cli(tmp_path, "admin", "create-account", f"dev{i}@acme.test", "--tenant", "acme")
        assert code == 0 and f"({used} of 3 seats used)" in out
    code, out, err = _cli(tmp_path, "admin", "create-account", "dev3@acme.test", "--tenant", "acme")
    assert code == 2 and out == ""
    assert err.startswith("rulehub: tenant 'acme' uses 3 of the 3 seats of its free plan; upgrade its plan")
    assert "rulehub admin grant-plan acme PLAN" in err

    assert _cli(tmp_path, "admin", "grant-plan", "acme", "pro")[0] == 0
    assert _cli(tmp_path, "admin", "create-account", "dev3@acme.test", "--tenant", "acme")[0] == 0
    # Downgrading below the accounts is done, and said out loud.
    code, out, err = _cli(tmp_path, "admin", "grant-plan", "acme", "free")
    assert code == 0 and "plan free, active" in out
    assert "warning: tenant acme has 4 accounts but 3 seats (free plan); everyone keeps access" in err
    code, _, err = _cli(tmp_path, "admin", "create-account", "dev4@acme.test", "--tenant", "acme")
    assert code == 2 and "uses 4 of the 3 seats" in err


def test_serve_creates_embedded_database(tmp_path: Path) -> None:
    """`rulehub serve` on a brand-new data dir migrates the empty SQLite file and answers /healthz."""
    import httpx

    from tests.rulehub.conftest import _free_port, _wait_healthy

    port = _free_port()
    env = {**os.environ, "RULEHUB_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    env.pop("RULEHUB_DATABASE_URL", None)
    log = tmp_path / "serve.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "rulehub.server.cli", "serve", "--port", str(port),
                                 "--log-level", "warning"], env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", proc, log)
        assert httpx.get(f"http://127.0.0.1:{port}/tuf/1.root.json").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert (tmp_path / "rulehub.db").is_file()
    assert "creating a new database" in log.read_text()


def test_health_metrics_openapi(hub: HubServer) -> None:
    assert hub.client.get("/healthz").json() == {"status": "ok"}
    hub.client.get("/v1/packs")
    metrics = hub.client.get("/metrics")
    assert metrics.status_code == 200
    lines = [line for line in metrics.text.splitlines() if line.startswith("rulehub_http_requests_total{")]
    assert any('method="GET",route="/v1/packs",status="200"' in line for line in lines), lines[:40]
    spec = hub.client.get("/openapi.json").json()
    for path in ("/v1/auth/token", "/v1/packs", "/v1/packs/{ns}/{name}/resolve", "/v1/packs/{ns}/{name}/{version}",
                 "/v1/usage", "/tuf/timestamp.json", "/v1/artifacts/{target_path}"):
        assert path in spec["paths"], path


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/no/such/route", {}, 404, "not_found"),
        ("DELETE", "/v1/packs", {}, 405, "method_not_allowed"),
        ("POST", "/v1/auth/token", {"content": b"{not json"}, 422, "validation_error"),
        ("POST", "/v1/auth/token", {"json": {"api_key": 5}}, 422, "validation_error"),
        ("POST", "/v1/auth/token", {"json": {"api_key": "x" * 500}}, 422, "validation_error"),
        ("GET", "/v1/packs", {"params": {"q": "x" * 500}}, 422, "validation_error"),
        ("GET", "/tuf/abc.root.json", {}, 422, "validation_error"),
        ("GET", "/tuf/99999.root.json", {}, 404, "metadata_not_found"),
        ("GET", "/v1/packs", {"params": {"rule": "a\x00b"}}, 400, "invalid_characters"),
        ("GET", "/v1/packs", {"params": {"q": "\x00"}}, 400, "invalid_characters"),
    ],
)
def test_errors_are_json(hub: HubServer, method: str, path: str, kwargs: dict, status: int, code: str) -> None:
    r = hub.client.request(method, path, **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_expiring_timestamp_is_resigned(tmp_path: Path) -> None:
    """An idle repository must not freeze clients: serving timestamp.json renews it when half-expired."""
    from fastapi.testclient import TestClient
    from tuf.api.metadata import Metadata

    settings = _settings(tmp_path)
    dbmod.upgrade(settings.database_url)
    client = TestClient(create_app(settings))
    first = Metadata.from_bytes(client.get("/tuf/timestamp.json").content)
    assert Metadata.from_bytes(client.get("/tuf/timestamp.json").content).signed.version == first.signed.version
    # Same repository, served by a hub whose timestamps live 3 days: the 1-day one is past half-life.
    longer = TestClient(create_app(settings.with_(tuf_timestamp_days=3)))
    renewed = Metadata.from_bytes(longer.get("/tuf/timestamp.json").content)
    assert renewed.signed.version == first.signed.version + 1
    assert renewed.signed.expires > first.signed.expires
    root = Metadata.from_bytes(longer.get("/tuf/root.json").content)
    root.verify_delegate("timestamp", renewed)
