"""Failed-login throttling: a sliding window per email and per client address.

Kept in process memory: one replica sees only its own failures, so N replicas allow N
times the limit.  That bounds online guessing well enough against argon2's cost; a shared
store (a table or Redis) is the upgrade path when running many replicas.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class LoginLimiter:
    def __init__(self, *, per_key: int, per_ip: int, window: float) -> None:
        self.per_key = per_key
        self.per_ip = per_ip
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def retry_after(self, email: str, ip: str) -> int:
        """Seconds until another attempt is allowed, or 0 if one is allowed now."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key, limit in ((f"e:{email}", self.per_key), (f"i:{ip}", self.per_ip)):
                hits = self._recent(key, now)
                if len(hits) >= limit:
                    wait = max(wait, hits[0] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, email: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > 100_000:  # bound memory under a spray of distinct emails
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            for key in (f"e:{email}", f"i:{ip}"):
                self._recent(key, now).append(now)
