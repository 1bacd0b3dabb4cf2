"""Failed-login throttling: exponential backoff per client, per account and per known device,
built so that strangers cannot lock an account's owner out.

The policy (`LoginLimiter`), for a sign-in attempt for an email from a client address:

- A browser that has signed in to this account before carries a *device cookie* for it
  (`rh_device`, an HMAC of the account under the portal secret: see
  rulehub.server.portal.sessions).  Its attempts are throttled by that device's own
  failures only: whatever strangers do to the account or from the same address, the owner's
  usual browser with the right password gets in.  (OWASP's "device cookies" scheme.)
- Any other attempt is throttled by the account's failures from such unknown clients AND by
  the client address's failures (any email, and sign-ups that hit a taken email).
- Each of these keys allows its free failures within the window (`per_key` for an account
  or device, `per_ip` for an address); every failure beyond makes the next attempt wait
  twice as long as the last, from 2 s up to `max_wait`.  Failures older than `window` are
  forgotten.  An attempt made while waiting is refused (429) without being counted.

What a stranger can still do: slow down sign-ins to the account from browsers that never
signed in to it (a new laptop), by at most `max_wait` per attempt, never the owner's own
browser.  Guessing stays slow: after the free failures an address or account gets about
log2(max_wait) more guesses per window.

The failures live in a `FailureWindows` store, one of two chosen at start-up (`login_limiter`):

- `LocalWindows` (default, no RULEHUB_REDIS_URL): process memory.  One replica sees only its
  own failures, so N replicas (or `--workers N`) allow N times the free failures; argon2's
  cost still bounds online guessing.
- `RedisWindows`: a sorted set per key in the shared Redis (`<prefix>login:<sha256 of the
  key>`, so no email address is stored in the cache), trimmed to the window and expiring
  with it, updated by Lua scripts, so the limit holds across every process.

If Redis fails, `RedisWindows` falls back to `LocalWindows`: throttling goes on per process
rather than failing closed (which would lock every user out of the portal whenever the cache
is down, an outage anyone able to disturb Redis could cause) or open (no throttle at all).
See rulehub.server.core.shared_store for how outages are logged and counted.

The client address is the TCP peer unless it is one of RULEHUB_TRUSTED_PROXIES (see
rulehub.server.settings): a client cannot reset its own count with `X-Forwarded-For`.
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

Recent = tuple[int, float]  # (failures within the window, seconds since the newest; inf if none)


class FailureWindows(Protocol):
    def recent(self, keys: Sequence[str], window: float) -> list[Recent]:
        """For each key: how many failures are within the window, and how long ago the newest was."""
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

    def recent(self, keys: Sequence[str], window: float) -> list[Recent]:
        now = self._clock()
        with self._lock:
            found = [self._recent(key, now, window) for key in keys]
            return [(len(hits), now - hits[-1] if hits else math.inf) for hits in found]

    def record(self, keys: Sequence[str], window: float) -> None:
        now = self._clock()
        with self._lock:
            if len(self._hits) > 100_000:  # bound memory under a spray of distinct emails
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window}
            for key in keys:
                self._recent(key, now, window).append(now)


# KEYS: one sorted set per key (member -> failure time); ARGV[1] window (s).  The same as
# LocalWindows.recent, on Redis's clock: returns count, age of the newest (-1: none) per key.
_RECENT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.6f', now - window))
  local n = redis.call('ZCARD', key)
  local age = -1
  if n > 0 then
    local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    age = now - tonumber(newest[2])
  end
  out[2 * i - 1] = tostring(n)
  out[2 * i] = string.format('%.6f', age)
end
return out
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
        self._recent = store.script(_RECENT)
        self._record = store.script(_RECORD)
        self._fallback = fallback or LocalWindows()

    def redis_key(self, key: str) -> str:
        return self._store.key("login:" + hashlib.sha256(key.encode()).hexdigest()[:32])

    def recent(self, keys: Sequence[str], window: float) -> list[Recent]:
        def shared() -> list[Recent]:
            flat = self._recent(keys=[self.redis_key(key) for key in keys], args=[window])
            pairs = zip(flat[::2], flat[1::2], strict=True)
            return [(int(n), math.inf if float(age) < 0 else float(age)) for n, age in pairs]

        return self._store.attempt("login", shared, lambda: self._fallback.recent(keys, window))

    def record(self, keys: Sequence[str], window: float) -> None:
        self._store.attempt(
            "login",
            lambda: self._record(keys=[self.redis_key(key) for key in keys], args=[window, uuid.uuid4().hex]),
            lambda: self._fallback.record(keys, window),
        )


class LoginLimiter:
    """The throttling policy of the module docstring.  `device` is the id of a device cookie
    already verified for `email`'s account (None without one)."""

    def __init__(self, *, per_key: int, per_ip: int, window: float, max_wait: float | None = None,
                 windows: FailureWindows | None = None) -> None:
        self.per_key = max(1, per_key)
        self.per_ip = max(1, per_ip)
        self.window = window
        self.max_wait = min(max_wait or window, window)
        self.windows = windows or LocalWindows()

    def _limits(self, email: str | None, ip: str, device: str | None) -> list[tuple[str, int]]:
        if device is not None:
            return [(f"d:{device}", self.per_key)]
        address = (f"i:{ip}", self.per_ip)
        return [(f"e:{email}", self.per_key), address] if email is not None else [address]

    def backoff(self, failures: int, free: int) -> float:
        """How long after its newest failure a key with `failures` recent ones waits."""
        if failures < free:
            return 0.0
        return min(self.max_wait, 2.0 ** min(failures - free + 1, 62))

    def retry_after(self, email: str | None, ip: str, device: str | None = None) -> int:
        """Seconds until another attempt is allowed, or 0 if one is allowed now. Without an
        email (sign-up), only the client address counts."""
        limits = self._limits(email, ip, device)
        recent = self.windows.recent([key for key, _ in limits], self.window)
        wait = max((self.backoff(n, free) - age for (_, free), (n, age) in zip(limits, recent, strict=True)),
                   default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, email: str | None, ip: str, device: str | None = None) -> None:
        """One failure for each key the attempt was throttled by."""
        self.windows.record([key for key, _ in self._limits(email, ip, device)], self.window)


def login_limiter(*, per_key: int, per_ip: int, window: float, max_wait: float | None = None,
                  store: SharedStore | None) -> LoginLimiter:
    """The limiter for this deployment: its windows shared through `store` when there is one."""
    return LoginLimiter(per_key=per_key, per_ip=per_ip, window=window, max_wait=max_wait,
                        windows=RedisWindows(store) if store is not None else None)
