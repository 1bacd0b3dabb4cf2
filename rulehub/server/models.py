"""The tables (SQLAlchemy 2 typed models).  Schema changes go through an Alembic migration."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class Plan(Base):
    """free / pro / enterprise: which pack tiers, requests per minute, seats, grace days."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    tiers: Mapped[str] = mapped_column(String(200))  # comma-separated pack tiers covered
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer, default=7)
    # What a month costs (shown on the pricing page) and how it is paid: "none" (the free plan:
    # never lapses, never paid), "stripe" (Stripe Checkout) or "invoice" (an operator records payment).
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    billing: Mapped[str] = mapped_column(String(16), default="none")

    @property
    def lapses(self) -> bool:
        """False for the free plan: it has no payment that could run out."""
        return self.billing != "none"

    @property
    def tier_list(self) -> list[str]:
        return [t for t in self.tiers.split(",") if t]


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped["Subscription | None"] = relationship(back_populates="tenant", uselist=False)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="member")  # owner | member
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # argon2; portal sign-in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Access tokens issued at or before this instant are refused (set by disable_account).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    tenant: Mapped[Tenant] = relationship()


class Subscription(Base):
    """One per tenant. status: trialing | active | past_due | canceled."""

    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[str] = mapped_column(String(16))
    current_period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A change that takes effect at current_period_end (a downgrade or a cancellation, which
    # is a downgrade to the free plan); see docs/billing.md.
    pending_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    # The payment provider's ids (Stripe customer cus_... and subscription sub_...), set by its webhooks.
    provider: Mapped[str] = mapped_column(String(16), default="none")  # none | stripe | invoice
    customer_ref: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    subscription_ref: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)

    tenant: Mapped[Tenant] = relationship(back_populates="subscription")
    plan: Mapped[Plan] = relationship(foreign_keys=[plan_id])
    pending_plan: Mapped[Plan | None] = relationship(foreign_keys=[pending_plan_id])


class ApiKey(Base):
    """A long-lived key `rh_<key_id>_<secret>`; only sha256(secret) is stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    account: Mapped[Account] = relationship()


class Namespace(Base):
    """A publisher namespace (`acme` in `acme/http-safety`), owned by one tenant."""

    __tablename__ = "namespaces"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pack(Base):
    __tablename__ = "packs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # namespace/name
    namespace_id: Mapped[int] = mapped_column(ForeignKey("namespaces.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(16))
    tags: Mapped[str] = mapped_column(String(1000), default="")  # space-separated
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    namespace: Mapped[Namespace] = relationship()
    versions: Mapped[list["PackVersion"]] = relationship(back_populates="pack", order_by="PackVersion.id")


class PackVersion(Base):
    """An immutable published version. (pack_id, version) is unique: that makes publish race-safe."""

    __tablename__ = "pack_versions"
    __table_args__ = (UniqueConstraint("pack_id", "version", name="uq_pack_versions_pack_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    version: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    engine: Mapped[str] = mapped_column(String(200))
    go: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tier: Mapped[str] = mapped_column(String(16))
    license: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target_path: Mapped[str] = mapped_column(String(400), unique=True)
    yanked: Mapped[bool] = mapped_column(Boolean, default=False)
    yanked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)

    pack: Mapped[Pack] = relationship(back_populates="versions")
    rules: Mapped[list["VersionRule"]] = relationship(back_populates="pack_version", order_by="VersionRule.name")


class VersionRule(Base):
    """One rule of a version, from the artifact's rules.json (never from importing pack code)."""

    __tablename__ = "version_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    pack_version_id: Mapped[int] = mapped_column(ForeignKey("pack_versions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(32), default="")
    tags: Mapped[str] = mapped_column(String(1000), default="")
    docs: Mapped[str] = mapped_column(Text, default="")

    pack_version: Mapped[PackVersion] = relationship(back_populates="rules")


class Download(Base):
    """Usage and audit: who downloaded what, when, how many bytes."""

    __tablename__ = "downloads"
    __table_args__ = (Index("ix_downloads_tenant_at", "tenant_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    pack_version_id: Mapped[int] = mapped_column(ForeignKey("pack_versions.id"), index=True)
    pack_name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(128))
    bytes: Mapped[int] = mapped_column(BigInteger)
    via: Mapped[str] = mapped_column(String(16), default="api")  # api | tuf
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SigningKey(Base):
    """Public half and file name of a signing key; the private key lives in keys_dir (0600).

    purpose: jwt | tuf-root | tuf-targets | tuf-snapshot | tuf-timestamp.  An offline TUF root
    key keeps its row and file name; only the file is absent (see rulehub.server.core.keys).
    """

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(128), unique=True)
    purpose: Mapped[str] = mapped_column(String(32), index=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_file: Mapped[str] = mapped_column(String(400))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RevokedToken(Base):
    __tablename__ = "revoked_tokens"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TufMetadata(Base):
    """Every signed TUF metadata file, by role and version (root keeps all versions)."""

    __tablename__ = "tuf_metadata"
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RepoLock(Base):
    """A single row locked (SELECT ... FOR UPDATE) to serialise TUF metadata updates."""

    __tablename__ = "repo_lock"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)


class SubscriptionEvent(Base):
    """One change to a tenant's subscription, in the shape a payment webhook would deliver.

    source: portal | admin | webhook.  external_id is the provider's event id (unique, so a
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


class CheckoutSession(Base):
    """A payment the portal started (a Stripe Checkout session): which tenant, which plan.

    The webhook finds the tenant here by the provider's session id, never from the event's
    metadata; visiting the success URL only reads `status`.  status: open | paid | superseded
    (a second paid checkout while a paid subscription was in force: its subscription is canceled).
    """

    __tablename__ = "checkout_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), unique=True)  # cs_...
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    plan: Mapped[Plan] = relationship()


class Invoice(Base):
    """An enterprise deal billed by invoice; `rulehub admin invoice mark-paid` starts the plan.

    status: open | paid | void.
    """

    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    payment_reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    plan: Mapped[Plan] = relationship()
    tenant: Mapped[Tenant] = relationship()


class Invitation(Base):
    """An owner's invitation of `email` into a tenant; the link carries a secret whose sha256
    is `token_hash`.  Single use (accepted_at), expiring (expires_at), revocable (revoked_at)."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32), default="member")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AccountToken(Base):
    """A single-use, expiring secret mailed to an account: purpose reset_password | verify_email."""

    __tablename__ = "account_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArtifactBlob(Base):
    """An artifact's bytes, when RULEHUB_ARTIFACT_STORE=database (rulehub.server.storage.database)."""

    __tablename__ = "artifact_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NamespaceClaim(Base):
    """A publisher's request for a namespace, decided by an operator (rulehub.server.services.namespaces).

    status: pending -> approved (the namespace is created for the tenant) or rejected (with a note).
    `skeleton` is the name with look-alike characters folded, to find claims that imitate others.
    """

    __tablename__ = "namespace_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    skeleton: Mapped[str] = mapped_column(String(64), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(String(500), default="")  # the operator's, shown to the publisher
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
