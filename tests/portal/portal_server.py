"""Server handle and helpers for the portal tests.

Imported by this module's own name, never as `conftest`: several test folders have a
conftest.py and only the last one pytest loaded answers to that name.  The fixtures that
start servers are in conftest.py beside this file.
"""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from rulehub.pack import build_artifact_bytes
from rulehub.server import db as dbmod
from rulehub.server.services import accounts
from rulehub.server.settings import Settings
from tests.support.environment import CHROMIUM as CHROMIUM  # re-exported: the browser tests import it from here

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "portal"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"

RULE_DOCS = """# What it does

Reports an HTTP response whose `Body` is never closed.

## Why is this bad?

An unclosed body leaks the connection <script>alert("xss")</script> until the GC runs.

## Example

```go
resp, err := http.Get(url)
if err != nil {
    return err
}
data, _ := io.ReadAll(resp.Body)
```

## Use instead

```go
defer resp.Body.Close()
```
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "page has no csrf_token field"
    return match.group(1)


def form_error(html: str) -> str:
    """The page's form-level error message ("" if it shows none)."""
    match = re.search(r'<p class="form-error"[^>]*>(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


@dataclass
class Publisher:
    namespace: str
    api_key: str
    email: str


@dataclass
class PortalServer:
    base_url: str
    settings: Settings
    database: dbmod.Database
    tmp: Path
    log: Path
    _packs: dict[str, str] = field(default_factory=dict)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, follow_redirects=False, **kw)  # type: ignore[arg-type]

    @contextmanager
    def login(self, email: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """A client signed in through the login form."""
        with self.client() as c:
            r = c.post("/login", data={"csrf_token": csrf_from(c.get("/login").text), "email": email,
                                       "password": password})
            assert r.status_code == 303, r.text
            yield c

    def sign_up(self, prefix: str = "user") -> tuple[httpx.Client, str]:
        """A new account signed up through the form: (its signed-in client, its email); close the client."""
        email = f"{self.unique(prefix)}@example.test"
        c = self.client()
        r = c.post("/signup", data={"csrf_token": csrf_from(c.get("/signup").text), "email": email,
                                    "password": PASSWORD})
        assert r.status_code == 303, r.text
        return c, email

    def publisher(self, *, password: str | None = None) -> Publisher:
        """A tenant with a namespace, an owner account and a publish key (made with the service functions)."""
        slug = self.unique("pub")
        email = f"{slug}@example.test"
        with self.database.write_session() as s:
            accounts.create_tenant(s, slug, f"Publisher {slug}")
            account = accounts.create_account(s, email, slug, role="owner", password=password)
            accounts.grant_plan(s, slug, "enterprise")
            accounts.create_namespace(s, slug, slug)
            key = accounts.create_api_key(s, account, scopes=["packs:read", "packs:publish"], name="publish")
        return Publisher(slug, key.secret, email)

    def artifact(self, name: str, version: str, *, tier: str, tags: tuple[str, ...], go: str | None = None,
                 docs: str = RULE_DOCS) -> bytes:
        root = self.tmp / uuid.uuid4().hex
        root.mkdir(parents=True)
        manifest = ["[pack]", f'name = "{name}"', f'version = "{version}"',
                    f'description = "{tier} checks for {name.split("/")[1]}"', 'license = "MIT"', f'tier = "{tier}"',
                    'engine = ">=0.1.0, <1.0.0"', f"tags = {json.dumps(list(tags))}"]
        if go:
            manifest.append(f'go = "{go}"')
        (root / "pack.toml").write_text("\n".join(manifest) + "\n")
        rules = [{"name": f"{name}/bodyclose", "summary": "HTTP response bodies must be closed",
                  "severity": "warning", "tags": list(tags), "docs": docs}]
        (root / "rules.json").write_text(json.dumps({"rules": rules}))
        (root / "bodyclose.py").write_text('"""Close bodies."""\n')
        return build_artifact_bytes(root)

    def publish(self, pub: Publisher, short: str, version: str, *, tier: str, tags: tuple[str, ...] = ("http",),
                go: str | None = None, private: bool = False) -> str:
        """Publish through the API (token exchange + PUT), as a publisher's CI would; `private`
        makes a new pack visible to the publisher's own tenant only."""
        name = f"{pub.namespace}/{short}"
        with self.client() as c:
            token = c.post("/v1/auth/token", json={"api_key": pub.api_key}).json()["access_token"]
            r = c.put(f"/v1/packs/{name}/{version}", content=self.artifact(name, version, tier=tier, tags=tags, go=go),
                      headers={"Authorization": f"Bearer {token}"}, params={"private": "true"} if private else None)
        assert r.status_code == 201, r.text
        return name




