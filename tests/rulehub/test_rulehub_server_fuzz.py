"""Property-based fuzz of the running API from its own OpenAPI schema: no input may cause a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.rulehub.conftest import HubServer

EXAMPLES_PER_OPERATION = 30


@pytest.mark.slow
def test_no_server_errors(hub: HubServer) -> None:
    publisher = hub.subscriber(plan="enterprise")
    name = f"{publisher.namespace}/fuzzed"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0")).status_code == 201
    schema = schemathesis.openapi.from_url(f"{hub.base_url}/openapi.json")
    headers = publisher.headers
    failures: list[str] = []
    unauthorized: list[str] = []
    operations = 0
    # /v1/auth/revoke revokes the very token the fuzz uses, so it goes last.
    ordered = sorted((r.ok() for r in schema.get_all_operations()), key=lambda op: op.path == "/v1/auth/revoke")
    for operation in ordered:
        operations += 1

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=hub.base_url, headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query!r} -> "
                                f"{response.status_code} {response.text[:200]}")
            elif response.status_code == 401 and case.path != "/v1/auth/token":
                unauthorized.append(f"{case.method} {case.formatted_path} {response.request.headers.get('authorization', '')[:30]} {response.text[:120]}")
            elif response.status_code >= 400:
                assert "error" in response.json(), (case.method, case.formatted_path, response.text[:200])

        run()
    assert operations >= 15
    assert not failures, "\n".join(failures[:10])
    # The fuzz is only worth something if it gets past authentication.
    import collections

    by_path = collections.Counter(u.split(" {")[0] for u in unauthorized)
    assert len(unauthorized) < operations * EXAMPLES_PER_OPERATION / 4, (by_path.most_common(8), unauthorized[:3])
