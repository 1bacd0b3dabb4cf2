"""The API's OpenAPI schema is typed (issue 14 item 3): every JSON answer names its fields,
and what the running hub (SQLite and PostgreSQL) answers conforms to that schema."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.rulehub.conftest import HubServer, Subscriber


def _response_schema(doc: dict[str, Any], path: str, method: str, status: str = "200") -> dict[str, Any]:
    schema = doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return {**schema, "components": doc["components"]}


def _component(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def test_openapi_schema_names_every_field(hub: HubServer) -> None:
    doc = hub.client.get("/openapi.json").json()
    detail = _component(doc, "PackDetail")
    assert detail["properties"]["versions"]["items"]["$ref"] == "#/components/schemas/VersionInfo"
    version = _component(doc, "VersionInfo")
    assert {"version", "sha256", "size", "yanked", "published_at", "target_path", "rules"} <= set(version["properties"])
    assert version["properties"]["rules"]["items"]["$ref"] == "#/components/schemas/RuleInfo"
    assert _component(doc, "CatalogueResponse")["properties"]["packs"]["items"]["$ref"] == "#/components/schemas/PackSummary"
    usage = _component(doc, "UsageSummary")
    assert usage["properties"]["packs"]["items"]["$ref"] == "#/components/schemas/VersionUsage"
    assert usage["properties"]["daily"]["items"]["$ref"] == "#/components/schemas/DayUsage"
    assert _component(doc, "ErrorBody")["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail"
    untyped = [f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method, op in ops.items()
               if (body := (op["responses"].get("200") or op["responses"].get("201") or {}).get("content", {})
                   .get("application/json")) is not None and not body.get("schema")
               and not path.startswith("/tuf/")]  # TUF metadata: the TUF specification's documents
    assert untyped == []


def test_answers_conform_to_the_schema(hub: HubServer, publisher: Subscriber) -> None:
    doc = hub.client.get("/openapi.json").json()
    name = f"{publisher.namespace}/typed"
    published = publisher.publish(name, "1.2.0", hub.artifact(name, "1.2.0"))
    assert publisher.get(f"/v1/packs/{name}/1.2.0/download").status_code == 200
    answers = [
        (published, "/v1/packs/{ns}/{name}/{version}", "put", "201"),
        (publisher.get(f"/v1/packs/{name}"), "/v1/packs/{ns}/{name}", "get", "200"),
        (publisher.get("/v1/packs", params={"q": "typed"}), "/v1/packs", "get", "200"),
        (publisher.get("/v1/usage"), "/v1/usage", "get", "200"),
        (hub.client.get("/healthz"), "/healthz", "get", "200"),
        (hub.client.get("/.well-known/jwks.json"), "/.well-known/jwks.json", "get", "200"),
        # Errors are typed too: {"error": {"code", "message"}}.
        (publisher.publish(name, "1.2.0", hub.artifact(name, "1.2.0")), "/v1/packs/{ns}/{name}/{version}", "put", "409"),
        (publisher.get(f"/v1/packs/{name}-missing"), "/v1/packs/{ns}/{name}", "get", "404"),
        (publisher.get("/v1/rules", params={"q": "typed", "go": "1.22"}), "/v1/rules", "get", "200"),
        (hub.client.get("/v1/rules", params={"q": "typed"}), "/v1/rules", "get", "200"),
    ]
    for response, path, method, status in answers:
        assert response.status_code == int(status), response.text
        Draft202012Validator(_response_schema(doc, path, method, status)).validate(response.json())
    detail = answers[1][0].json()
    assert detail["versions"][0]["rules"][0]["name"] == "bodyclose"
    assert answers[3][0].json()["packs"][0]["name"] == name
