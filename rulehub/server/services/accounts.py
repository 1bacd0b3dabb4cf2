"""Tenants, accounts, plans, subscriptions, publisher namespaces and API keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from rulehub.server.core.security import SCOPES, new_api_key_material
from rulehub.server.errors import BadRequest, Conflict, NotFound
from rulehub.server.models import Account, ApiKey, Namespace, Plan, Subscription, Tenant, utcnow

SUBSCRIPTION_STATUSES = ("trialing", "active", "past_due", "canceled")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


def _slug(kind: str, value: str) -> str:
    if not _SLUG_RE.fullmatch(value or ""):
        raise BadRequest(f"{kind} {value!r} must be lowercase letters, digits and '-' (max 63)", code=f"invalid_{kind}")
    return value


def get_tenant(session: Session, slug: str) -> Tenant:
    tenant = session.scalars(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise NotFound(f"tenant {slug!r} does not exist; create it with `rulehub admin create-tenant`",
                       code="tenant_not_found")
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
    display_name: str = "", role: str = "member",
) -> Account:
    """Create an account in an existing tenant; `password` (optional) is stored as argon2."""
    _no_nul(email=email, display_name=display_name, password=password)
    email = email.strip().lower()
    if not _EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise BadRequest(f"{email!r} is not an email address", code="invalid_email")
    if len(display_name) > 200:
        raise BadRequest("display names are at most 200 characters", code="invalid_name")
    if role not in ("owner", "member"):
        raise BadRequest("role must be owner or member", code="invalid_role")
    tenant = get_tenant(session, tenant_slug)
    if session.scalars(select(Account).where(Account.email == email)).first():
        raise Conflict(f"account {email!r} already exists", code="account_exists")
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


def grant_plan(
    session: Session, tenant_slug: str, plan_name: str, *, status: str = "active",
    period_end: datetime | None = None, days: int = 30,
) -> Subscription:
    """Create or change the tenant's subscription (plan, status, period end)."""
    if status not in SUBSCRIPTION_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(SUBSCRIPTION_STATUSES)}", code="invalid_status")
    tenant = get_tenant(session, tenant_slug)
    plan = get_plan(session, plan_name)
    end = period_end or (utcnow() + timedelta(days=days))
    sub = session.scalars(select(Subscription).where(Subscription.tenant_id == tenant.id)).first()
    if sub is None:
        sub = Subscription(tenant_id=tenant.id, plan_id=plan.id, status=status, current_period_end=end)
        session.add(sub)
    else:
        sub.plan_id, sub.status, sub.current_period_end = plan.id, status, end
    session.flush()
    return sub


def subscription_for(session: Session, tenant_id: int) -> tuple[Subscription, Plan] | None:
    row = session.execute(
        select(Subscription, Plan).join(Plan, Plan.id == Subscription.plan_id).where(Subscription.tenant_id == tenant_id)
    ).first()
    return (row[0], row[1]) if row else None


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
