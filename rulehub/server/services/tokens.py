"""Access-token revocation (by jti)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from rulehub.server.db import rows_changed
from rulehub.server.models import RevokedToken, utcnow


def revoke_jti(session: Session, jti: str, expires_at: datetime | None = None) -> None:
    """Revoke one access token; also drops revocations whose tokens have expired (they are moot)."""
    purge_expired_revocations(session)
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))


def purge_expired_revocations(session: Session) -> int:
    """Drop revocations of tokens that have expired anyway; returns how many."""
    return rows_changed(session, delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
