"""The hub's rule index: rule IDs, tier and Go range are signed in each public version's TUF
target, and `GET /v1/rules` answers with Go-version and tier applicability for the caller."""

from __future__ import annotations

from tuf.api.metadata import Metadata, Root, Targets

from tests.rulehub.conftest import HubServer, Subscriber

RULES = [
    {"name": "insecure-tls", "summary": "TLS without certificate checks", "severity": "error", "tags": ["tls"], "docs": "## TLS"},
    {"name": "bodyclose", "summary": "close response bodies", "severity": "warning", "tags": ["http"], "docs": "## Bodies"},
]


def _targets(hub: HubServer) -> dict:
    md = Metadata[Targets].from_bytes(hub.client.get("/tuf/targets.json").content)
    root = Metadata[Root].from_bytes(hub.client.get("/tuf/root.json").content)
    root.verify_delegate("targets", md)
    return md.signed.targets


def test_rule_ids_tier_and_go_range_are_signed_per_version(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/idx"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", go=">=1.20", rules=RULES)).status_code == 201
    assert publisher.publish(name, "2.0.0", hub.artifact(name, "2.0.0", tier="pro", go=">=1.23", rules=RULES[1:])).status_code == 201
    targets = _targets(hub)
    one = targets[f"{name}/idx-1.0.0.tar.gz"].custom
    two = targets[f"{name}/idx-2.0.0.tar.gz"].custom
    assert one == {"pack": name, "version": "1.0.0", "tier": "free", "yanked": False, "go": ">=1.20",
                   "rules": [f"{name}/bodyclose", f"{name}/insecure-tls"]}
    assert two["rules"] == [f"{name}/bodyclose"] and two["tier"] == "pro" and two["go"] == ">=1.23"
    # A yank re-signs the target and keeps its rule index.
    assert publisher.post(f"/v1/packs/{name}/1.0.0/yank").status_code == 200
    assert _targets(hub)[f"{name}/idx-1.0.0.tar.gz"].custom["rules"] == one["rules"]


def test_private_packs_are_not_in_the_signed_or_the_queried_index(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/secret"
    r = publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", rules=RULES), private="true")
    assert r.status_code == 201, r.text
    custom = _targets(hub)[r.json()["target_path"]].custom
    assert custom == {"yanked": False}
    assert publisher.get("/v1/rules", params={"q": "secret"}).json()["rules"] == []


def test_query_answers_go_and_tier_applicability(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/apply"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", go=">=1.20", rules=RULES)).status_code == 201
    assert publisher.publish(name, "1.1.0", hub.artifact(name, "1.1.0", tier="pro", go=">=1.23", rules=RULES)).status_code == 201
    free = hub.subscriber(plan="free")
    rid = f"{name}/insecure-tls"
    doc = free.get("/v1/rules", params={"rule": rid, "go": "1.22"}).json()
    assert doc["plan_tiers"] == ["free"]
    [entry] = doc["rules"]
    assert entry["id"] == rid and entry["pack"] == name and entry["summary"] == "TLS without certificate checks"
    assert [(v["version"], v["tier"], v["go"], v["go_ok"], v["tier_ok"]) for v in entry["versions"]] == [
        ("1.1.0", "pro", ">=1.23", False, False),
        ("1.0.0", "free", ">=1.20", True, True),
    ]
    # No version admits Go 1.19: the rule is filtered out; anonymous callers get no plan facts.
    assert hub.client.get("/v1/rules", params={"rule": rid, "go": "1.19"}).json() == {"plan_tiers": None, "rules": []}
    anon = hub.client.get("/v1/rules", params={"q": "certificate", "tag": "tls"}).json()
    assert [e["id"] for e in anon["rules"]] == [rid] and anon["rules"][0]["versions"][0]["tier_ok"] is None
    assert hub.client.get("/v1/rules", params={"go": "not-a-version"}).status_code == 400
