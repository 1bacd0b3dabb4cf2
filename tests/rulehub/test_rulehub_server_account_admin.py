"""Managing accounts and tenants after creation, through `rulehub admin` against a running hub
(SQLite and PostgreSQL): disable / enable (at once, everywhere; seats respected), remove
(keys revoked, records kept, published packs intact, last owner refused) and show-tenant.
The portal side of disabling (sign-in, sessions) is in tests/portal/test_portal_account_admin.py."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from rulehub.server.errors import ApiError
from rulehub.server.models import Account, Download, Pack, PackVersion
from rulehub.server.services import accounts
from tests.rulehub.conftest import HubServer, Subscriber, admin


def _admin(hub: HubServer, *args: str) -> tuple[int, str, str]:
    """`rulehub admin ...` in-process, against this hub's data dir and database."""
    return admin(hub.settings, *args)


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code, r.text


def _exchange(hub: HubServer, api_key: str) -> httpx.Response:
    return hub.client.post("/v1/auth/token", json={"api_key": api_key})


def _usage(hub: HubServer, token: str) -> httpx.Response:
    return hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {token}"})


def _member(hub: HubServer, owner: Subscriber, *, scopes: tuple[str, ...] = ("packs:read",)) -> Subscriber:
    """A second account (member) in `owner`'s tenant, with an API key of its own."""
    email = f"{hub.unique('member')}@example.test"
    with hub.database.write_session() as s:
        account = accounts.create_account(s, email, owner.tenant)
        key = accounts.create_api_key(s, account, scopes=list(scopes))
    return Subscriber(hub, owner.tenant, email, key.secret, owner.namespace)


def _seats_used(hub: HubServer, slug: str) -> int:
    with hub.database.session() as s:
        return accounts.seat_usage(s, accounts.get_tenant(s, slug).id).used


def test_disabling_stops_keys_and_issued_tokens_at_once_and_enabling_restores_them(hub: HubServer) -> None:
    owner = hub.subscriber(namespace=False)
    member = _member(hub, owner)
    token = member.token  # issued before the account is disabled
    assert _usage(hub, token).status_code == 200
    assert _seats_used(hub, owner.tenant) == 2

    code, out, err = _admin(hub, "disable-account", member.email.upper())
    assert code == 0, err
    assert f"account {member.email} disabled" in out and "1 of 25 seats used" in out
    _error(_exchange(hub, member.api_key), 401, "invalid_api_key")
    _error(_usage(hub, token), 401, "account_disabled")  # not only once it expires
    assert _usage(hub, owner.token).status_code == 200  # the rest of the tenant is untouched
    assert _seats_used(hub, owner.tenant) == 1

    code, out, err = _admin(hub, "enable-account", member.email)
    assert code == 0 and f"account {member.email} enabled" in out, err
    fresh = _exchange(hub, member.api_key)  # its keys were kept, not revoked ...
    assert fresh.status_code == 200
    assert _usage(hub, fresh.json()["access_token"]).status_code == 200
    _error(_usage(hub, token), 401, "token_revoked")  # ... but tokens from before the disable stay dead
    assert _seats_used(hub, owner.tenant) == 2


def test_enabling_is_refused_when_the_tenant_is_full(hub: HubServer) -> None:
    owner = hub.subscriber(plan="free", namespace=False)
    first, _ = _member(hub, owner), _member(hub, owner)  # 3 of the free plan's 3 seats
    assert _admin(hub, "disable-account", first.email)[0] == 0
    _member(hub, owner)  # takes the seat the disabled account freed

    code, out, err = _admin(hub, "enable-account", first.email)
    assert code == 2 and out == ""
    assert err.startswith(f"rulehub: tenant {owner.tenant!r} uses 3 of the 3 seats of its free plan")
    assert f"before enabling {first.email} again" in err
    with hub.database.session() as s:
        assert accounts.get_account(s, first.email).disabled  # nothing changed
    _error(_exchange(hub, first.api_key), 401, "invalid_api_key")

    assert _admin(hub, "grant-plan", owner.tenant, "pro")[0] == 0
    assert _admin(hub, "enable-account", first.email)[0] == 0
    assert _exchange(hub, first.api_key).status_code == 200


def test_unknown_account_is_exit_2(hub: HubServer) -> None:
    for command in ("disable-account", "enable-account", "remove-account"):
        code, _, err = _admin(hub, command, "nobody@example.test")
        assert code == 2 and "account 'nobody@example.test' does not exist" in err


def test_removing_an_account_revokes_its_keys_and_keeps_its_packs_and_usage(hub: HubServer) -> None:
    owner = hub.subscriber()
    member = _member(hub, owner, scopes=("packs:read", "packs:publish"))
    name = f"{owner.namespace}/gone"
    data = hub.artifact(name, "1.0.0")
    assert member.publish(name, "1.0.0", data).status_code == 201
    assert member.get(f"/v1/packs/{name}/1.0.0/download").content == data
    token = member.token
    before = owner.get("/v1/usage").json()
    with hub.database.session() as s:
        member_id = accounts.get_account(s, member.email).id
        downloads = list(s.scalars(select(Download.id).where(Download.account_id == member_id)))
    assert len(downloads) == 1

    code, out, err = _admin(hub, "remove-account", member.email)
    assert code == 0, err
    assert f"account {member.email} removed from tenant {owner.tenant}: 1 API key(s)" in out
    assert "1 download record(s) and 1 published version(s) kept" in out
    _error(_exchange(hub, member.api_key), 401, "invalid_api_key")
    _error(_usage(hub, token), 401, "token_revoked")
    # What it published stays published, for everyone entitled, under the tenant's namespace.
    consumer = hub.subscriber(namespace=False)
    assert consumer.get(f"/v1/packs/{name}/1.0.0/download").content == data
    assert owner.get("/v1/usage").json() == before  # the tenant's usage is unchanged
    with hub.database.session() as s:
        assert s.scalar(select(func.count()).select_from(Account).where(Account.email == member.email)) == 0
        version = s.scalars(select(PackVersion).join(PackVersion.pack)
                            .where(Pack.name == name, PackVersion.version == "1.0.0")).one()
        assert version.published_by is None and not version.yanked
        assert [(d.id, d.account_id) for d in s.scalars(select(Download).where(Download.id.in_(downloads)))] == [
            (downloads[0], None)]  # kept, without the account
    assert _seats_used(hub, owner.tenant) == 1
    # The address is free again, and the new account inherits none of the old one's keys.
    assert _admin(hub, "create-account", member.email, "--tenant", owner.tenant)[0] == 0
    _error(_exchange(hub, member.api_key), 401, "invalid_api_key")


def test_the_last_owner_cannot_be_removed(hub: HubServer) -> None:
    owner = hub.subscriber(namespace=False)
    member = _member(hub, owner)

    code, out, err = _admin(hub, "remove-account", owner.email)
    assert code == 2 and out == ""
    assert f"{owner.email} is the last owner of tenant {owner.tenant!r}; add another owner first" in err
    assert _exchange(hub, owner.api_key).status_code == 200  # nothing changed
    assert _admin(hub, "remove-account", member.email)[0] == 0  # members go

    # A disabled second owner does not count: the tenant would be left with no one to manage it.
    second = f"{hub.unique('owner')}@example.test"
    assert _admin(hub, "create-account", second, "--tenant", owner.tenant, "--role", "owner")[0] == 0
    assert _admin(hub, "disable-account", second)[0] == 0
    assert _admin(hub, "remove-account", owner.email)[0] == 2
    assert _admin(hub, "enable-account", second)[0] == 0
    code, _, err = _admin(hub, "remove-account", owner.email)
    assert code == 0, err
    _error(_exchange(hub, owner.api_key), 401, "invalid_api_key")


def test_ownership_moves_with_set_role_but_never_leaves_a_tenant_without_an_owner(hub: HubServer) -> None:
    owner = hub.subscriber(namespace=False)
    member = _member(hub, owner)

    code, out, err = _admin(hub, "set-role", owner.email, "member")
    assert code == 2 and out == "" and "is the last owner" in err and "set-role EMAIL owner" in err
    assert _admin(hub, "remove-account", owner.email)[0] == 2

    code, out, _ = _admin(hub, "set-role", member.email, "owner")
    assert code == 0 and f"account {member.email} is now owner of tenant {owner.tenant}" in out
    code, _, err = _admin(hub, "set-role", owner.email, "member")
    assert code == 0, err
    assert _admin(hub, "remove-account", member.email)[0] == 2  # now the last owner
    assert _admin(hub, "remove-account", owner.email)[0] == 0  # a member goes
    with hub.database.session() as s:
        assert accounts.get_account(s, member.email).role == "owner"
    with hub.database.write_session() as s, pytest.raises(ApiError) as refused:
        accounts.set_role(s, member.email, "admin")
    assert refused.value.code == "invalid_role"


def test_show_tenant(hub: HubServer) -> None:
    owner = hub.subscriber(plan="free")
    member = _member(hub, owner)
    assert _admin(hub, "create-namespace", f"{owner.tenant}-labs", "--tenant", owner.tenant)[0] == 0
    assert _admin(hub, "disable-account", member.email)[0] == 0

    code, out, err = _admin(hub, "show-tenant", owner.tenant)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"tenant {owner.tenant} ({owner.tenant})"
    assert lines[1].startswith("subscription: plan free, active until ") and lines[1].endswith("(in good standing)")
    assert lines[2] == "seats: 1 of 3 used (free plan)"
    assert lines[3] == "accounts (2):"
    assert sorted(lines[4:6]) == sorted([f"  {owner.email}  owner", f"  {member.email}  member  disabled"])
    assert lines[6] == f"namespaces: {owner.tenant}, {owner.tenant}-labs"

    bare = hub.unique("bare")
    assert _admin(hub, "create-tenant", bare)[0] == 0
    code, out, _ = _admin(hub, "show-tenant", bare)
    assert code == 0 and "subscription: none" in out and "accounts (0):" in out and "namespaces: (none)" in out
    assert "seats: 0 of 3 used (free plan, the seats a tenant without a subscription in good standing gets)" in out

    code, out, err = _admin(hub, "show-tenant", "no-such-tenant")
    assert code == 2 and out == "" and "tenant 'no-such-tenant' does not exist" in err
