"""Publishers self-serve, over HTTP on SQLite and PostgreSQL: claim a namespace in the portal,
wait for the operator (the verification step: rulehub.server.services.namespaces), get a
publish token, publish, see downloads per pack, version and day, yank and unyank.  Then the
attacks: someone else's namespace, reserved names, look-alikes, capitals and Unicode, a
member instead of the owner, a non-admin "approving", a decision made twice."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from portal_server import PASSWORD, PortalServer, csrf_from

from rulehub.server.services import accounts


def _claim(c: httpx.Client, name: str, reason: str = "We are Acme Corp, https://acme.example") -> httpx.Response:
    return c.post("/publisher/claims", data={"csrf_token": csrf_from(c.get("/publisher").text), "name": name,
                                             "reason": reason})


def _field_error(html: str) -> str:
    found = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', html, re.DOTALL)
    return found.group(1).strip() if found else ""


def _operator(portal: PortalServer, *, scopes: tuple[str, ...] = ("admin",)) -> dict[str, str]:
    """Bearer headers of an operator's API key (`admin` scope, as `rulehub admin create-api-key` makes it)."""
    slug = portal.unique("ops")
    with portal.database.write_session() as s:
        accounts.create_tenant(s, slug)
        account = accounts.create_account(s, f"{slug}@example.test", slug, role="owner")
        key = accounts.create_api_key(s, account, scopes=list(scopes)).secret
    with portal.client() as c:
        token = c.post("/v1/auth/token", json={"api_key": key}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _claim_id(portal: PortalServer, headers: dict[str, str], name: str) -> int:
    with portal.client() as c:
        queue = c.get("/v1/admin/namespace-claims", headers=headers)
    assert queue.status_code == 200, queue.text
    return next(q["id"] for q in queue.json() if q["name"] == name)


def _decide(portal: PortalServer, headers: dict[str, str], claim_id: int, verb: str, note: str = "") -> httpx.Response:
    with portal.client() as c:
        return c.post(f"/v1/admin/namespace-claims/{claim_id}/{verb}", json={"note": note}, headers=headers)


def test_claim_approve_token_publish_downloads_yank(portal: PortalServer, user: tuple[str, str]) -> None:
    email, password = user
    name = portal.unique("acme")
    ops = _operator(portal)
    with portal.login(email, password) as c:
        page = c.get("/publisher").text
        assert "Your team has no namespace yet" in page
        r = _claim(c, name)
        assert r.status_code == 303 and r.headers["location"] == f"/publisher?claimed={name}"
        page = c.get(r.headers["location"]).text
        assert "is waiting for an operator" in page and "waiting for an operator</span>" in page
        assert "Create a publish token" not in page  # no namespace yet, so nothing to publish with

        claim_id = _claim_id(portal, ops, name)
        assert _decide(portal, ops, claim_id, "approve", "checked acme.example").json()["status"] == "approved"
        page = c.get("/publisher").text
        assert "approved</span>" in page and "checked acme.example" in page

        r = c.post("/publisher/token", data={"csrf_token": csrf_from(page)})
        assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
        secret = re.search(r'id="new-token" type="text" readonly value="(rh_[^"]+)"', r.text).group(1)  # type: ignore[union-attr]
        assert secret not in c.get("/publisher").text  # shown once

    pub = type("P", (), {"namespace": name, "api_key": secret})()
    pack = portal.publish(pub, "safety", "1.0.0", tier="free")  # type: ignore[arg-type]
    portal.publish(pub, "safety", "1.1.0", tier="free")  # type: ignore[arg-type]
    consumer = portal.publisher()
    with portal.client() as api:
        token = api.post("/v1/auth/token", json={"api_key": consumer.api_key}).json()["access_token"]
        for version in ("1.0.0", "1.1.0", "1.1.0"):
            got = api.get(f"/v1/packs/{pack}/{version}/download", headers={"Authorization": f"Bearer {token}"})
            assert got.status_code == 200

    with portal.login(email, password) as c:
        page = c.get("/publisher").text
        today = date.today().isoformat()
        rows = re.findall(r'<td data-label="Day">([^<]+)</td><td data-label="Pack" class="wrap">([^<]+)</td>'
                          r'<td data-label="Version" class="wrap">([^<]+)</td><td data-label="Downloads">([^<]+)</td>', page)
        assert sorted(rows) == [(today, pack, "1.0.0", "1"), (today, pack, "1.1.0", "2")]
        confirm = c.get(f"/publisher/{pack}/1.1.0/yank")  # the Yank button leads to a confirmation first
        assert confirm.status_code == 200 and f"Yank {pack} 1.1.0?" in confirm.text
        with portal.login(portal.publisher(password=PASSWORD).email) as stranger:
            assert stranger.get(f"/publisher/{pack}/1.1.0/yank").status_code == 403
            assert stranger.post(f"/publisher/{pack}/1.1.0/yank",
                                 data={"csrf_token": csrf_from(stranger.get("/publisher").text)}).status_code == 403
        r = c.post(f"/publisher/{pack}/1.1.0/yank", data={"csrf_token": csrf_from(confirm.text)})
        assert r.status_code == 303
        with portal.client() as api:
            resolved = api.get(f"/v1/packs/{pack}/resolve", headers={"Authorization": f"Bearer {token}"}).json()
        assert resolved["version"] == "1.0.0"
        r = c.post(f"/publisher/{pack}/1.1.0/unyank", data={"csrf_token": csrf_from(c.get("/publisher").text)})
        assert r.status_code == 303
        with portal.client() as api:
            resolved = api.get(f"/v1/packs/{pack}/resolve", headers={"Authorization": f"Bearer {token}"}).json()
        assert resolved["version"] == "1.1.0"


@pytest.mark.parametrize(("claimed", "status", "message"), [
    ("gocheck", 403, "is reserved"),                         # holds the built-in gocheck/core
    ("core", 403, "is reserved"),
    ("g0check", 403, "reads as 'gocheck'"),                  # digit for letter
    ("go-check", 403, "reads as 'gocheck'"),                 # a dash
    ("g0-che-ck", 403, "reads as 'gocheck'"),
    ("GoCheck", 400, "did you mean 'gocheck'"),              # capitals
    ("gochеck", 400, "lowercase letters a-z"),               # Cyrillic е (U+0435)
    ("ｇｏｃｈｅｃｋ", 400, "lowercase letters a-z"),             # full-width letters
    (" acme", 400, "lowercase letters a-z"),
    ("-acme", 400, "lowercase letters a-z"),
    ("a" * 65, 400, "1-64 lowercase"),
])
def test_reserved_lookalike_and_malformed_names_are_refused(portal: PortalServer, user: tuple[str, str],
                                                            claimed: str, status: int, message: str) -> None:
    with portal.login(*user) as c:
        r = _claim(c, claimed)
        assert r.status_code == status, r.text
        assert message in _field_error(r.text).replace("&#39;", "'")
        assert "Your namespace claims" not in r.text  # nothing was queued


def test_someone_elses_namespace_and_its_lookalikes_are_refused(portal: PortalServer, user: tuple[str, str]) -> None:
    owner = portal.publisher()  # owns a namespace like "pub-1a2b3c4d"
    victim = owner.namespace
    lookalike = victim.replace("-", "").replace("u", "u-", 1)  # "pu-b1a2b3c4d": same skeleton as "pub-1a2b3c4d"
    with portal.login(*user) as c:
        r = _claim(c, victim)
        assert r.status_code == 409 and "is taken" in _field_error(r.text)
        r = _claim(c, lookalike)
        assert r.status_code == 403, r.text
        assert f"looks like the namespace '{victim}' of another publisher" in _field_error(r.text).replace("&#39;", "'")


def test_only_the_owner_claims_and_only_an_admin_decides(portal: PortalServer, user: tuple[str, str]) -> None:
    email, _ = user
    tenant = email.split("@")[0]
    member_email = f"{portal.unique('member')}@example.test"
    with portal.database.write_session() as s:
        tenant_slug = accounts.get_account_by_email(s, email).tenant.slug if hasattr(accounts, "get_account_by_email") \
            else None
    with portal.login(email) as c:
        assert _claim(c, portal.unique("mine")).status_code == 303
    if tenant_slug is not None:
        with portal.database.write_session() as s:
            accounts.create_account(s, member_email, tenant_slug, role="member", password=PASSWORD)
        with portal.login(member_email) as c:
            r = _claim(c, portal.unique("theirs"))
            assert r.status_code == 403 and "only the team's owner" in _field_error(r.text)
    del tenant
    subscriber_key = _operator(portal, scopes=("packs:read", "packs:publish"))
    with portal.client() as c:
        r = c.get("/v1/admin/namespace-claims", headers=subscriber_key)
        assert r.status_code == 403 and r.json()["error"]["code"] == "missing_scope"
        r = c.post("/v1/admin/namespace-claims/1/approve", headers=subscriber_key)
        assert r.status_code == 403 and r.json()["error"]["code"] == "missing_scope"


def test_rival_claims_one_wins_and_decisions_are_final(portal: PortalServer) -> None:
    name = portal.unique("shared")
    first, second = (portal.publisher(password=PASSWORD) for _ in range(2))
    with portal.login(first.email) as c:
        assert _claim(c, name).status_code == 303
        assert _claim(c, name).status_code == 409  # the same tenant twice
    with portal.login(second.email) as c:
        assert _claim(c, name, "No, we are the real one").status_code == 303
    ops = _operator(portal)
    with portal.client() as c:
        queue = [q for q in c.get("/v1/admin/namespace-claims", headers=ops).json() if q["name"] == name]
    assert len(queue) == 2 and all(q["rivals"] == 1 for q in queue)
    winner = next(q for q in queue if q["tenant"] == second.namespace)
    assert _decide(portal, ops, winner["id"], "approve").json()["status"] == "approved"
    loser = next(q for q in queue if q["tenant"] == first.namespace)
    again = _decide(portal, ops, loser["id"], "approve")
    assert again.status_code == 409 and again.json()["error"]["code"] == "claim_decided"
    assert _decide(portal, ops, winner["id"], "reject").status_code == 409
    with portal.login(first.email) as c:
        page = c.get("/publisher").text
        assert "rejected</span>" in page and "went to another publisher" in page.replace("&#39;", "'")
    # and the loser cannot publish there
    with portal.client() as c:
        token = c.post("/v1/auth/token", json={"api_key": first.api_key}).json()["access_token"]
        r = c.put(f"/v1/packs/{name}/x/1.0.0", content=b"x", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "namespace_forbidden"


def test_publish_token_needs_a_namespace(portal: PortalServer, user: tuple[str, str]) -> None:
    with portal.login(*user) as c:
        r = c.post("/publisher/token", data={"csrf_token": csrf_from(c.get("/publisher").text)})
        assert r.status_code == 409 and "claim one first" in _field_error(r.text)
        assert "rh_" not in r.text
