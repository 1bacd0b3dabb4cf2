"""The failed-login limits a `LoginLimiter` must enforce, whichever store keeps the
failures (process memory or Redis): shared by the portal's and the shared-store tests."""

from __future__ import annotations


def exercise_login_limits(limiter) -> None:
    """`limiter` allows 2 failures per email and 3 per client address in its window."""
    assert limiter.retry_after("a@x", "1.1.1.1") == 0
    limiter.failed("a@x", "1.1.1.1")
    limiter.failed("a@x", "1.1.1.1")
    assert 0 < limiter.retry_after("a@x", "2.2.2.2") <= 60  # the email is limited from anywhere
    assert limiter.retry_after("b@x", "1.1.1.1") == 0
    limiter.failed("b@x", "1.1.1.1")
    assert limiter.retry_after("c@x", "1.1.1.1") > 0  # the address has used its 3
