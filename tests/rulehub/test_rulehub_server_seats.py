"""Seats: a plan's `seats` limit how many accounts a tenant can have, on SQLite and PostgreSQL.

Every way into a tenant (the admin CLI, sign-up, the test harnesses) goes through
accounts.create_account, so these tests call it directly; the CLI's exit code and message
are in test_rulehub_server_ops.py and the portal's seat display in tests/portal.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.rulehub.conftest import HubServer
from rulehub.server import db as dbmod
from rulehub.server.errors import Conflict
from rulehub.server.models import Account, utcnow
from rulehub.server.services import accounts


def _tenant(hub: HubServer, plan: str | None, **grant: object) -> str:
    slug = hub.unique("seats")
    with hub.database.write_session() as s:
        accounts.create_tenant(s, slug)
        if plan is not None:
            accounts.grant_plan(s, slug, plan, **grant)  # type: ignore[arg-type]
    return slug


def _join(hub: HubServer, slug: str, database: dbmod.Database | None = None) -> str:
    email = f"{hub.unique('member')}@example.test"
    with (database or hub.database).write_session() as s:
        accounts.create_account(s, email, slug)
    return email


def _refused(hub: HubServer, slug: str) -> Conflict:
    with pytest.raises(Conflict) as info:
        _join(hub, slug)
    assert info.value.code == "seats_exhausted" and info.value.status == 409
    return info.value


def _members(hub: HubServer, slug: str) -> list[Account]:
    with hub.database.session() as s:
        tenant = accounts.get_tenant(s, slug)
        return list(s.scalars(select(Account).where(Account.tenant_id == tenant.id)))


def _seats(hub: HubServer, slug: str) -> accounts.Seats:
    with hub.database.session() as s:
        return accounts.seat_usage(s, accounts.get_tenant(s, slug).id)


def test_fourth_account_on_a_free_tenant_is_refused(hub: HubServer) -> None:
    slug = _tenant(hub, "free")
    for _ in range(3):
        _join(hub, slug)
    error = _refused(hub, slug)
    assert f"tenant {slug!r} uses 3 of the 3 seats of its free plan" in error.message
    assert "grant-plan" in error.message  # says what to do next
    assert len(_members(hub, slug)) == 3  # nothing half-created
    assert _seats(hub, slug) == accounts.Seats(used=3, limit=3, plan="free", from_subscription=True)


def test_upgrading_makes_room(hub: HubServer) -> None:
    slug = _tenant(hub, "free")
    for _ in range(3):
        _join(hub, slug)
    _refused(hub, slug)
    with hub.database.write_session() as s:
        accounts.grant_plan(s, slug, "pro")
    _join(hub, slug)
    assert _seats(hub, slug).used == 4 and _seats(hub, slug).available == 21


def test_an_existing_email_is_still_reported_as_taken_when_seats_are_full(hub: HubServer) -> None:
    slug = _tenant(hub, "free")
    emails = [_join(hub, slug) for _ in range(3)]
    with pytest.raises(Conflict) as info, hub.database.write_session() as s:
        accounts.create_account(s, emails[0], slug)
    assert info.value.code == "account_exists"


@pytest.mark.parametrize("plan, grant", [
    (None, {}),
    ("enterprise", {"status": "canceled"}),
    ("pro", {"status": "past_due", "period_end": utcnow() - timedelta(days=60)}),
], ids=["no-subscription", "canceled", "past-due-beyond-grace"])
def test_without_a_subscription_in_good_standing_the_free_plans_seats_apply(
    hub: HubServer, plan: str | None, grant: dict
) -> None:
    slug = _tenant(hub, plan, **grant)
    for _ in range(3):
        _join(hub, slug)
    error = _refused(hub, slug)
    assert "has no active subscription, so it has the free plan's 3 seats" in error.message
    assert _seats(hub, slug) == accounts.Seats(used=3, limit=3, plan="free", from_subscription=False)


def test_trialing_and_past_due_within_grace_keep_their_plans_seats(hub: HubServer) -> None:
    trial = _tenant(hub, "pro", status="trialing")
    grace = _tenant(hub, "pro", status="past_due", period_end=utcnow() - timedelta(days=1))
    for slug in (trial, grace):
        for _ in range(4):
            _join(hub, slug)
        assert _seats(hub, slug) == accounts.Seats(used=4, limit=25, plan="pro", from_subscription=True)


def test_disabled_accounts_do_not_take_a_seat(hub: HubServer) -> None:
    slug = _tenant(hub, "free")
    first = _join(hub, slug)
    for _ in range(2):
        _join(hub, slug)
    _refused(hub, slug)
    with hub.database.write_session() as s:
        s.execute(update(Account).where(Account.email == first).values(disabled=True))
    _join(hub, slug)
    assert _seats(hub, slug).used == 3


def test_downgrade_below_the_members_is_allowed_visible_and_locks_nobody_out(hub: HubServer) -> None:
    slug = _tenant(hub, "pro")
    emails = [_join(hub, slug) for _ in range(5)]
    with hub.database.write_session() as s:
        key = accounts.create_api_key(s, accounts.get_account(s, emails[-1]), scopes=["packs:read"])
        accounts.grant_plan(s, slug, "free")  # not refused

    seats = _seats(hub, slug)
    assert (seats.used, seats.limit, seats.available, seats.over_limit) == (5, 3, 0, True)
    members = _members(hub, slug)
    assert sorted(m.email for m in members) == sorted(emails) and not any(m.disabled for m in members)
    # The last member to join still gets access tokens and uses the API.
    r = hub.client.post("/v1/auth/token", json={"api_key": key.secret})
    assert r.status_code == 200, r.text
    usage = hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert usage.status_code == 200, usage.text
    # Nobody new joins while over the limit, not even into a seat someone would free later.
    assert "uses 5 of the 3 seats of its free plan" in _refused(hub, slug).message


def test_two_concurrent_joins_cannot_both_take_the_last_seat(hub: HubServer) -> None:
    """Two replicas (two engines) add an account to a free tenant with one seat left.

    The first join holds its transaction open after inserting; the second starts only then,
    so without the tenant lock it would count two accounts, see a free seat and insert too.
    """
    slug = _tenant(hub, "free")
    _join(hub, slug)
    _join(hub, slug)
    other_replica = dbmod.Database.connect(hub.settings)
    inserted = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with hub.database.write_session() as s:
            accounts.create_account(s, f"{hub.unique('first')}@example.test", slug)
            inserted.set()
            time.sleep(0.5)  # still uncommitted while the second join runs
        outcome["first"] = "joined"

    def second() -> None:
        assert inserted.wait(30)
        try:
            _join(hub, slug, other_replica)
            outcome["second"] = "joined"
        except Conflict as exc:
            outcome["second"] = exc.code

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        other_replica.dispose()
    assert outcome == {"first": "joined", "second": "seats_exhausted"}
    assert len(_members(hub, slug)) == 3
