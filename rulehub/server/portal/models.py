"""The portal's own tables: browser sessions and subscription events.

They live on the service's declarative Base so Alembic sees them; the migration is
`migrations/versions/0002_portal_sessions_events.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
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


class SubscriptionEvent(Base):
    """One change to a tenant's subscription, in the shape a payment webhook would deliver.

    source: portal | webhook | admin.  external_id is the provider's event id (unique, so a
    re-delivered webhook is recognised); payload keeps the raw body for audit.
    """

    __tablename__ = "subscription_events"
    __table_args__ = (Index("ix_subscription_events_tenant_at", "tenant_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    type: Mapped[str] = mapped_column(String(64))  # subscription.plan_changed | subscription.canceled | ...
    source: Mapped[str] = mapped_column(String(32), default="portal")
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    from_plan: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_plan: Mapped[str | None] = mapped_column(String(32), nullable=True)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
