"""Running a real `rulehub serve` for tests: a throwaway PostgreSQL database, waiting for
/healthz, and stopping the process. Shared by the RuleHub, portal and loader suites."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.environment import unavailable

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database (dropped afterwards); skips the test when
    no server answers at RULEHUB_TEST_POSTGRES_URL (default: local trust auth)."""
    admin_url = os.environ.get("RULEHUB_TEST_POSTGRES_URL", PG_DEFAULT)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server here"
        unavailable(f"PostgreSQL not reachable at {admin_url} ({type(exc).__name__}); set RULEHUB_TEST_POSTGRES_URL")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def hub_env(data_dir: Path, database_url: str, repo: Path, **settings: str) -> dict[str, str]:
    """The environment of a test server: this one's, plus its data dir and database, the
    repository on PYTHONPATH and any further `RULEHUB_*` settings (`RULEHUB_MAX_UPLOAD="..."`)."""
    return {
        **os.environ,
        "RULEHUB_DATA_DIR": str(data_dir),
        "RULEHUB_DATABASE_URL": database_url,
        **settings,
        "PYTHONPATH": f"{repo}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }


def serve(port: int, env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
    """Start `rulehub serve` on 127.0.0.1:`port`, its output going to `log`."""
    with open(log, "wb") as log_fh:
        return subprocess.Popen(
            [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            env=env, stdout=log_fh, stderr=subprocess.STDOUT, cwd=cwd,
        )


def wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120  # generous: CI machines can be very busy
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rulehub serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"rulehub serve did not become healthy:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
