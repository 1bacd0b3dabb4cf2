"""Bounded load test of RuleHub on loopback (a script, not a test).

Starts `rulehub serve` on 127.0.0.1 with a fresh data dir and database, creates a tenant, an
API key and a published pack, then runs three phases with C concurrent clients and a fixed
number of requests each: token exchange, resolve, download.  Prints requests/second,
p50 and p99 latency and error counts per phase.

    python bench/rulehub_load.py                         # embedded SQLite
    python bench/rulehub_load.py --postgres              # a temporary database on
                                                         # RULEHUB_TEST_POSTGRES_URL (default
                                                         # postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
    python bench/rulehub_load.py --clients 50 --requests 2000

Everything it creates (server process, data dir, temporary PostgreSQL database) is removed
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rulehub.pack import build_artifact_bytes  # noqa: E402
from rulehub.server import db as dbmod  # noqa: E402
from rulehub.server.services import accounts  # noqa: E402
from rulehub.server.settings import Settings  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pack_dir(root: Path, name: str, version: str) -> Path:
    root.mkdir(parents=True)
    (root / "pack.toml").write_text(
        f'[pack]\nname = "{name}"\nversion = "{version}"\ndescription = "load test"\nlicense = "MIT"\n'
        'tier = "pro"\nengine = ">=0.1.0, <1.0.0"\ngo = ">=1.18"\ntags = ["bench"]\n'
    )
    (root / "rules.json").write_text('{"rules": [{"name": "r1", "summary": "s", "docs": "d"}]}')
    (root / "r1.py").write_text('"""rule"""\n' + "# padding\n" * 2000)  # ~20 KB artifact before gzip
    return root


async def _phase(name: str, clients: int, total: int, make_request) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    remaining = total
    lock = asyncio.Lock()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining, errors
        while True:
            async with lock:
                if remaining <= 0:
                    return
                remaining -= 1
            start = time.perf_counter()
            try:
                response = await make_request(client)
                ok = response.status_code < 400
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors += 1

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async_clients = [httpx.AsyncClient(timeout=60, limits=limits) for _ in range(clients)]
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in async_clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in async_clients))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "phase": name,
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": p99 * 1000,
    }


async def _run_phases(base: str, api_key: str, pack: str, clients: int, total: int) -> list[dict[str, float]]:
    async with httpx.AsyncClient(base_url=base) as c:
        token = (await c.post("/v1/auth/token", json={"api_key": api_key})).json()["access_token"]
        version = (await c.get(f"/v1/packs/{pack}/resolve", params={"range": "^1"},
                               headers={"Authorization": f"Bearer {token}"})).json()["version"]
    auth = {"Authorization": f"Bearer {token}"}
    results = [
        await _phase("token exchange", clients, total,
                     lambda cl: cl.post(f"{base}/v1/auth/token", json={"api_key": api_key})),
        await _phase("resolve", clients, total,
                     lambda cl: cl.get(f"{base}/v1/packs/{pack}/resolve",
                                       params={"range": "^1.0", "go": "1.22", "engine": "0.1.0"}, headers=auth)),
        await _phase("download", clients, total,
                     lambda cl: cl.get(f"{base}/v1/packs/{pack}/{version}/download", headers=auth)),
    ]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="use a temporary PostgreSQL database")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase")
    parser.add_argument("--versions", type=int, default=20, help="published versions to resolve among")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rulehub-load-"))
    admin_engine = None
    pg_name = None
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin_url = os.environ.get("RULEHUB_TEST_POSTGRES_URL", PG_DEFAULT)
        admin_engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        pg_name = f"rulehub_load_{uuid.uuid4().hex[:10]}"
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        url = make_url(admin_url).set(database=pg_name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'rulehub.db'}"
    settings = Settings(data_dir=tmp, database_url=url)
    proc = None
    try:
        dbmod.upgrade(url)
        port = _free_port()
        env = {**os.environ, "RULEHUB_DATA_DIR": str(tmp), "RULEHUB_DATABASE_URL": url,
               "PYTHONPATH": str(REPO)}
        log = open(tmp / "server.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log", "--workers", str(args.workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit(f"server did not start; see {tmp / 'server.log'}")

        database = dbmod.Database.connect(settings)
        with database.write_session() as s:
            accounts.create_plan(s, "bench", tiers=["free", "pro"], rate_limit_per_minute=10_000_000, seats=1000)
            accounts.create_tenant(s, "bench")
            account = accounts.create_account(s, "bench@example.test", "bench")
            accounts.grant_plan(s, "bench", "bench")
            accounts.create_namespace(s, "bench", "bench")
            api_key = accounts.create_api_key(s, account, scopes=["packs:read", "packs:publish"]).secret
        database.dispose()
        pack = "bench/load"
        token = httpx.post(f"{base}/v1/auth/token", json={"api_key": api_key}).json()["access_token"]
        for i in range(args.versions):
            data = build_artifact_bytes(_pack_dir(tmp / f"p{i}", pack, f"1.{i}.0"))
            r = httpx.put(f"{base}/v1/packs/{pack}/1.{i}.0", content=data,
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
            r.raise_for_status()

        results = asyncio.run(_run_phases(base, api_key, pack, args.clients, args.requests))
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"RuleHub load: {backend}, {args.clients} clients, {args.requests} requests per phase, "
              f"{args.workers} uvicorn worker(s), loopback")
        print(f"{'phase':<16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
        for r in results:
            print(f"{r['phase']:<16}{r['rps']:>10.0f}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}{r['errors']:>8}")
        return 1 if any(r["errors"] for r in results) else 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if admin_engine is not None and pg_name:
            from sqlalchemy import text

            with admin_engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin_engine.dispose()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
