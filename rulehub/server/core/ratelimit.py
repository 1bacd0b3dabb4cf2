"""Per-tenant token buckets (capacity = the plan's requests per minute, refilled continuously).

In-process: each replica keeps its own buckets, so N replicas allow up to N times the plan
limit.  A shared store (Redis, or a PostgreSQL table) would be needed for an exact global limit.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TenantRateLimiter:
    def __init__(self, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def take(self, tenant_id: int, per_minute: int) -> float:
        """Spend one token; return 0 if allowed, else seconds until a token is available."""
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


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
