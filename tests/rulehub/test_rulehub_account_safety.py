"""Account safety on a running hub (SQLite and PostgreSQL), issue 19 item 3: tokens issued
before a disable stay dead after re-enabling, `create-account` never leaves a tenant without
an owner, and the hub's data files are private.  The login throttle is tested through the
portal (tests/portal/test_portal_account_safety.py)."""

from __future__ import annotations

import stat
from pathlib import Path

from rulehub.server.services import accounts
from tests.rulehub.conftest import HubServer, admin


def test_token_from_before_a_disable_is_dead_after_reenabling(hub: HubServer) -> None:
    owner = hub.subscriber(namespace=False)
    old_token = owner.token
    assert owner.get("/v1/usage").status_code == 200
    with hub.database.write_session() as s:  # a second owner, so the first may be disabled
        accounts.create_account(s, f"{hub.unique('co')}@example.test", owner.tenant, role="owner")

    assert admin(hub.settings, "disable-account", owner.email)[0] == 0
    assert admin(hub.settings, "enable-account", owner.email)[0] == 0

    r = hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {old_token}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked", r.text
    fresh = hub.client.post("/v1/auth/token", json={"api_key": owner.api_key})  # at once, same second or not
    assert fresh.status_code == 200, fresh.text
    r = hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"})
    assert r.status_code == 200, r.text


def test_create_account_without_role_gives_an_ownerless_tenant_its_owner(hub: HubServer) -> None:
    slug = hub.unique("t")
    first, second = f"{hub.unique('first')}@example.test", f"{hub.unique('second')}@example.test"
    assert admin(hub.settings, "create-tenant", slug)[0] == 0
    assert admin(hub.settings, "grant-plan", slug, "pro")[0] == 0

    code, out, err = admin(hub.settings, "create-account", first, "--tenant", slug)
    assert code == 0, err
    assert f"created in tenant {slug} as owner" in out
    code, out, err = admin(hub.settings, "create-account", second, "--tenant", slug)
    assert code == 0 and "as member" in out, err
    # With every owner disabled, the next account without --role is an owner again.
    with hub.database.write_session() as s:
        accounts.get_account(s, first).disabled = True
    third = f"{hub.unique('third')}@example.test"
    assert "as owner" in admin(hub.settings, "create-account", third, "--tenant", slug)[1]
    with hub.database.session() as s:
        roles = {a.email: a.role for a in accounts.tenant_overview(s, slug).accounts}
    assert roles == {first: "owner", second: "member", third: "owner"}


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_data_files_are_private(hub: HubServer) -> None:
    publisher = hub.subscriber()
    name = f"{publisher.namespace}/private-files"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")).status_code == 201

    files = [p for p in hub.settings.artifacts_dir.rglob("*") if p.is_file()]
    files += [p for p in hub.settings.keys_dir.rglob("*") if p.is_file()]
    if hub.backend == "sqlite":
        db = Path(hub.settings.database_url.removeprefix("sqlite:///"))
        files += [p for p in db.parent.iterdir() if p.name.startswith(db.name)]  # with its -wal and -shm
        assert db in files
    assert any(p.suffix == ".gz" for p in files) and any("keys" in p.parts for p in files)
    public = sorted(f"{p} {stat.filemode(p.stat().st_mode)}" for p in files if not _private(p))
    assert not public, public
    dirs = [hub.settings.artifacts_dir, *(p for p in hub.settings.artifacts_dir.rglob("*") if p.is_dir()),
            hub.settings.keys_dir]
    assert [str(d) for d in dirs if not _private(d)] == []
