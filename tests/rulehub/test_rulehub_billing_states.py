"""The subscription state machine of docs/billing.md, table by table, on SQLite and PostgreSQL:
what choosing each plan does from each state, and what downloads in each state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from rulehub.server import db as dbmod
from rulehub.server.errors import Forbidden
from rulehub.server.models import Account, Namespace, Pack, PackVersion, utcnow
from rulehub.server.services import accounts, billing
from rulehub.server.services.entitlements import require_download
from rulehub.server.settings import Settings


@pytest.fixture(scope="module")
def database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dbmod.Database]:
    dbmod.upgrade(database_url)
    db = dbmod.Database.connect(Settings(data_dir=Path(tmp_path_factory.mktemp("billing-states")),
                                         database_url=database_url))
    try:
        yield db
    finally:
        db.dispose()


def _owner(db: dbmod.Database, plan: str | None, **grant: object) -> int:
    with db.write_session() as s:
        account = accounts.sign_up(s, f"{accounts.secrets.token_hex(6)}@example.test", "x")
        if plan is not None:
            accounts.grant_plan(s, account.tenant.slug, plan, **grant)  # type: ignore[arg-type]
        return account.id


AGO = utcnow() - timedelta(days=60)
SOON = utcnow() + timedelta(days=10)


@pytest.mark.parametrize("state,target,action", [
    ((None, {}), "free", "same"),
    ((None, {}), "pro", "checkout"),
    ((None, {}), "enterprise", "contact_sales"),
    (("free", {"period_end": AGO}), "free", "same"),  # the free plan never lapses
    (("pro", {"period_end": SOON}), "free", "at_period_end"),
    (("pro", {"period_end": SOON}), "pro", "same"),
    (("pro", {"period_end": SOON}), "enterprise", "contact_sales"),
    (("pro", {"period_end": SOON, "pending_plan": "free"}), "pro", "undo"),
    (("pro", {"period_end": SOON, "pending_plan": "free"}), "free", "same"),
    (("pro", {"status": "past_due", "period_end": AGO}), "free", "now"),  # lapsed beyond grace
    (("pro", {"status": "past_due", "period_end": AGO}), "pro", "checkout"),
    (("enterprise", {"period_end": SOON}), "pro", "contact_sales"),
    (("enterprise", {"period_end": SOON}), "free", "at_period_end"),
])
def test_what_choosing_a_plan_does(database: dbmod.Database, state: tuple[str | None, dict[str, object]],
                                   target: str, action: str) -> None:
    account_id = _owner(database, state[0], **state[1])
    with database.session() as s:
        account = s.get(Account, account_id)
        assert account is not None
        assert billing.plan_change(s, account, target).action == action


def _version(s, tenant_slug: str, tier: str) -> PackVersion:  # type: ignore[no-untyped-def]
    ns = s.query(Namespace).filter_by(name=tenant_slug).first() or accounts.create_namespace(s, tenant_slug, tenant_slug)
    pack = Pack(name=f"{ns.name}/{tier}-{accounts.secrets.token_hex(3)}", namespace_id=ns.id, tier=tier)
    s.add(pack)
    s.flush()
    version = PackVersion(pack_id=pack.id, version="1.0.0", sha256="0" * 64, size=1, engine="*", tier=tier,
                          license="MIT", target_path=f"{pack.name}/1.0.0")
    s.add(version)
    s.flush()
    return version


@pytest.mark.parametrize("plan,grant,downloads", [
    ("free", {"period_end": AGO}, {"free"}),  # never lapses
    ("pro", {"period_end": SOON}, {"free", "pro"}),
    ("pro", {"status": "past_due", "period_end": utcnow() - timedelta(days=2)}, {"free", "pro"}),  # grace
    ("pro", {"status": "past_due", "period_end": AGO}, {"free"}),  # beyond grace: the free plan
    ("pro", {"period_end": utcnow() - timedelta(hours=1), "pending_plan": "free"}, {"free"}),  # canceled: no grace
    ("enterprise", {"status": "canceled"}, set()),  # an operator's suspension
])
def test_what_downloads(database: dbmod.Database, plan: str, grant: dict[str, object], downloads: set[str]) -> None:
    account_id = _owner(database, plan, **grant)
    publisher_id = _owner(database, "enterprise")
    with database.write_session() as s:
        publisher = s.get(Account, publisher_id)
        account = s.get(Account, account_id)
        assert publisher is not None and account is not None
        allowed = set()
        for tier in ("free", "pro", "enterprise"):
            try:
                require_download(s, account.tenant_id, _version(s, publisher.tenant.slug, tier))
                allowed.add(tier)
            except Forbidden:
                pass
        assert allowed == downloads


@pytest.mark.parametrize("plan,grant,limit_of", [
    ("pro", {"period_end": SOON}, "pro"),
    ("pro", {"status": "past_due", "period_end": AGO}, "free"),  # lapsed beyond grace: free's limit
])
def test_the_rate_limit_is_the_plan_in_force(database: dbmod.Database, plan: str, grant: dict[str, object],
                                             limit_of: str, tmp_path: Path) -> None:
    from rulehub.server.core.deps import HubState
    from rulehub.server.metrics import Metrics

    account_id = _owner(database, plan, **grant)
    hub = HubState(Settings(data_dir=tmp_path, database_url=database.url), database, Metrics())
    with database.session() as s:
        tenant_id = s.get(Account, account_id).tenant_id  # type: ignore[union-attr]
        assert accounts.get_plan(s, "pro").rate_limit_per_minute != accounts.get_plan(s, "free").rate_limit_per_minute
        assert hub.rate_limit_for(s, tenant_id) == accounts.get_plan(s, limit_of).rate_limit_per_minute
