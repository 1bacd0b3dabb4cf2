"""Tenants, accounts, plans, subscriptions, seats, publisher namespaces and API keys.

Every state change of these is a function here, called alike by the API, the portal and
`rulehub admin`; subscription changes all go through `grant_plan`, which records one event.

Accounts are managed after creation with `disable_account` / `enable_account` (reversible;
re-enabling takes a seat again) and `remove_account` (for good); `tenant_overview` is what
`rulehub admin show-tenant` prints.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from rulehub.server.core.security import SCOPES, new_api_key_material
from rulehub.server.db import rows_changed
from rulehub.server.errors import BadRequest, Conflict, Forbidden, NotFound
from rulehub.server.models import (
    Account,
    AccountToken,
    ApiKey,
    CheckoutSession,
    Download,
    Invitation,
    Namespace,
    PackVersion,
    Plan,
    Subscription,
    SubscriptionEvent,
    Tenant,
    utcnow,
)

SUBSCRIPTION_STATUSES = ("trialing", "active", "past_due", "canceled")
# Whose seats a tenant gets while it has no subscription in good standing.
NO_SUBSCRIPTION_SEATS_PLAN = "free"
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


def _slug(kind: str, value: str) -> str:
    if not _SLUG_RE.fullmatch(value or ""):
        raise BadRequest(f"{kind} {value!r} must be lowercase letters, digits and '-' (max 63)", code=f"invalid_{kind}")
    return value


def get_tenant(session: Session, slug: str, *, lock: bool = False) -> Tenant:
    """The tenant named `slug`.  With `lock`, its row stays locked until the transaction ends
    (SELECT ... FOR UPDATE): joins, role and plan changes of one tenant take turns on it, so
    on PostgreSQL two concurrent joins cannot both count the same free seat.  SQLite has no
    row locks (the clause is left out) but serialises write transactions already (BEGIN
    IMMEDIATE)."""
    query = select(Tenant).where(Tenant.slug == slug)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    tenant = session.scalars(query).first()
    if tenant is None:
        raise NotFound(f"tenant {slug!r} does not exist; create it with `rulehub admin create-tenant`",
                       code="tenant_not_found")
    return tenant


def get_tenant_by_id(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} does not exist", code="tenant_not_found")
    return tenant


def create_tenant(session: Session, slug: str, name: str = "") -> Tenant:
    _slug("tenant", slug)
    _no_nul(tenant=name)
    if len(name) > 200:
        raise BadRequest("tenant names are at most 200 characters", code="invalid_tenant")
    if session.scalars(select(Tenant).where(Tenant.slug == slug)).first():
        raise Conflict(f"tenant {slug!r} already exists", code="tenant_exists")
    tenant = Tenant(slug=slug, name=name or slug)
    session.add(tenant)
    session.flush()
    return tenant


def get_account(session: Session, email: str) -> Account:
    account = session.scalars(select(Account).where(Account.email == email.lower())).first()
    if account is None:
        raise NotFound(f"account {email!r} does not exist", code="account_not_found")
    return account


def _no_nul(**fields: str | None) -> None:
    for name, value in fields.items():
        if value and "\x00" in value:
            raise BadRequest(f"{name} contains a NUL character", code=f"invalid_{name}")


def create_account(
    session: Session, email: str, tenant_slug: str, *, password: str | None = None,
    display_name: str = "", role: str | None = None,
) -> Account:
    """Create an account in an existing tenant; `password` (optional) is stored as argon2.

    Without a `role`, the account is the tenant's `owner` when the tenant has no enabled
    owner yet (its first account, or all owners disabled), else a `member`: a tenant made
    by `rulehub admin create-tenant` then `create-account` always has someone who can
    manage its plan, keys and packs.

    Every way into a tenant comes through here, so this is where seats are enforced: the
    account is refused (Conflict, code `seats_exhausted`) when the tenant's enabled accounts
    already fill the seats of `seat_usage`'s plan.  The tenant row is locked first, so
    concurrent joins take turns and cannot both take the last seat.
    """
    _no_nul(email=email, display_name=display_name, password=password)
    email = email.strip().lower()
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise BadRequest(f"{email!r} is not an email address", code="invalid_email")
    if len(display_name) > 200:
        raise BadRequest("display names are at most 200 characters", code="invalid_name")
    if role not in ("owner", "member", None):
        raise BadRequest("role must be owner or member", code="invalid_role")
    tenant = get_tenant(session, tenant_slug, lock=True)
    if session.scalars(select(Account).where(Account.email == email)).first():
        raise Conflict(f"account {email!r} already exists", code="account_exists")
    _require_free_seat(session, tenant)
    if role is None:
        role = "member" if _enabled_owners(session, tenant.id) else "owner"
    account = Account(email=email, tenant_id=tenant.id, display_name=display_name, role=role)
    if password is not None:
        account.password_hash = hash_password(password)
    session.add(account)
    session.flush()
    return account


def hash_password(password: str) -> str:
    if len(password) > 1024:
        raise BadRequest("passwords are at most 1024 characters", code="weak_password")
    if len(password) < 8:
        raise BadRequest("passwords need at least 8 characters", code="weak_password")
    return _hasher.hash(password)


def set_password(session: Session, account: Account, password: str) -> None:
    account.password_hash = hash_password(password)


def verify_password(account: Account, password: str) -> bool:
    """True if `password` matches; rehashes transparently when argon2 parameters changed."""
    if not account.password_hash:
        return False
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return True


def get_plan(session: Session, name: str) -> Plan:
    plan = session.scalars(select(Plan).where(Plan.name == name)).first()
    if plan is None:
        names = ", ".join(session.scalars(select(Plan.name).order_by(Plan.id)))
        raise NotFound(f"plan {name!r} does not exist; plans: {names}", code="plan_not_found")
    return plan


def list_plans(session: Session) -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(Plan.id)))


def create_plan(
    session: Session, name: str, *, tiers: list[str], rate_limit_per_minute: int, seats: int, grace_days: int = 7
) -> Plan:
    _slug("plan", name)
    if session.scalars(select(Plan).where(Plan.name == name)).first():
        raise Conflict(f"plan {name!r} already exists", code="plan_exists")
    plan = Plan(name=name, tiers=",".join(tiers), rate_limit_per_minute=rate_limit_per_minute, seats=seats,
                grace_days=grace_days)
    session.add(plan)
    session.flush()
    return plan


_KEEP: Any = object()  # "leave this field as it is" for grant_plan's optional fields


def grant_plan(
    session: Session, tenant_slug: str, plan_name: str, *, status: str = "active",
    period_end: datetime | None = None, days: int = 30, actor: Account | None = None, source: str = "admin",
    pending_plan: str | None = None, provider: str | None = None, customer_ref: str | None = _KEEP,
    subscription_ref: str | None = _KEEP, external_id: str | None = None, payload: dict[str, Any] | None = None,
    kind: str | None = None,
) -> Subscription:
    """Create or change the tenant's subscription (plan, status, period end, the change
    pending at period end, the payment provider's ids) and record it.

    Every change of a subscription comes through here, from the portal and the payment
    webhooks (both through rulehub.server.services.billing, which decides what a request
    may change: docs/billing.md), `rulehub admin grant-plan` and `rulehub admin invoice
    mark-paid`, and records exactly one `SubscriptionEvent` (`source`, `actor`, the
    provider's `external_id` and `payload`): created, plan_changed, canceled, renewed,
    change_scheduled, change_unscheduled, past_due or updated (or `kind`).

    A plan with fewer seats than the tenant has members is allowed, not refused: nobody is
    removed, disabled or signed out, the tenant is just over its limit (`seat_usage(...).over_limit`,
    shown on the portal dashboard and by `rulehub admin grant-plan`) and nobody new can join
    until it is back under.  A cancellation or an expired period lands in the same state, so
    refusing only the explicit downgrade would not prevent it.
    """
    if status not in SUBSCRIPTION_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(SUBSCRIPTION_STATUSES)}", code="invalid_status")
    tenant = get_tenant(session, tenant_slug, lock=True)
    plan = get_plan(session, plan_name)
    pending = get_plan(session, pending_plan) if pending_plan else None
    end = period_end or (utcnow() + timedelta(days=days))
    before = subscription_for(session, tenant.id)
    sub = before[0] if before else None
    from_plan, from_status = (before[1].name, before[0].status) if before else (None, None)
    from_end = sub.current_period_end if sub else None
    from_pending = sub.pending_plan_id if sub else None
    if sub is None:
        sub = Subscription(tenant_id=tenant.id, plan_id=plan.id, status=status, current_period_end=end)
        session.add(sub)
    else:
        sub.plan_id, sub.status, sub.current_period_end = plan.id, status, end
    sub.pending_plan_id = pending.id if pending else None
    if provider is not None:
        sub.provider = provider
    if customer_ref is not _KEEP:
        sub.customer_ref = customer_ref
    if subscription_ref is not _KEEP:
        sub.subscription_ref = subscription_ref
    session.flush()
    if kind is None:
        if from_plan is None:
            kind = "subscription.created"
        elif status == "canceled" and from_status != "canceled":
            kind = "subscription.canceled"
        elif from_plan != plan.name:
            kind = "subscription.plan_changed"
        elif pending is not None and from_pending != pending.id:
            kind = "subscription.change_scheduled"
        elif pending is None and from_pending is not None:
            kind = "subscription.change_unscheduled"
        elif status == "past_due" and from_status != "past_due":
            kind = "subscription.past_due"
        elif from_end is not None and end > from_end and status == "active":
            kind = "subscription.renewed"
        else:
            kind = "subscription.updated"
    record_event(session, tenant_id=tenant.id, type=kind, from_plan=from_plan, to_plan=plan.name,
                 from_status=from_status, to_status=status, period_end=end, actor=actor, source=source,
                 external_id=external_id, payload=payload)
    return sub


def record_event(
    session: Session, *, tenant_id: int, type: str, to_status: str, from_plan: str | None, to_plan: str | None,
    from_status: str | None, period_end: datetime | None, actor: Account | None, source: str,
    external_id: str | None = None, payload: dict[str, Any] | None = None,
) -> SubscriptionEvent:
    """Append one event (called by `grant_plan`).  A payment webhook passes the provider's
    event id as external_id (unique: a re-delivery is rejected) and its raw body as payload;
    the others record the same shape with the body the provider would have sent."""
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


def subscription_events(session: Session, tenant_id: int, limit: int = 20) -> list[SubscriptionEvent]:
    """The tenant's latest subscription events, newest first."""
    return list(session.scalars(
        select(SubscriptionEvent).where(SubscriptionEvent.tenant_id == tenant_id)
        .order_by(SubscriptionEvent.id.desc()).limit(limit)
    ))


SIGNUP_PLAN = "free"
PERIOD_DAYS = 30


def sign_up(session: Session, email: str, password_hash: str, organisation: str = "") -> Account:
    """A new tenant with its owner account on the free plan (which never lapses).

    Takes the argon2 hash (`hash_password`) so the slow hashing happens before the caller
    opens its write transaction, not while holding the writers' lock.
    """
    base = re.sub(r"[^a-z0-9]+", "-", (organisation or email.split("@", 1)[0]).lower()).strip("-")[:40] or "team"
    tenant = create_tenant(session, f"{base}-{secrets.token_hex(3)}", organisation.strip()[:200])
    account = create_account(session, email, tenant.slug, role="owner")
    account.password_hash = password_hash
    grant_plan(session, tenant.slug, SIGNUP_PLAN, days=PERIOD_DAYS, actor=account, source="portal")
    return account


def require_owner(account: Account, doing: str) -> None:
    if account.role != "owner":
        raise Forbidden(f"only the team's owners can {doing}", code="not_owner")


def subscription_for(session: Session, tenant_id: int) -> tuple[Subscription, Plan] | None:
    row = session.execute(
        select(Subscription, Plan).join(Plan, Plan.id == Subscription.plan_id).where(Subscription.tenant_id == tenant_id)
    ).first()
    return (row[0], row[1]) if row else None


def subscription_standing(sub: Subscription, plan: Plan, now: datetime | None = None) -> str | None:
    """None if the subscription is in good standing now (it entitles downloads and its plan's
    seats), else the reason it is not.

    - canceled (an operator's suspension) never is;
    - a plan that does not lapse (the free plan: nothing is paid) always is otherwise;
    - a paid plan is within its period, or, when renewal is pending or the payment failed
      (past_due), within the plan's grace days after it;
    - a paid plan with a change scheduled for its period end (a downgrade or a cancellation)
      ends at that instant, without grace: the customer asked for it to end.
    """
    now = now or utcnow()
    if sub.status == "canceled":
        return "subscription is canceled"
    if not plan.lapses:
        return None
    if sub.current_period_end >= now:
        return None
    if sub.pending_plan_id is not None:
        return f"the {plan.name} plan ended {sub.current_period_end:%Y-%m-%d}, as scheduled"
    if sub.current_period_end + timedelta(days=plan.grace_days) >= now:
        return None  # renewal pending or payment failed: grace
    if sub.status == "past_due":
        return f"subscription past due beyond the {plan.grace_days}-day grace period"
    return f"subscription {sub.status} period ended {sub.current_period_end:%Y-%m-%d}"


def free_plan(session: Session) -> Plan | None:
    """The plan every tenant without a paid plan in good standing falls back to."""
    return session.scalars(select(Plan).where(Plan.name == NO_SUBSCRIPTION_SEATS_PLAN)).first()


@dataclass(frozen=True)
class Seats:
    """A tenant's seats: `used` of `limit`, from plan `plan` (None: no plan gives it any).

    `from_subscription` is False when the tenant has no subscription in good standing and
    gets the free plan's seats instead.
    """

    used: int
    limit: int
    plan: str | None
    from_subscription: bool

    @property
    def available(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def over_limit(self) -> bool:
        return self.used > self.limit


def seat_usage(session: Session, tenant_id: int) -> Seats:
    """How many seats the tenant uses and has.

    Every enabled account of the tenant takes a seat (disabled accounts can neither sign in
    nor use their keys, so they do not).  The limit is the seats of the tenant's plan while
    its subscription is in good standing (`subscription_standing`); a tenant with no
    subscription, a canceled one or one past its grace period gets the free plan's seats
    (none if there is no plan named free), as a tenant made with `rulehub admin create-tenant`
    has until it is granted a plan.
    """
    used = session.scalar(
        select(func.count(Account.id)).where(Account.tenant_id == tenant_id, Account.disabled.is_(False))
    ) or 0
    found = subscription_for(session, tenant_id)
    if found is not None and subscription_standing(*found) is None:
        return Seats(used=used, limit=found[1].seats, plan=found[1].name, from_subscription=True)
    fallback = free_plan(session)
    return Seats(used=used, limit=fallback.seats if fallback else 0, plan=fallback.name if fallback else None,
                 from_subscription=False)


def _require_free_seat(session: Session, tenant: Tenant, doing: str = "adding another account") -> None:
    seats = seat_usage(session, tenant.id)
    if seats.used < seats.limit:
        return
    if seats.from_subscription:
        why = f"tenant {tenant.slug!r} uses {seats.used} of the {seats.limit} seats of its {seats.plan} plan"
    elif seats.plan is not None:
        why = (f"tenant {tenant.slug!r} has no active subscription, so it has the {seats.plan} plan's "
               f"{seats.limit} seats, and uses {seats.used}")
    else:
        why = (f"tenant {tenant.slug!r} has no active subscription and there is no "
               f"{NO_SUBSCRIPTION_SEATS_PLAN} plan to give it seats")
    raise Conflict(f"{why}; upgrade its plan (the portal's dashboard, or `rulehub admin grant-plan "
                   f"{tenant.slug} PLAN`) before {doing}", code="seats_exhausted")


def create_namespace(session: Session, name: str, tenant_slug: str) -> Namespace:
    """Give a tenant a publisher namespace; only that tenant may publish `name/...` packs."""
    _slug("namespace", name)
    tenant = get_tenant(session, tenant_slug)
    if session.scalars(select(Namespace).where(Namespace.name == name)).first():
        raise Conflict(f"namespace {name!r} is already taken", code="namespace_exists")
    ns = Namespace(name=name, tenant_id=tenant.id)
    session.add(ns)
    session.flush()
    return ns


@dataclass(frozen=True)
class NewApiKey:
    """A freshly created key: `secret` is the full `rh_...` key, shown to the user exactly once."""

    key_id: str
    secret: str
    scopes: tuple[str, ...]


def create_api_key(session: Session, account: Account, *, scopes: list[str], name: str = "") -> NewApiKey:
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise BadRequest(f"scopes must be a non-empty subset of {', '.join(SCOPES)}; got {bad or scopes}",
                         code="invalid_scopes")
    _no_nul(name=name)
    if len(name) > 200:
        raise BadRequest("API key names are at most 200 characters", code="invalid_name")
    secret, key_id, secret_hash = new_api_key_material()
    session.add(ApiKey(key_id=key_id, secret_hash=secret_hash, name=name, account_id=account.id,
                       tenant_id=account.tenant_id, scopes=" ".join(sorted(set(scopes)))))
    session.flush()
    return NewApiKey(key_id=key_id, secret=secret, scopes=tuple(sorted(set(scopes))))


def list_api_keys(session: Session, account: Account) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.account_id == account.id).order_by(ApiKey.id)))


def revoke_api_key(session: Session, key_id: str, *, account: Account | None = None) -> ApiKey:
    """Revoke by key id (the hex part after `rh_`); with `account`, only that account's keys."""
    key_id = key_id.removeprefix("rh_").split("_", 1)[0]
    query = select(ApiKey).where(ApiKey.key_id == key_id)
    if account is not None:
        query = query.where(ApiKey.account_id == account.id)
    key = session.scalars(query).first()
    if key is None:
        raise NotFound(f"API key {key_id!r} not found", code="api_key_not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def _end_portal_sessions(session: Session, account: Account) -> int:
    # Imported here: the portal package imports this module (through the API's deps).
    from rulehub.server.portal.models import PortalSession

    return rows_changed(session, delete(PortalSession).where(PortalSession.account_id == account.id))


def disable_account(session: Session, email: str) -> Account:
    """Disable an account at once: it frees its seat, and from the next request on it can
    neither sign in to the portal, nor exchange its API keys, nor use access tokens issued
    before, even once re-enabled (`verify_token` checks the account and its
    `tokens_valid_after`), nor keep a portal session (its sessions are deleted, so
    re-enabling does not revive a browser signed in before).

    Its API keys are refused while it is disabled but not revoked: disabling is reversible,
    and `enable_account` gives them back.  Revoke them (or `remove_account`) when they leaked.
    Disabling a disabled account changes nothing.
    """
    account = get_account(session, email)
    get_tenant(session, account.tenant.slug, lock=True)  # seat counts of this tenant change: take turns
    if not account.disabled:
        account.tokens_valid_after = utcnow()  # tokens issued until now stay dead after enable_account
    account.disabled = True
    _end_portal_sessions(session, account)
    session.flush()
    return account


def enable_account(session: Session, email: str) -> Account:
    """Re-enable a disabled account; it takes a seat again, so a full tenant refuses
    (Conflict `seats_exhausted`, nothing changed).  Enabling an enabled account changes nothing."""
    account = get_account(session, email)
    tenant = get_tenant(session, account.tenant.slug, lock=True)
    if account.disabled:
        _require_free_seat(session, tenant, f"enabling {account.email} again")
        account.disabled = False
        session.flush()
    return account


@dataclass(frozen=True)
class RemovedAccount:
    """What `remove_account` did: keys and sessions deleted, records kept without the account."""

    email: str
    tenant: str
    api_keys: int
    portal_sessions: int
    downloads_kept: int
    versions_kept: int


def _enabled_owners(session: Session, tenant_id: int, *, besides: Account | None = None) -> int:
    query = select(func.count(Account.id)).where(
        Account.tenant_id == tenant_id, Account.role == "owner", Account.disabled.is_(False))
    if besides is not None:
        query = query.where(Account.id != besides.id)
    return session.scalar(query) or 0


def _other_enabled_owners(session: Session, account: Account) -> int:
    return _enabled_owners(session, account.tenant_id, besides=account)


def _last_owner(account: Account, tenant: Tenant) -> Conflict:
    return Conflict(
        f"{account.email} is the last owner of tenant {tenant.slug!r}; add another owner first "
        f"(`rulehub admin set-role EMAIL owner`, or `rulehub admin create-account EMAIL --tenant {tenant.slug} "
        "--role owner`) so the tenant keeps someone who can manage its plan and packs; nothing was changed",
        code="last_owner",
    )


def set_role(session: Session, email: str, role: str) -> Account:
    """Make an account its tenant's `owner` (manages plan, keys and packs) or a `member`.
    Demoting the last enabled owner is refused (Conflict `last_owner`, nothing changed), as
    removing it is; promote another account first."""
    if role not in ("owner", "member"):
        raise BadRequest("role must be owner or member", code="invalid_role")
    account = get_account(session, email)
    tenant = get_tenant(session, account.tenant.slug, lock=True)  # owner counts of this tenant change: take turns
    if account.role == "owner" and role != "owner" and not account.disabled and _other_enabled_owners(session, account) == 0:
        raise _last_owner(account, tenant)
    account.role = role
    session.flush()
    return account


def remove_account(session: Session, email: str) -> RemovedAccount:
    """Delete an account for good; what it published and the tenant's records stay.

    - Refused (Conflict `last_owner`, nothing changed) for an owner when no other enabled
      owner is left in its tenant: the tenant would have nobody who can change its plan or
      yank its packs.  Add another owner first.
    - Its API keys and portal sessions are deleted with it: the keys stop working at once
      (token exchange fails; access tokens already issued from them are refused, their key
      and account being gone), and a later account with the same email or, on SQLite, the
      same reused id inherits nothing.
    - Usage and audit rows are kept and anonymised: downloads keep their tenant, pack,
      version, bytes and time (tenant usage totals do not change) with no account, and
      subscription events keep their change with no actor.
    - Published data is never touched: pack versions (their artifacts, TUF targets and
      namespace, which belongs to the tenant, not the account) stay as they are, with
      `published_by` cleared, like a deleted user's packages on a public registry.

    The account row itself is deleted, so its email can be used again and it takes no seat.
    """
    account = get_account(session, email)
    tenant = get_tenant(session, account.tenant.slug, lock=True)
    if account.role == "owner" and _other_enabled_owners(session, account) == 0:
        raise _last_owner(account, tenant)
    keys_deleted = rows_changed(session, delete(ApiKey).where(ApiKey.account_id == account.id))
    sessions_ended = _end_portal_sessions(session, account)
    downloads = rows_changed(session,
        update(Download).where(Download.account_id == account.id).values(account_id=None)
    )
    versions = rows_changed(session,
        update(PackVersion).where(PackVersion.published_by == account.id).values(published_by=None)
    )
    session.execute(update(SubscriptionEvent).where(SubscriptionEvent.actor_account_id == account.id)
                    .values(actor_account_id=None))
    session.execute(update(Invitation).where(Invitation.invited_by == account.id).values(invited_by=None))
    session.execute(update(CheckoutSession).where(CheckoutSession.created_by == account.id).values(created_by=None))
    session.execute(delete(AccountToken).where(AccountToken.account_id == account.id))
    removed = RemovedAccount(email=account.email, tenant=tenant.slug, api_keys=int(keys_deleted),
                             portal_sessions=sessions_ended, downloads_kept=int(downloads), versions_kept=int(versions))
    session.delete(account)
    session.flush()
    return removed


@dataclass(frozen=True)
class AccountSummary:
    email: str
    role: str
    disabled: bool


@dataclass(frozen=True)
class TenantOverview:
    """A tenant as an operator sees it: subscription (None: never granted a plan), seats,
    accounts (by email) and namespaces (by name)."""

    slug: str
    name: str
    plan: str | None
    status: str | None
    period_end: datetime | None
    standing_problem: str | None  # why the subscription is not in good standing, if it is not
    seats: Seats
    accounts: tuple[AccountSummary, ...]
    namespaces: tuple[str, ...]


def tenant_overview(session: Session, slug: str) -> TenantOverview:
    tenant = get_tenant(session, slug)
    found = subscription_for(session, tenant.id)
    members = session.scalars(select(Account).where(Account.tenant_id == tenant.id).order_by(Account.email))
    names = session.scalars(select(Namespace.name).where(Namespace.tenant_id == tenant.id).order_by(Namespace.name))
    return TenantOverview(
        slug=tenant.slug,
        name=tenant.name,
        plan=found[1].name if found else None,
        status=found[0].status if found else None,
        period_end=found[0].current_period_end if found else None,
        standing_problem=subscription_standing(*found) if found else "no subscription",
        seats=seat_usage(session, tenant.id),
        accounts=tuple(AccountSummary(a.email, a.role, a.disabled) for a in members),
        namespaces=tuple(names),
    )
