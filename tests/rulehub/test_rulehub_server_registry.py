"""The registry through a real server: publish, immutability, resolve, yank, catalogue, download, usage."""

from __future__ import annotations

import concurrent.futures
import hashlib
from datetime import timedelta

import httpx
import pytest

from tests.rulehub.conftest import MAX_UPLOAD, HubServer, Subscriber, tar_bytes
from rulehub.server.models import utcnow
from rulehub.server.services import accounts


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]


def test_publish_then_detail_and_download(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/http-safety"
    data = hub.artifact(name, "1.4.0", go=">=1.18", tags=("http", "security"))
    r = publisher.publish(name, "1.4.0", data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["target_path"] == f"{name}/http-safety-1.4.0.tar.gz"
    assert body["size"] == len(data)

    detail = publisher.get(f"/v1/packs/{name}").json()
    assert detail["name"] == name and detail["latest_version"] == "1.4.0"
    (v,) = detail["versions"]
    assert v["version"] == "1.4.0" and v["yanked"] is False and v["size"] == len(data)
    assert v["rules"][0]["name"] == "bodyclose"
    assert "What it does" in v["rules"][0]["docs"]

    dl = publisher.get(f"/v1/packs/{name}/1.4.0/download")
    assert dl.status_code == 200 and dl.content == data
    import hashlib

    assert hashlib.sha256(dl.content).hexdigest() == body["sha256"] == v["sha256"]


def test_immutable_even_with_same_bytes(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/imm"
    data = hub.artifact(name, "1.0.0")
    assert publisher.publish(name, "1.0.0", data).status_code == 201
    _error(publisher.publish(name, "1.0.0", data), 409, "version_exists")
    _error(publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", tags=("other",))), 409, "version_exists")


def test_parallel_publish_exactly_one_wins(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/race"
    token = publisher.token
    for attempt in range(3):  # several rounds: a race that only sometimes fails still fails here
        version = f"2.0.{attempt}"
        blobs = [hub.artifact(name, version), hub.artifact(name, version, tags=("b",))]

        def put(blob: bytes, version: str = version) -> int:
            with httpx.Client(base_url=hub.base_url, timeout=30) as c:
                return c.put(f"/v1/packs/{name}/{version}", content=blob,
                             headers={"Authorization": f"Bearer {token}"}).status_code

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            codes = sorted(pool.map(put, blobs))
        assert codes == [201, 409], codes
    versions = [v["version"] for v in publisher.get(f"/v1/packs/{name}").json()["versions"]]
    assert sorted(versions) == ["2.0.0", "2.0.1", "2.0.2"]


def test_publish_into_another_namespace_is_forbidden(hub: HubServer, publisher: Subscriber) -> None:
    other = hub.subscriber()
    name = f"{other.namespace}/stolen"
    _error(publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")), 403, "namespace_forbidden")
    _error(publisher.publish("nobody-owns-this/x", "1.0.0", hub.artifact("nobody-owns-this/x", "1.0.0")),
           403, "namespace_forbidden")


def test_publish_needs_publish_scope(hub: HubServer) -> None:
    reader = hub.subscriber(scopes=("packs:read",))
    name = f"{reader.namespace}/p"
    _error(reader.publish(name, "1.0.0", hub.artifact(name, "1.0.0")), 403, "missing_scope")


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "banana"])
def test_malformed_semver(hub: HubServer, publisher: Subscriber, version: str) -> None:
    name = f"{publisher.namespace}/semver"
    _error(publisher.publish(name, version, hub.artifact(name, "1.0.0")), 400, "invalid_version")


def test_bad_uploads(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/bad"
    good = hub.artifact(name, "1.0.0")
    _error(publisher.publish(name, "1.0.1", good), 400, "manifest_mismatch")
    _error(publisher.publish(f"{publisher.namespace}/other", "1.0.0", good), 400, "manifest_mismatch")
    _error(publisher.publish(name, "1.0.0", good[: len(good) // 2]), 400, "truncated_artifact")
    _error(publisher.publish(name, "1.0.0", b"\x1f\x8b garbage"), 400, "truncated_artifact")
    _error(publisher.publish(name, "1.0.0", b""), 400, "empty_artifact")
    _error(publisher.publish(name, "1.0.0", b"x" * (MAX_UPLOAD + 1)), 413, "artifact_too_large")
    _error(publisher.publish(name, "1.0.0", tar_bytes({"rules.json": b"[]"})), 400, "missing_manifest")
    _error(publisher.publish(name, "1.0.0", tar_bytes({"../pack.toml": b"x"})), 400, "unsafe_member")
    _error(publisher.publish(name, "1.0.0", tar_bytes({"pack.toml": b"[pack]\nname = 1"})), 400, "invalid_manifest")
    bad_index = hub.artifact(name, "1.0.0", rules=[{"summary": "no name"}])
    _error(publisher.publish(name, "1.0.0", bad_index), 400, "invalid_rules_index")
    # Nothing of the above created the pack.
    _error(publisher.get(f"/v1/packs/{name}"), 404, "pack_not_found")


def test_unknown_pack_and_version(hub: HubServer, publisher: Subscriber) -> None:
    _error(publisher.get("/v1/packs/nope/nothing"), 404, "pack_not_found")
    _error(publisher.get("/v1/packs/nope/nothing/resolve", params={"range": "^1"}), 404, "pack_not_found")
    _error(publisher.get("/v1/packs/nope/nothing/1.0.0/download"), 404, "pack_not_found")
    _error(publisher.get("/v1/packs/NOPE/x"), 400, "invalid_name")
    name = f"{publisher.namespace}/known"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")).status_code == 201
    _error(publisher.get(f"/v1/packs/{name}/9.9.9/download"), 404, "version_not_found")


def test_resolve_ranges_prerelease_yank_and_constraints(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/res"
    specs = {
        "1.3.0": {},
        "1.4.0": {"go": ">=1.18"},
        "1.5.0": {"go": ">=1.22"},
        "1.6.0": {"engine": ">=0.2.0, <1.0.0"},
        "1.7.0-rc.1": {},
        "2.0.0": {},
    }
    for version, kw in specs.items():
        assert publisher.publish(name, version, hub.artifact(name, version, **kw)).status_code == 201

    def resolve(**params) -> httpx.Response:
        return publisher.get(f"/v1/packs/{name}/resolve", params=params)

    assert resolve(range="^1.4").json()["version"] == "1.6.0"
    assert resolve(range="^1.4", prerelease="true").json()["version"] == "1.7.0-rc.1"
    assert resolve(range="~1.4.0").json()["version"] == "1.4.0"
    assert resolve(range="1.3.x").json()["version"] == "1.3.0"
    assert resolve().json()["version"] == "2.0.0"
    assert resolve(range="^1.4", engine="0.1.0").json()["version"] == "1.5.0"
    assert resolve(range="^1.4", engine="0.1.0", go="1.21").json()["version"] == "1.4.0"
    assert resolve(range=">=1.4.0, <1.5.0", go="1.17").status_code == 404
    r = resolve(range="^1.4")
    assert r.json()["download_url"].endswith(f"/v1/packs/{name}/1.6.0/download")
    assert r.json()["target_path"] == f"{name}/res-1.6.0.tar.gz"

    _error(resolve(range=">=banana"), 400, "invalid_range")
    _error(resolve(range="^1.4", go="latest"), 400, "invalid_version")
    _error(resolve(range="^3"), 404, "no_matching_version")

    # Yanked: never resolves, still downloads, can be unyanked.
    y = publisher.post(f"/v1/packs/{name}/1.6.0/yank")
    assert y.status_code == 200 and y.json()["yanked"] is True
    assert resolve(range="^1.4").json()["version"] == "1.5.0"
    assert resolve(range="1.6.0").status_code == 404
    assert publisher.get(f"/v1/packs/{name}/1.6.0/download").status_code == 200
    detail = publisher.get(f"/v1/packs/{name}").json()
    assert {v["version"]: v["yanked"] for v in detail["versions"]}["1.6.0"] is True
    assert publisher.post(f"/v1/packs/{name}/1.6.0/unyank").json()["yanked"] is False
    assert resolve(range="^1.4").json()["version"] == "1.6.0"

    other = hub.subscriber()
    _error(other.post(f"/v1/packs/{name}/1.6.0/yank"), 403, "namespace_forbidden")


def test_catalogue_search(hub: HubServer, publisher: Subscriber) -> None:
    ns = publisher.namespace
    a, b = f"{ns}/alpha", f"{ns}/beta"
    assert publisher.publish(a, "1.0.0", hub.artifact(a, "1.0.0", tags=("http", "security"), go=">=1.21",
                             rules=[{"name": "nilcheck-deep", "summary": "s"}])).status_code == 201
    assert publisher.publish(b, "0.1.0", hub.artifact(b, "0.1.0", tags=("sql",))).status_code == 201

    def names(**params) -> set[str]:
        r = publisher.get("/v1/packs", params=params)
        assert r.status_code == 200, r.text
        return {p["name"] for p in r.json()["packs"]}

    assert {a, b} <= names(q=ns)
    assert names(q=ns, tag="security") == {a}
    assert names(q=ns, tag="sql") == {b}
    assert names(rule="nilcheck-deep") == {a}
    assert names(q=ns, go="1.20") == {b}
    assert names(q=ns, go="1.22") == {a, b}
    listing = {p["name"]: p for p in publisher.get("/v1/packs", params={"q": ns}).json()["packs"]}
    assert listing[a]["latest_version"] == "1.0.0" and listing[a]["tags"] == ["http", "security"]
    _error(publisher.get("/v1/packs", params={"go": "one.two"}), 400, "invalid_version")


def test_private_pack_is_invisible_to_other_tenants(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/secret"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", tier="enterprise"),
                             private="true").status_code == 201
    # The owner sees and downloads it even though its pro plan does not cover enterprise.
    assert publisher.get(f"/v1/packs/{name}").status_code == 200
    assert publisher.get(f"/v1/packs/{name}/1.0.0/download").status_code == 200
    other = hub.subscriber(plan="enterprise")
    _error(other.get(f"/v1/packs/{name}"), 404, "pack_not_found")
    _error(other.get(f"/v1/packs/{name}/resolve"), 404, "pack_not_found")
    _error(other.get(f"/v1/packs/{name}/1.0.0/download"), 404, "pack_not_found")
    _error(other.get(f"/v1/artifacts/{name}/secret-1.0.0.tar.gz"), 404, "target_not_found")
    assert name not in {p["name"] for p in other.get("/v1/packs", params={"q": "secret"}).json()["packs"]}
    assert name not in {p["name"] for p in hub.client.get("/v1/packs", params={"q": "secret"}).json()["packs"]}


def test_private_pack_is_not_named_in_the_public_tuf_metadata(hub: HubServer, publisher: Subscriber) -> None:
    """targets.json is served to anyone; a private pack appears there only under an opaque
    path, which its own tenant learns from resolve and downloads through."""
    name = f"{publisher.namespace}/hidden-{hub.unique('p')}"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0"), private="true").status_code == 201
    assert publisher.post(f"/v1/packs/{name}/1.0.0/yank").status_code == 200  # re-signs the target
    assert publisher.post(f"/v1/packs/{name}/1.0.0/unyank").status_code == 200
    targets = hub.client.get("/tuf/targets.json")
    assert targets.status_code == 200
    assert name.encode() not in targets.content and name.split("/")[1].encode() not in targets.content
    resolved = publisher.get(f"/v1/packs/{name}/resolve").json()
    path = resolved["target_path"]
    assert path.startswith("private/") and name.split("/")[1] not in path
    listed = targets.json()["signed"]["targets"][path]
    assert listed["hashes"]["sha256"] == resolved["sha256"] and listed["custom"] == {"yanked": False}
    download = publisher.get(f"/v1/artifacts/{path}")
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == resolved["sha256"]
    assert f'{name.split("/")[1]}-1.0.0.tar.gz' in download.headers["content-disposition"]
    _error(hub.subscriber(plan="enterprise").get(f"/v1/artifacts/{path}"), 404, "target_not_found")


def test_entitlements(hub: HubServer, publisher: Subscriber) -> None:
    free_name, pro_name = f"{publisher.namespace}/free-pack", f"{publisher.namespace}/pro-pack"
    assert publisher.publish(free_name, "1.0.0", hub.artifact(free_name, "1.0.0")).status_code == 201
    assert publisher.publish(pro_name, "1.0.0", hub.artifact(pro_name, "1.0.0", tier="pro")).status_code == 201
    now = utcnow()
    free = hub.subscriber(plan="free", namespace=False)
    assert free.get(f"/v1/packs/{free_name}/1.0.0/download").status_code == 200
    _error(free.get(f"/v1/packs/{pro_name}/1.0.0/download"), 403, "plan_does_not_cover_tier")

    trialing = hub.subscriber(plan="pro", status="trialing", namespace=False)
    assert trialing.get(f"/v1/packs/{pro_name}/1.0.0/download").status_code == 200
    in_grace = hub.subscriber(plan="pro", status="past_due", period_end=now - timedelta(days=2), namespace=False)
    assert in_grace.get(f"/v1/packs/{pro_name}/1.0.0/download").status_code == 200
    lapsed = hub.subscriber(plan="pro", status="past_due", period_end=now - timedelta(days=30), namespace=False)
    _error(lapsed.get(f"/v1/packs/{pro_name}/1.0.0/download"), 403, "subscription_inactive")
    canceled = hub.subscriber(plan="pro", status="canceled", namespace=False)
    _error(canceled.get(f"/v1/packs/{free_name}/1.0.0/download"), 403, "subscription_inactive")
    none = hub.subscriber(namespace=False, subscribe=False)
    _error(none.get(f"/v1/packs/{free_name}/1.0.0/download"), 403, "no_subscription")

    # A subscription that lapses after the token was issued stops downloads at once.
    sub = hub.subscriber(plan="pro", namespace=False)
    assert sub.get(f"/v1/packs/{pro_name}/1.0.0/download").status_code == 200
    with hub.database.write_session() as s:
        accounts.grant_plan(s, sub.tenant, "pro", status="past_due", period_end=now - timedelta(days=60))
    _error(sub.get(f"/v1/packs/{pro_name}/1.0.0/download"), 403, "subscription_inactive")


def test_download_records_usage(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/used"
    data = hub.artifact(name, "1.0.0")
    assert publisher.publish(name, "1.0.0", data).status_code == 201
    consumer = hub.subscriber(namespace=False)
    before = utcnow()
    for _ in range(3):
        assert consumer.get(f"/v1/packs/{name}/1.0.0/download").status_code == 200
    usage = consumer.get("/v1/usage").json()
    assert usage["tenant"] == consumer.tenant
    assert usage["downloads"] == 3 and usage["bytes"] == 3 * len(data)
    (row,) = usage["packs"]
    assert (row["name"], row["version"], row["downloads"]) == (name, "1.0.0", 3)
    assert sum(d["downloads"] for d in usage["daily"]) == 3
    # Usage is per tenant: the publisher's own summary does not include the consumer's downloads.
    assert publisher.get("/v1/usage").json()["downloads"] == 0
    from sqlalchemy import select

    from rulehub.server.models import Account, Download

    with hub.database.session() as s:
        rows = s.scalars(select(Download).where(Download.pack_name == name)).all()
        account = s.scalars(select(Account).where(Account.email == consumer.email)).one()
    assert len(rows) == 3
    assert {r.account_id for r in rows} == {account.id}
    assert all(r.at >= before - timedelta(seconds=5) and r.bytes == len(data) for r in rows)


def test_rate_limit_answers_429_with_retry_after(hub: HubServer) -> None:
    plan = hub.unique("tiny")
    with hub.database.write_session() as s:
        accounts.create_plan(s, plan, tiers=["free"], rate_limit_per_minute=3, seats=1)
    sub = hub.subscriber(plan=plan, namespace=False)
    codes = [sub.get("/v1/usage") for _ in range(6)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    limited = codes[-1]
    _error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1


def test_oversized_fields_are_4xx_on_every_database(hub: HubServer, publisher: Subscriber) -> None:
    """Column limits (enforced by PostgreSQL, not SQLite) must surface as 400s, never as a 500."""
    name = f"{publisher.namespace}/long"
    long_version = "1.0.0-" + "a" * 130
    _error(publisher.publish(name, long_version, hub.artifact(name, "1.0.0")), 400, "invalid_version")
    good = hub.artifact(name, "1.0.0")
    def with_manifest(text: str) -> bytes:
        return tar_bytes({"pack.toml": text.encode()})

    base = f'[pack]\nname = "{name}"\nversion = "1.0.0"\ndescription = "d"\nlicense = "MIT"\ntier = "free"\nengine = "*"\n'
    _error(publisher.publish(name, "1.0.0", with_manifest(base.replace('"MIT"', '"' + "M" * 300 + '"'))),
           400, "invalid_manifest")
    _error(publisher.publish(name, "1.0.0", with_manifest(base.replace('engine = "*"', 'engine = "' + ">=1.0.0 " * 40 + '"'))),
           400, "invalid_manifest")
    _error(publisher.publish(name, "1.0.0", with_manifest(base + "tags = [" + ", ".join(['"t"'] * 30) + "]\n")),
           400, "invalid_manifest")
    rules = [{"name": "r", "tags": ["x" * 100] * 20}]
    _error(publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", rules=rules)), 400, "invalid_rules_index")
    assert publisher.publish(name, "1.0.0", good).status_code == 201
