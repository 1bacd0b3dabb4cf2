"""Failed-login throttling: a sliding window per email and per client address.

`LoginLimiter` holds the policy (which keys, which limits, how long a window); the failure
timestamps live in a `FailureWindows` store, one of two chosen at start-up (`login_limiter`):

- `LocalWindows` (default, no RULEHUB_REDIS_URL): process memory.  One replica sees only its
  own failures, so N replicas (or `--workers N`) allow N times the limit; argon2's cost still
  bounds online guessing.
- `RedisWindows`: a sorted set per key in the shared Redis (`<prefix>login:<sha256 of the
  key>`, so no email address is stored in the cache), trimmed to the window and expiring
  with it, updated by Lua scripts, so the limit holds across every process.

If Redis fails, `RedisWindows` falls back to `LocalWindows`: throttling goes on per process
rather than failing closed (which would lock every user out of the portal whenever the cache
is down, an outage anyone able to disturb Redis could cause) or open (no throttle at all).
See rulehub.server.core.shared_store for how outages are logged and counted.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from rulehub.server.core.shared_store import SharedStore

Limits = Sequence[tuple[str, int]]  # (key, most failures allowed in the window)


class FailureWindows(Protocol):
    def wait(self, limits: Limits, window: float) -> float:
        """Seconds until every key is below its limit again (0 if all are now)."""
        ...

    def record(self, keys: Sequence[str], window: float) -> None:
        """Add one failure, now, to each key's window."""
        ...


class LocalWindows:
    """Failure timestamps in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _recent(self, key: str, now: float, window: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    def wait(self, limits: Limits, window: float) -> float:
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key, limit in limits:
                hits = self._recent(key, now, window)
                if len(hits) >= limit:
                    # Below the limit again once all but limit - 1 of the hits have left the window.
                    wait = max(wait, hits[len(hits) - limit] + window - now)
        return wait

    def record(self, keys: Sequence[str], window: float) -> None:
        now = self._clock()
        with self._lock:
            if len(self._hits) > 100_000:  # bound memory under a spray of distinct emails
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window}
            for key in keys:
                self._recent(key, now, window).append(now)


# KEYS: one sorted set per key (member -> failure time); ARGV[1] window (s), ARGV[2..] limits.
# The same arithmetic as LocalWindows.wait, on Redis's clock; returns seconds as a string.
_WAIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.6f', now - window))
  local limit = tonumber(ARGV[i + 1])
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local hit = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(hit[2]) + window - now)
  end
end
return string.format('%.6f', wait)
"""

# KEYS: the sorted sets; ARGV[1] window (s), ARGV[2] a member id unique to this failure.
_RECORD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, string.format('%.6f', now), ARGV[2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.6f', now - window))
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return 1
"""


class RedisWindows:
    """Failure windows shared by every process through Redis; per-process ones while it is down."""

    def __init__(self, store: SharedStore, fallback: FailureWindows | None = None) -> None:
        self._store = store
        self._wait = store.script(_WAIT)
        self._record = store.script(_RECORD)
        self._fallback = fallback or LocalWindows()

    def redis_key(self, key: str) -> str:
        return self._store.key("login:" + hashlib.sha256(key.encode()).hexdigest()[:32])

    def wait(self, limits: Limits, window: float) -> float:
        return self._store.attempt(
            "login",
            lambda: float(self._wait(keys=[self.redis_key(key) for key, _ in limits], args=[window, *(limit for _, limit in limits)])),
            lambda: self._fallback.wait(limits, window),
        )

    def record(self, keys: Sequence[str], window: float) -> None:
        self._store.attempt(
            "login",
            lambda: self._record(keys=[self.redis_key(key) for key in keys], args=[window, uuid.uuid4().hex]),
            lambda: self._fallback.record(keys, window),
        )


class LoginLimiter:
    def __init__(self, *, per_key: int, per_ip: int, window: float, windows: FailureWindows | None = None) -> None:
        self.per_key = max(1, per_key)
        self.per_ip = max(1, per_ip)
        self.window = window
        self.windows = windows or LocalWindows()

    def _limits(self, email: str | None, ip: str) -> list[tuple[str, int]]:
        address = (f"i:{ip}", self.per_ip)
        return [(f"e:{email}", self.per_key), address] if email is not None else [address]

    def retry_after(self, email: str | None, ip: str) -> int:
        """Seconds until another attempt is allowed, or 0 if one is allowed now. Without an
        email (sign-up), only the client address's window counts."""
        wait = self.windows.wait(self._limits(email, ip), self.window)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, email: str | None, ip: str) -> None:
        """One failure for the email and the address; without an email, the address only."""
        self.windows.record([key for key, _ in self._limits(email, ip)], self.window)


def login_limiter(*, per_key: int, per_ip: int, window: float, store: SharedStore | None) -> LoginLimiter:
    """The limiter for this deployment: its windows shared through `store` when there is one."""
    return LoginLimiter(per_key=per_key, per_ip=per_ip, window=window,
                        windows=RedisWindows(store) if store is not None else None)
