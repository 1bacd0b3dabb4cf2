"""Bounded load test of RuleHub on loopback (a script, not a test).

Starts `rulehub serve` on 127.0.0.1 with a fresh data dir and database, creates a tenant, an
API key and a published pack, then runs three phases with C concurrent clients and a fixed
number of requests each: token exchange, resolve, download.  Prints requests/second,
p50, p95 and p99 latency and error counts per phase.

With `--replicas N` (PostgreSQL only) it starts N servers on the one database, with a shared
Redis (RULEHUB_TEST_REDIS_URL, default redis://127.0.0.1:6379/0), shared keys
(RULEHUB_KEYS_DIR) and the artifact store `--artifact-store` (default `database`), publishes
through the first and spreads the clients over all of them; each phase is reported per
replica and for all together.

    python bench/rulehub_load.py                         # embedded SQLite
    python bench/rulehub_load.py --postgres              # a temporary database on
                                                         # RULEHUB_TEST_POSTGRES_URL (default
                                                         # postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
    python bench/rulehub_load.py --clients 50 --requests 2000
    python bench/rulehub_load.py --postgres --replicas 2  # two replicas, one PostgreSQL and Redis

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


def _summary(phase: str, where: str, latencies: list[float], errors: int, elapsed: float) -> dict:
    latencies = sorted(latencies)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000

    return {"phase": phase, "where": where, "requests": len(latencies), "errors": errors, "seconds": elapsed,
            "rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": pct(0.95), "p99_ms": pct(0.99)}


async def _phase(name: str, bases: list[str], clients: int, total: int, make_request) -> list[dict]:
    """`total` requests by `clients` concurrent clients, client i on replica i % len(bases);
    one summary per replica (requests/s over the phase's wall time) and, with several, one for all."""
    latencies: dict[str, list[float]] = {b: [] for b in bases}
    errors = dict.fromkeys(bases, 0)
    remaining = total
    lock = asyncio.Lock()

    async def worker(client: httpx.AsyncClient, base: str) -> None:
        nonlocal remaining
        while True:
            async with lock:
                if remaining <= 0:
                    return
                remaining -= 1
            start = time.perf_counter()
            try:
                response = await make_request(client, base)
                ok = response.status_code < 400
            except httpx.HTTPError:
                ok = False
            latencies[base].append(time.perf_counter() - start)
            if not ok:
                errors[base] += 1

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async_clients = [(httpx.AsyncClient(timeout=60, limits=limits), bases[i % len(bases)]) for i in range(clients)]
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c, b) for c, b in async_clients))
    finally:
        await asyncio.gather(*(c.aclose() for c, _ in async_clients))
    elapsed = time.perf_counter() - started
    out = [_summary(name, f"replica {i + 1}" if len(bases) > 1 else "", latencies[b], errors[b], elapsed)
           for i, b in enumerate(bases)]
    if len(bases) > 1:
        out.append(_summary(name, "all", [x for b in bases for x in latencies[b]], sum(errors.values()), elapsed))
    return out


async def _run_phases(bases: list[str], api_key: str, pack: str, clients: int, total: int) -> list[dict]:
    async with httpx.AsyncClient(base_url=bases[0]) as c:
        token = (await c.post("/v1/auth/token", json={"api_key": api_key})).json()["access_token"]
        version = (await c.get(f"/v1/packs/{pack}/resolve", params={"range": "^1"},
                               headers={"Authorization": f"Bearer {token}"})).json()["version"]
    auth = {"Authorization": f"Bearer {token}"}
    return [
        *await _phase("token exchange", bases, clients, total,
                      lambda cl, base: cl.post(f"{base}/v1/auth/token", json={"api_key": api_key})),
        *await _phase("resolve", bases, clients, total,
                      lambda cl, base: cl.get(f"{base}/v1/packs/{pack}/resolve",
                                              params={"range": "^1.0", "go": "1.22", "engine": "0.1.0"}, headers=auth)),
        *await _phase("download", bases, clients, total,
                      lambda cl, base: cl.get(f"{base}/v1/packs/{pack}/{version}/download", headers=auth)),
    ]


def _start(port: int, env: dict[str, str], log: Path, workers: int) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "rulehub.server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log", "--workers", str(workers)],
            env=env, stdout=fh, stderr=subprocess.STDOUT)


def _wait(base: str, proc: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server did not start; see {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="use a temporary PostgreSQL database")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase")
    parser.add_argument("--versions", type=int, default=20, help="published versions to resolve among")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--replicas", type=int, default=1, help="servers on the one database (needs --postgres)")
    parser.add_argument("--artifact-store", default="", help="RULEHUB_ARTIFACT_STORE (replicas: default database)")
    args = parser.parse_args()
    if args.replicas > 1 and not args.postgres:
        parser.error("--replicas needs --postgres (SQLite is one server's file)")

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
    procs: list[subprocess.Popen] = []
    try:
        dbmod.upgrade(url)
        shared = {"RULEHUB_DATABASE_URL": url, "PYTHONPATH": str(REPO)}
        store = args.artifact_store or ("database" if args.replicas > 1 else "")
        if store:
            shared["RULEHUB_ARTIFACT_STORE"] = store
        if args.replicas > 1:
            shared |= {"RULEHUB_KEYS_DIR": str(tmp / "shared-keys"),
                       "RULEHUB_REDIS_URL": os.environ.get("RULEHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
                       "RULEHUB_REDIS_PREFIX": f"rulehub-load-{uuid.uuid4().hex[:8]}:"}
        bases = []
        for i in range(args.replicas):  # one after the other: the first creates the keys the others share
            data_dir = tmp / f"replica-{i + 1}" if args.replicas > 1 else tmp
            data_dir.mkdir(exist_ok=True)
            port = _free_port()
            log = data_dir / "server.log"
            procs.append(_start(port, {**os.environ, **shared, "RULEHUB_DATA_DIR": str(data_dir)}, log, args.workers))
            bases.append(f"http://127.0.0.1:{port}")
            _wait(bases[-1], procs[-1], log)
        base = bases[0]

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

        results = asyncio.run(_run_phases(bases, api_key, pack, args.clients, args.requests))
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"RuleHub load: {backend}, {args.replicas} replica(s), artifacts {store or 'local'}, "
              f"{args.clients} clients, {args.requests} requests per phase, {args.workers} uvicorn worker(s) each, "
              "loopback")
        print(f"{'phase':<16}{'where':<11}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}")
        for r in results:
            print(f"{r['phase']:<16}{r['where']:<11}{r['requests']:>9}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}"
                  f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}")
        failed = [r for r in results if r["errors"]]
        if failed:
            print(f"FAILED: {sum(r['errors'] for r in failed if r['where'] in ('', 'all'))} requests failed",
                  file=sys.stderr)
        return 1 if failed else 0
    finally:
        for proc in procs:
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
