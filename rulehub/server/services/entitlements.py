"""Who may see and download what.

A tenant sees every public pack and its own private packs.  A version downloads if the
pack is private to the caller's tenant, or the plan in force covers the version's tier: the
subscription's plan while it is in good standing (`subscription_standing`), else the free
plan, which never lapses (a paid plan that ran out leaves the free packs downloading).  A
subscription an operator canceled downloads nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from rulehub.server.errors import Forbidden, NotFound
from rulehub.server.models import Pack, PackVersion
# subscription_standing lives with the subscriptions (seats use it too); imported from here as before.
from rulehub.server.services.accounts import free_plan, subscription_for, subscription_standing


def pack_visible(pack: Pack, tenant_id: int | None) -> bool:
    return not pack.private or (tenant_id is not None and pack.namespace.tenant_id == tenant_id)


def require_visible(pack: Pack | None, tenant_id: int | None, name: str) -> Pack:
    """The pack, or 404 (a private pack of another tenant is indistinguishable from none)."""
    if pack is None or not pack_visible(pack, tenant_id):
        raise NotFound(f"pack {name!r} does not exist", code="pack_not_found")
    return pack


def require_download(session: Session, tenant_id: int, version: PackVersion) -> None:
    pack = version.pack
    if pack.private and pack.namespace.tenant_id == tenant_id:
        return
    found = subscription_for(session, tenant_id)
    if found is None:
        raise Forbidden("your tenant has no subscription; choose a plan to download packs", code="no_subscription")
    sub, plan = found
    reason = subscription_standing(sub, plan)
    if reason:
        fallback = free_plan(session) if sub.status != "canceled" else None
        if fallback is None or version.tier not in fallback.tier_list:
            raise Forbidden(f"{reason}; renew or update billing to download packs", code="subscription_inactive")
        return
    if version.tier not in plan.tier_list:
        raise Forbidden(
            f"{pack.name} {version.version} is a {version.tier} pack; your {plan.name} plan covers "
            f"{', '.join(plan.tier_list)} - upgrade to download it",
            code="plan_does_not_cover_tier",
        )
