"""Fixtures for the loader tests: isolated user dirs, `gocheck` as a subprocess, and real
RuleHub servers on loopback.

The server harness is the RuleHub tests' own (tests/rulehub/conftest.py: HubServer,
_free_port, _wait_healthy); what is added here is only what the loader needs beyond it: a
SQLite hub per test module (or per test, for tests that damage the hub), and a hub whose
timestamp metadata expires as soon as it is signed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rulehub.server import db as dbmod
from rulehub.server.settings import Settings
from tests.rulehub.conftest import HubServer, _free_port, _wait_healthy
from tests.support.hub_process import hub_env, stop

REPO = Path(__file__).resolve().parents[2]

# A hub whose TUF timestamps are signed already a day expired (tuf_timestamp_days=-1): what a
# client sees from a frozen mirror or a hub that stopped re-signing. (Expiring "now", rounded
# down to the second, raced the client's clock: within the same second it was not yet expired.)
_EXPIRED_HUB = """
import sys, uvicorn
from rulehub.server.app import create_app
from rulehub.server.settings import Settings
settings = Settings.from_env().with_(tuf_timestamp_days=-1)
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


@contextmanager
def running_hub(tmp: Path, *, expired_timestamps: bool = False) -> Iterator[HubServer]:
    data_dir = tmp / "hub-data"
    data_dir.mkdir(parents=True)
    database_url = f"sqlite:///{data_dir / 'rulehub.db'}"
    env = hub_env(data_dir, database_url, REPO)
    dbmod.upgrade(database_url)
    port = _free_port()
    if expired_timestamps:
        cmd = [sys.executable, "-c", _EXPIRED_HUB, str(port)]
    else:
        cmd = [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    log = data_dir / "server.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=data_dir, database_url=database_url)
    database = dbmod.Database.connect(settings)
    server = None
    try:
        _wait_healthy(url, proc, log)
        packs_tmp = tmp / "hub-packs"
        packs_tmp.mkdir()
        server = HubServer(url, settings, database, "sqlite", packs_tmp)
        yield server
    finally:
        if server is not None:
            server.client.close()
        stop(proc)
        database.dispose()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    with running_hub(tmp_path_factory.mktemp("loader-hub")) as server:
        yield server


@pytest.fixture
def fresh_hub(tmp_path: Path) -> Iterator[HubServer]:
    """A hub of this test's own, for tests that damage it (rollback)."""
    with running_hub(tmp_path / "own-hub") as server:
        yield server


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Every test gets its own user config and cache dirs and no credentials from the environment."""
    dirs = {"config": tmp_path / "user-config", "cache": tmp_path / "user-cache"}
    monkeypatch.setenv("GOCHECK_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("GOCHECK_CACHE_DIR", str(dirs["cache"]))
    for var in ("GOCHECK_API_KEY", "GOCHECK_HUB_TOKEN", "GOCHECK_HUB_URL", "CI"):
        monkeypatch.delenv(var, raising=False)
    return dirs


def gocheck(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI (`python -m analyzer`) with the test's user dirs."""
    full_env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args], cwd=cwd, env=full_env, input=stdin,
        capture_output=True, text=True, timeout=120,
    )


def start_gocheck(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "analyzer", *args], cwd=cwd, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def closed_port_url() -> str:
    """A loopback URL nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    time.sleep(0.01)
    return f"http://127.0.0.1:{port}"


GO_FILE = """package p

func f(ok bool) int {
\tif ok == true {
\t\treturn 1
\t}
\treturn 0
}
"""


def go_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (root / "p.go").write_text(GO_FILE)
    return root
