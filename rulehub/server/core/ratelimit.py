"""Per-tenant token buckets (capacity = the plan's requests per minute, refilled continuously).

One interface, `TenantRateLimiter.take`, two implementations chosen at start-up
(`tenant_rate_limiter`):

- `LocalRateLimiter` (default, no RULEHUB_REDIS_URL): buckets in process memory.  Exact for
  one process; with `--workers N` or N replicas each process has its own buckets, so a tenant
  gets up to N times its plan limit.
- `RedisRateLimiter`: one bucket per tenant in the shared Redis (a hash under
  `<prefix>ratelimit:tenant:<id>`, expiring once it would be full again), updated by one Lua
  script, so the limit holds across every process.  If Redis fails it falls back to a
  `LocalRateLimiter` (fail open to per-process limits; see rulehub.server.core.shared_store).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rulehub.server.core.shared_store import SharedStore


class TenantRateLimiter(Protocol):
    def take(self, tenant_id: int, per_minute: int) -> float:
        """Spend one token; return 0 if allowed, else seconds until a token is available."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class LocalRateLimiter:
    """Token buckets in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def take(self, tenant_id: int, per_minute: int) -> float:
        if per_minute <= 0:
            return 60.0
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(tenant_id)
            if bucket is None:
                bucket = self._buckets[tenant_id] = _Bucket(tokens=float(per_minute), updated=now)
            bucket.tokens = min(float(per_minute), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate


# The same bucket arithmetic as LocalRateLimiter.take, atomically in Redis, on Redis's clock.
# KEYS[1] bucket hash {tokens, updated}; ARGV: capacity, refill per second, TTL in ms.
# Returns the wait in seconds as a string (Redis would truncate a Lua number to an integer).
_TOKEN_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'updated', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return string.format('%.6f', wait)
"""


# An untouched bucket is full again after capacity / rate = 60 s, the same as no bucket: drop it then.
_BUCKET_TTL_MS = 61_000


class RedisRateLimiter:
    """Token buckets shared by every process through Redis; per-process buckets while it is down."""

    def __init__(self, store: SharedStore, fallback: TenantRateLimiter | None = None) -> None:
        self._store = store
        self._bucket = store.script(_TOKEN_BUCKET)
        self._fallback = fallback or LocalRateLimiter()

    def bucket_key(self, tenant_id: int) -> str:
        return self._store.key(f"ratelimit:tenant:{tenant_id}")

    def take(self, tenant_id: int, per_minute: int) -> float:
        def local() -> float:
            return self._fallback.take(tenant_id, per_minute)

        if per_minute <= 0:
            return local()
        return self._store.attempt(
            "tenant",
            lambda: float(self._bucket(keys=[self.bucket_key(tenant_id)], args=[per_minute, repr(per_minute / 60.0), _BUCKET_TTL_MS])),
            local,
        )


def tenant_rate_limiter(store: SharedStore | None) -> TenantRateLimiter:
    """The implementation for this deployment: shared through `store` when there is one."""
    return RedisRateLimiter(store) if store is not None else LocalRateLimiter()


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
