"""Every subscription change records one event, whichever door it came through (issue 14
item 3): here `rulehub admin grant-plan` on a running hub (SQLite and PostgreSQL); the
portal's plan change and cancel are in tests/portal/test_portal_http.py."""

from __future__ import annotations

from sqlalchemy import select

from rulehub.server.models import SubscriptionEvent
from rulehub.server.services import accounts
from tests.rulehub.conftest import HubServer, admin


def _events(hub: HubServer, slug: str) -> list[tuple[str, str | None, str | None, str, str, int | None]]:
    with hub.database.session() as s:
        tenant = accounts.get_tenant(s, slug)
        rows = s.scalars(select(SubscriptionEvent).where(SubscriptionEvent.tenant_id == tenant.id)
                         .order_by(SubscriptionEvent.id))
        return [(e.type, e.from_plan, e.to_plan, e.to_status, e.source, e.actor_account_id) for e in rows]


def test_admin_grant_plan_records_one_event_per_change(hub: HubServer) -> None:
    slug = hub.unique("t")
    assert admin(hub.settings, "create-tenant", slug)[0] == 0
    for args in (("free",), ("pro",), ("pro", "--days", "60"), ("pro", "--status", "canceled")):
        code, _, err = admin(hub.settings, "grant-plan", slug, *args)
        assert code == 0, err
    assert _events(hub, slug) == [
        ("subscription.created", None, "free", "active", "admin", None),
        ("subscription.plan_changed", "free", "pro", "active", "admin", None),
        ("subscription.renewed", "pro", "pro", "active", "admin", None),  # a longer period
        ("subscription.canceled", "pro", "pro", "canceled", "admin", None),
    ]
    # A refused change records nothing.
    assert admin(hub.settings, "grant-plan", slug, "no-such-plan")[0] == 2
    assert len(_events(hub, slug)) == 4
