"""Rate limits shared through Redis (RULEHUB_REDIS_URL): they hold across server processes,
refill, and degrade to per-process limits (never refusing because of Redis) when it is down.

Needs a Redis at RULEHUB_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): without one the
tests are skipped, unless CI is set, where they fail (.ci/setup.sh provides Redis there).
Every test run uses its own key prefix, so parallel runs never see each other's buckets.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from tests.portal.portal_server import PASSWORD, csrf_from, free_port
from tests.rulehub.conftest import REPO, HubServer
from tests.support.hub_process import hub_env, serve, stop, wait_healthy
from tests.support.login_limits import exercise_login_limits
from tests.support.environment import unavailable
from rulehub.server import db as dbmod
from rulehub.server.core.ratelimit import LocalRateLimiter, RedisRateLimiter
from rulehub.server.core.shared_store import SharedStore
from rulehub.server.portal.login_limiter import RedisWindows, login_limiter
from rulehub.server.services import accounts
from rulehub.server.settings import Settings

REDIS_URL = os.environ.get("RULEHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = pytest.mark.redis


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis answers at {REDIS_URL} ({type(exc).__name__}); start redis-server "
                     "or set RULEHUB_TEST_REDIS_URL")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    value = f"rulehub-test-{uuid.uuid4().hex[:12]}:"
    yield value
    for key in redis_client.scan_iter(f"{value}*"):
        redis_client.delete(key)


@pytest.fixture
def store(prefix: str) -> Iterator[SharedStore]:
    shared = SharedStore.from_url(REDIS_URL, prefix=prefix)
    yield shared
    shared.close()


def _redis_now(client: redis.Redis) -> float:
    seconds, micros = client.time()
    return seconds + micros / 1e6


# --- two real servers, one database, one Redis ----------------------------------------------------


@dataclass
class Pair:
    a: HubServer
    b: HubServer

    def alternate(self, i: int) -> HubServer:
        return (self.a, self.b)[i % 2]


def _hub_env(data_dir: Path, database_url: str, redis_url: str, prefix: str) -> dict[str, str]:
    # only the per-email login limit is under test here
    env = hub_env(data_dir, database_url, REPO, RULEHUB_REDIS_URL=redis_url, RULEHUB_REDIS_PREFIX=prefix,
                  RULEHUB_PORTAL_LOGIN_IP_LIMIT="100000")
    env.pop("RULEHUB_PORTAL_SECRET", None)  # both servers use the data dir's generated secret
    return env


@pytest.fixture(scope="module")
def pair(hub: HubServer, redis_client: redis.Redis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two more `rulehub serve` processes on the `hub` fixture's data dir and database (as
    `--workers` or replicas would be), sharing one Redis under a prefix of their own."""
    prefix = f"rulehub-test-{uuid.uuid4().hex[:12]}:"
    data_dir, database_url = hub.settings.data_dir, hub.settings.database_url
    env = _hub_env(data_dir, database_url, REDIS_URL, prefix)
    procs: list[tuple[subprocess.Popen, Path]] = []
    servers: list[HubServer] = []
    try:
        for _ in range(2):
            port = free_port()
            log = data_dir / f"server-shared-limit-{port}.log"
            procs.append((serve(port, env, log, REPO), log))
            wait_healthy(f"http://127.0.0.1:{port}", *procs[-1])
            servers.append(HubServer(f"http://127.0.0.1:{port}", hub.settings, hub.database, hub.backend,
                                     tmp_path_factory.mktemp("shared-limit-packs")))
        yield Pair(*servers)
    finally:
        for server in servers:
            server.client.close()
        for proc, _ in procs:
            stop(proc)
        for key in redis_client.scan_iter(f"{prefix}*"):
            redis_client.delete(key)
    for _, log in procs:
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            pytest.fail(f"{log.name} logged an unhandled exception:\n{text[-5000:]}")


def test_plan_limit_holds_across_two_servers(pair: Pair) -> None:
    plan = pair.a.unique("four")
    with pair.a.database.write_session() as s:
        accounts.create_plan(s, plan, tiers=["free"], rate_limit_per_minute=4, seats=1)
    sub = pair.a.subscriber(plan=plan, namespace=False)

    # 4 per minute in all, spent two on each server; per-process buckets would allow 8.
    spent = [pair.alternate(i).client.get("/v1/usage", headers=sub.headers) for i in range(4)]
    assert [r.status_code for r in spent] == [200] * 4, [r.text for r in spent]
    for server in (pair.a, pair.b):
        r = server.client.get("/v1/usage", headers=sub.headers)
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 15  # one token every 15 s at 4 a minute


def _login(server: HubServer, email: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        token = csrf_from(c.get("/login").text)
        return c.post("/login", data={"csrf_token": token, "email": email, "password": password})


def test_failed_logins_are_counted_across_two_servers(pair: Pair) -> None:
    email = f"{pair.a.unique('guessed')}@example.test"
    with pair.a.database.write_session() as s:
        slug = pair.a.unique("t")
        accounts.create_tenant(s, slug)
        accounts.create_account(s, email, slug, password=PASSWORD)

    # The portal's default: 5 failures per email per 300 s, counted over both servers together.
    statuses = [_login(pair.alternate(i), email, f"guess {i}").status_code for i in range(5)]
    assert statuses == [400] * 5
    for server in (pair.a, pair.b):
        r = _login(server, email, PASSWORD)  # even the right password waits now, on either server
        assert r.status_code == 429, r.text
        assert 0 < int(r.headers["Retry-After"]) <= 300
        assert "Too many failed attempts" in r.text


def test_server_with_unreachable_redis_keeps_serving_with_per_process_limits(tmp_path: Path) -> None:
    """Fail open: a dead Redis never turns into 429s or 500s; the per-process limits still apply."""
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'rulehub.db'}"
    data_dir.mkdir()
    dbmod.upgrade(url)
    env = _hub_env(data_dir, url, f"redis://127.0.0.1:{free_port()}/0", "rulehub-test-dead:")
    port, log = free_port(), data_dir / "server.log"
    proc = serve(port, env, log, REPO)
    settings = Settings(data_dir=data_dir, database_url=url)
    database = dbmod.Database.connect(settings)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log)
        hub = HubServer(f"http://127.0.0.1:{port}", settings, database, "sqlite", tmp_path / "packs")
        plan = hub.unique("three")
        with database.write_session() as s:
            accounts.create_plan(s, plan, tiers=["free"], rate_limit_per_minute=3, seats=1)
        sub = hub.subscriber(plan=plan, namespace=False)
        codes = [sub.get("/v1/usage").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]

        statuses = [_login(hub, "nobody@example.test", f"guess {i}").status_code for i in range(6)]
        assert statuses == [400] * 5 + [429]  # login throttling went on, in this process

        # Counted for operators; after the first failure Redis is left alone for a few seconds
        # (by both limiters: it is one store), so the count is small, not one per request.
        metrics = hub.client.get("/metrics").text
        counted = re.search(r'rulehub_ratelimit_store_errors_total\{limiter="tenant"\} ([0-9.]+)', metrics)
        assert counted and float(counted.group(1)) >= 1, metrics
        hub.client.close()
    finally:
        stop(proc)
        database.dispose()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-5000:]
    assert "Redis at 127.0.0.1" in text and "using per-process limits" in text
    assert text.count("tenant: Redis at") == 1  # warned once (a minute), not once per request


# --- the Redis implementations, unit by unit ------------------------------------------------------


def test_redis_bucket_refills_continuously_and_caps_at_the_plan(store: SharedStore) -> None:
    limiter = RedisRateLimiter(store)
    now = _redis_now(store.client)
    # Empty since 30 s ago at 6 a minute (one token per 10 s): 3 tokens have come back.
    store.client.hset(limiter.bucket_key(1), mapping={"tokens": "0", "updated": f"{now - 30:.6f}"})
    assert [limiter.take(1, 6) == 0 for _ in range(4)] == [True, True, True, False]
    # Untouched for an hour: full, but never more than the plan's minute.
    store.client.hset(limiter.bucket_key(2), mapping={"tokens": "0", "updated": f"{now - 3600:.6f}"})
    assert [limiter.take(2, 6) == 0 for _ in range(7)] == [True] * 6 + [False]
    assert 0 < store.client.pttl(limiter.bucket_key(2)) <= 61_000  # gone once it would be full again

    # And in real time: at 60 a minute an empty bucket has a token again within a second.
    store.client.hset(limiter.bucket_key(3), mapping={"tokens": "0", "updated": f"{_redis_now(store.client):.6f}"})
    wait = limiter.take(3, 60)
    assert 0 < wait <= 1
    time.sleep(wait + 0.05)
    assert limiter.take(3, 60) == 0


def test_two_limiters_on_one_redis_share_the_bucket(prefix: str) -> None:
    """What two processes do, in one: separate connections, one bucket."""
    first = SharedStore.from_url(REDIS_URL, prefix=prefix)
    second = SharedStore.from_url(REDIS_URL, prefix=prefix)
    try:
        a, b = RedisRateLimiter(first), RedisRateLimiter(second)
        assert [a.take(9, 4), b.take(9, 4), a.take(9, 4), b.take(9, 4)] == [0, 0, 0, 0]
        assert a.take(9, 4) > 0 and b.take(9, 4) > 0
        assert a.take(10, 4) == 0  # other tenants have their own bucket
    finally:
        first.close()
        second.close()


def test_redis_login_windows_limit_per_email_and_per_address(store: SharedStore) -> None:
    limiter = login_limiter(per_key=2, per_ip=3, window=60, store=store)
    assert isinstance(limiter.windows, RedisWindows)
    exercise_login_limits(limiter)
    assert not any("a@x" in key for key in store.client.scan_iter(f"{store.prefix}*"))  # emails are hashed


def test_redis_login_window_slides(store: SharedStore) -> None:
    limiter = login_limiter(per_key=2, per_ip=100, window=1, store=store)
    limiter.failed("slide@x", "1.1.1.1")
    limiter.failed("slide@x", "1.1.1.1")
    assert limiter.retry_after("slide@x", "1.1.1.1") == 1
    time.sleep(1.1)
    assert limiter.retry_after("slide@x", "1.1.1.1") == 0


def _closed_port_store(prefix: str, errors: list[str], clock=time.monotonic) -> SharedStore:  # type: ignore[no-untyped-def]
    shared = SharedStore.from_url(f"redis://127.0.0.1:{free_port()}/0", prefix=prefix, on_error=errors.append)
    shared._clock = clock  # the back-off's clock, for the test that steps it
    return shared


def test_unreachable_redis_falls_back_to_per_process_limits(caplog: pytest.LogCaptureFixture) -> None:
    errors: list[str] = []
    store = _closed_port_store("rulehub-test-closed:", errors)
    store.retry_interval = 0  # try Redis on every call, so every failure is seen
    tenant = RedisRateLimiter(store)
    login = login_limiter(per_key=2, per_ip=100, window=60, store=store)
    with caplog.at_level(logging.WARNING, logger="rulehub.ratelimit"):
        # Fail open: nobody is refused because Redis is down ...
        assert [tenant.take(7, 3) for _ in range(3)] == [0, 0, 0]
        # ... but the plan limit still holds within this process.
        assert tenant.take(7, 3) > 0
        # Login throttling falls back to this process's windows instead of failing closed.
        assert login.retry_after("x@y", "1.1.1.1") == 0
        login.failed("x@y", "1.1.1.1")
        login.failed("x@y", "1.1.1.1")
        assert login.retry_after("x@y", "1.1.1.1") > 0
    assert errors == ["tenant"] * 4 + ["login"] * 4
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2, warnings  # once a minute per limiter, not once per failure
    assert warnings[0].startswith("tenant: Redis at 127.0.0.1:") and "ConnectionError" in warnings[0]
    assert warnings[1].startswith("login: Redis at 127.0.0.1:")
    store.close()


def test_after_a_failure_redis_is_left_alone_for_the_retry_interval() -> None:
    errors: list[str] = []
    now = [1000.0]
    store = _closed_port_store("rulehub-test-closed:", errors, clock=lambda: now[0])
    tenant = RedisRateLimiter(store, fallback=LocalRateLimiter(clock=lambda: now[0]))
    assert tenant.take(1, 60) == 0 and errors == ["tenant"]
    assert tenant.take(1, 60) == 0 and errors == ["tenant"]  # not tried again yet
    now[0] += store.retry_interval
    assert tenant.take(1, 60) == 0 and errors == ["tenant", "tenant"]
    store.close()


def test_limits_move_back_to_redis_when_it_returns(tmp_path: Path, redis_client: redis.Redis) -> None:
    """A Redis of our own, stopped and restarted empty: stale connections and the lost script
    cache are handled, and the shared bucket is used again."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(tmp_path)]

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(port=port, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                probe.ping()
                return proc
            except redis.ConnectionError:
                time.sleep(0.05)
        proc.kill()
        raise RuntimeError(f"redis-server on port {port} did not start")

    errors: list[str] = []
    proc = start()
    store = SharedStore.from_url(f"redis://127.0.0.1:{port}/0", prefix="t:", on_error=errors.append)
    store.retry_interval = 0
    limiter = RedisRateLimiter(store)
    try:
        assert [limiter.take(5, 2) for _ in range(2)] == [0, 0]
        assert limiter.take(5, 2) > 0
        stop(proc)
        assert limiter.take(5, 2) == 0  # a fresh per-process bucket while Redis is away
        assert errors == ["tenant"]
        proc = start()
        assert limiter.take(5, 2) == 0  # Redis again: empty after the restart, script re-sent
        assert store.client.exists(limiter.bucket_key(5)) == 1
        assert errors == ["tenant"]
    finally:
        store.close()
        stop(proc)
