"""The optional shared store for rate limits (Redis), and what the limiters do when it is down.

Without RULEHUB_REDIS_URL every process keeps its limits in its own memory, so `--workers N`
or N replicas allow N times each limit.  With it (e.g. `redis://127.0.0.1:6379/0`), every
process keeps the tenant token buckets (rulehub.server.core.ratelimit) and the failed-login
windows (rulehub.server.portal.login_limiter) in that one Redis, under the key prefix
RULEHUB_REDIS_PREFIX (default `rulehub:`), and the limits hold for the whole deployment.
A single Redis server (or a primary with replicas) is assumed, not Redis Cluster; every
update is one Lua script, so concurrent processes cannot race past a limit.  Redis time
(`TIME`) is the clock, so the replicas' own clocks need not agree.

When Redis does not answer, neither limiter refuses requests because of it: both fall back
to their in-process implementation (the behaviour without Redis: limits per process) until
Redis answers again.  Paid downloads keep flowing when the cache dies, and login guessing is
still throttled per process, as it always was.  Each failure is counted in
`rulehub_ratelimit_store_errors_total{limiter=...}`; a warning is logged at most once a
minute per limiter; after a failure Redis is left alone for `retry_interval` seconds so that
an unreachable host does not add a connect timeout to every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

log = logging.getLogger("rulehub.ratelimit")

# Exceptions that mean "the store is unusable right now"; redis-py wraps socket errors in these.
STORE_ERRORS: tuple[type[Exception], ...] = (redis.RedisError, OSError)

T = TypeVar("T")


class SharedStore:
    """One Redis connection pool shared by an app's limiters, plus their outage bookkeeping."""

    def __init__(
        self, client: redis.Redis, *, prefix: str = "rulehub:", retry_interval: float = 5.0,
        on_error: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.retry_interval = retry_interval
        self._on_error = on_error
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = float("-inf")
        self._next_warning: dict[str, float] = {}

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "rulehub:", timeout: float = 0.5,
                 on_error: Callable[[str], None] | None = None) -> "SharedStore":
        """Connect lazily (nothing is sent until the first request needs a limit).

        Short timeouts and one immediate retry: a pooled connection that a Redis restart closed
        is replaced at once, and a dead Redis costs a request at most about `2 * timeout`.
        """
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                                          retry=Retry(NoBackoff(), 1), decode_responses=True)
        except ValueError as exc:
            raise SystemExit(f"RULEHUB_REDIS_URL={url!r} is not a Redis URL ({exc}); "
                             "use redis://HOST:6379/0 or rediss:// for TLS") from None
        return cls(client, prefix=prefix, on_error=on_error)

    @property
    def address(self) -> str:
        """host:port/db of the server, for log lines (never the URL: it may carry a password)."""
        kw = self.client.connection_pool.connection_kwargs
        return f"{kw.get('host', kw.get('path', '?'))}:{kw.get('port', '')}/{kw.get('db', 0)}"

    def key(self, name: str) -> str:
        return self.prefix + name

    def script(self, source: str) -> Script:
        """A Lua script run by EVALSHA (re-sent with EVAL by redis-py when the server lost it)."""
        return self.client.register_script(source)

    def attempt(self, limiter: str, use_redis: Callable[[], T], fallback: Callable[[], T]) -> T:
        """`use_redis()` unless Redis failed within `retry_interval`; on a store error (or
        while Redis is left alone) `fallback()`, the limiter's per-process answer."""
        if self.up():
            try:
                return use_redis()
            except STORE_ERRORS as exc:
                self.failed(limiter, exc)
        return fallback()

    def up(self) -> bool:
        """False for `retry_interval` seconds after a failure: callers use their fallback instead."""
        return self._clock() >= self._down_until

    def failed(self, limiter: str, exc: BaseException) -> None:
        """Record that `limiter` could not use Redis (counts it, warns at most once a minute)."""
        now = self._clock()
        with self._lock:
            self._down_until = now + self.retry_interval
            warn = now >= self._next_warning.get(limiter, float("-inf"))
            if warn:
                self._next_warning[limiter] = now + 60.0
        if self._on_error is not None:
            self._on_error(limiter)
        if warn:
            log.warning("%s: Redis at %s failed (%s: %s); using per-process limits until it answers again",
                        limiter, self.address, type(exc).__name__, exc)

    def close(self) -> None:
        self.client.close()
