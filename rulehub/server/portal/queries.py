"""Operations the portal needs that the service modules do not offer (yet).

Same conventions as rulehub.server.services: plain functions taking a Session, no
commits, user errors as ApiError.  Everything else the portal does goes through the
service functions (accounts, packs, usage).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rulehub.server.errors import BadRequest, Conflict
from rulehub.server.models import Account, Namespace, Pack, PackVersion, Plan, Subscription, utcnow
from rulehub.server.portal.models import SubscriptionEvent
from rulehub.server.services import accounts, usage

SIGNUP_PLAN = "free"
PERIOD_DAYS = 30


def signup(session: Session, email: str, password_hash: str, organisation: str = "") -> Account:
    """A new tenant with its owner account and a free plan (active, 30-day period).

    Takes the argon2 hash (accounts.hash_password) so the slow hashing happens before the
    caller opens its write transaction, not while holding the writers' lock.
    """
    base = re.sub(r"[^a-z0-9]+", "-", (organisation or email.split("@", 1)[0]).lower()).strip("-")[:40] or "team"
    slug = f"{base}-{secrets.token_hex(3)}"
    tenant = accounts.create_tenant(session, slug, organisation.strip()[:200] or slug)
    account = accounts.create_account(session, email, tenant.slug, role="owner")
    account.password_hash = password_hash
    sub = accounts.grant_plan(session, tenant.slug, SIGNUP_PLAN, status="active", days=PERIOD_DAYS)
    record_event(session, tenant_id=tenant.id, type="subscription.created", from_plan=None, to_plan=SIGNUP_PLAN,
                 from_status=None, to_status=sub.status, period_end=sub.current_period_end, actor=account)
    return account


def record_event(
    session: Session, *, tenant_id: int, type: str, to_status: str, from_plan: str | None, to_plan: str | None,
    from_status: str | None, period_end: datetime | None, actor: Account | None, source: str = "portal",
    external_id: str | None = None, payload: dict[str, Any] | None = None,
) -> SubscriptionEvent:
    """Append one event.  A payment webhook handler would call this with source="webhook", the
    provider's event id as external_id (unique: a re-delivery is rejected) and its raw body as payload;
    the portal records the same shape with the body it would have received."""
    if payload is None:
        payload = {"type": type, "data": {"plan": to_plan, "previous_plan": from_plan, "status": to_status,
                                          "previous_status": from_status,
                                          "current_period_end": period_end.isoformat() if period_end else None}}
    event = SubscriptionEvent(
        tenant_id=tenant_id, type=type, source=source, external_id=external_id, from_plan=from_plan,
        to_plan=to_plan, from_status=from_status, to_status=to_status, period_end=period_end,
        actor_account_id=actor.id if actor else None, payload=json.dumps(payload, sort_keys=True),
    )
    session.add(event)
    session.flush()
    return event


def change_plan(session: Session, account: Account, plan_name: str) -> SubscriptionEvent:
    """Switch the tenant to `plan_name` now (status active, a fresh 30-day period) and record it."""
    if account.role != "owner":
        raise BadRequest("only the tenant's owner can change the plan", code="not_owner")
    plan = accounts.get_plan(session, plan_name)
    current = accounts.subscription_for(session, account.tenant_id)
    before_plan, before_status = (current[1].name, current[0].status) if current else (None, None)
    if current and before_plan == plan.name and before_status in ("active", "trialing"):
        raise Conflict(f"you are already on the {plan.name} plan", code="same_plan")
    sub = accounts.grant_plan(session, account.tenant.slug, plan.name, status="active", days=PERIOD_DAYS)
    return record_event(session, tenant_id=account.tenant_id, type="subscription.plan_changed",
                        from_plan=before_plan, to_plan=plan.name, from_status=before_status, to_status="active",
                        period_end=sub.current_period_end, actor=account)


def cancel(session: Session, account: Account) -> SubscriptionEvent:
    """Cancel at once: downloads stop now (there is no payment to run out)."""
    if account.role != "owner":
        raise BadRequest("only the tenant's owner can cancel the subscription", code="not_owner")
    current = accounts.subscription_for(session, account.tenant_id)
    if current is None or current[0].status == "canceled":
        raise Conflict("the subscription is already canceled", code="already_canceled")
    sub, plan = current
    before = sub.status
    sub.status = "canceled"
    sub.updated_at = utcnow()
    session.flush()
    return record_event(session, tenant_id=account.tenant_id, type="subscription.canceled", from_plan=plan.name,
                        to_plan=plan.name, from_status=before, to_status="canceled",
                        period_end=sub.current_period_end, actor=account)


def events(session: Session, tenant_id: int, limit: int = 20) -> list[SubscriptionEvent]:
    return list(session.scalars(
        select(SubscriptionEvent).where(SubscriptionEvent.tenant_id == tenant_id)
        .order_by(SubscriptionEvent.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class DayCount:
    day: date
    downloads: int


def daily_downloads(session: Session, tenant_id: int, days: int = 30, today: date | None = None) -> list[DayCount]:
    """One entry per day for the last `days` days (zeros included), oldest first."""
    today = today or utcnow().date()
    start = today - timedelta(days=days - 1)
    since = datetime(start.year, start.month, start.day, tzinfo=utcnow().tzinfo)
    summary = usage.usage_summary(session, tenant_id, since=since)
    counts = {str(d["date"])[:10]: int(d["downloads"]) for d in summary["daily"]}
    return [DayCount(day=start + timedelta(days=i), downloads=counts.get(str(start + timedelta(days=i)), 0))
            for i in range(days)]


def per_pack_usage(session: Session, tenant_id: int) -> list[dict[str, Any]]:
    """Downloads per pack (all time) with the versions fetched, most downloaded first."""
    summary = usage.usage_summary(session, tenant_id)
    packs: dict[str, dict[str, Any]] = {}
    for row in summary["packs"]:
        entry = packs.setdefault(row["name"], {"name": row["name"], "downloads": 0, "bytes": 0, "versions": [],
                                               "last": ""})
        entry["downloads"] += row["downloads"]
        entry["bytes"] += row["bytes"]
        entry["versions"].append(row["version"])
        entry["last"] = max(entry["last"], row["last_download_at"] or "")
    return sorted(packs.values(), key=lambda p: (-p["downloads"], p["name"]))


@dataclass(frozen=True)
class PublisherPack:
    name: str
    tier: str
    private: bool
    versions: list[PackVersion]


def publisher_packs(session: Session, tenant_id: int) -> dict[str, list[PublisherPack]]:
    """The tenant's namespaces, each with its packs and every version (newest first)."""
    out: dict[str, list[PublisherPack]] = {}
    for ns in session.scalars(select(Namespace).where(Namespace.tenant_id == tenant_id).order_by(Namespace.name)):
        packs = session.scalars(
            select(Pack).where(Pack.namespace_id == ns.id).options(selectinload(Pack.versions)).order_by(Pack.name)
        ).all()
        out[ns.name] = [
            PublisherPack(name=p.name, tier=p.tier, private=p.private,
                          versions=sorted(p.versions, key=lambda v: v.id, reverse=True))
            for p in packs
        ]
    return out


def plan_of(session: Session, tenant_id: int) -> tuple[Subscription, Plan] | None:
    return accounts.subscription_for(session, tenant_id)


def install_range(version: str | None) -> str:
    """The `^X.Y` range the install snippet suggests for a version (`^1.4` for 1.4.2)."""
    match = re.match(r"^(\d+)\.(\d+)\.", version or "")
    if not match:
        return version or "*"
    return f"^{match.group(1)}.{match.group(2)}"
