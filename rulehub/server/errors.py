"""Typed errors with a stable code, an HTTP status and a message saying what to do next.

Service functions raise these; the API turns them into `{"error": {"code", "message"}}`
and the admin CLI prints the message and exits 2.
"""

from __future__ import annotations


class ApiError(Exception):
    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = headers or {}


class BadRequest(ApiError):
    status = 400
    code = "bad_request"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    code = "artifact_too_large"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"


class CsrfRejected(Exception):
    """A portal POST without this browser's CSRF token (rendered as a 403 page)."""


class LoginRequired(Exception):
    """A signed-in portal page requested without a session (redirects to /login)."""
