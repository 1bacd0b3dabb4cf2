"""Typed errors with a stable code, an HTTP status and a message saying what to do next.

Service functions raise these; the API turns them into `{"error": {"code", "message"}}`
and the admin CLI prints the message and exits 2.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


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


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every API error: `{"error": {"code": <stable code>, "message": <what to do next>}}`."""

    error: ErrorDetail


def error_responses(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for error statuses (`conflict="version already published"`
    style keyword per status name), all with the ErrorBody schema."""
    statuses = {"bad_request": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409,
                "payload_too_large": 413, "validation_error": 422, "rate_limited": 429}
    return {statuses[name]: {"model": ErrorBody, "description": text} for name, text in described.items()}


# What any API route may answer besides its success.
API_ERRORS = error_responses(bad_request="invalid request", unauthorized="missing, invalid or expired access token",
                             forbidden="not allowed for this token or plan", not_found="no such resource",
                             validation_error="malformed parameters", rate_limited="plan rate limit exceeded "
                             "(Retry-After header)")
