"""The portal's own table: browser sessions.

It lives on the service's declarative Base so Alembic sees it; the migration is
`migrations/versions/0002_portal_sessions_events.py` (which also made `subscription_events`,
now in rulehub.server.models with the other tables the services change).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rulehub.server.models import Base, UTCDateTime, utcnow


class PortalSession(Base):
    """A signed-in browser.  Only sha256(cookie token) is stored, so a database leak is no login."""

    __tablename__ = "portal_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
