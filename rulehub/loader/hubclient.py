"""The hub's HTTP API as the loader and `gocheck pack publish` use it (docs/pack-protocol.md).

Only JSON endpoints live here; TUF metadata and artifact downloads go through
`rulehub.loader.tufclient`, which verifies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from typing import Any

import httpx

from rulehub.loader.credentials import HubCredential, credential_for
from rulehub.loader.errors import HubError, NotLoggedInError
from rulehub.loader.userdirs import check_transport, normalize_hub_url

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class Resolution:
    name: str
    version: str
    sha256: str
    size: int
    target_path: str


def _error_text(resp: httpx.Response) -> tuple[str, str | None]:
    try:
        err = resp.json().get("error", {})
        return str(err.get("message") or resp.reason_phrase), err.get("code")
    except (ValueError, AttributeError):
        return resp.text[:200] or resp.reason_phrase, None


# What the hub's refusal codes mean for the user, and what to do next ({hub}: the hub's URL).
REFUSAL_ADVICE = {
    "no_subscription": "your organisation has no subscription on this hub: choose a plan at {hub}/dashboard, then run the command again",
    "subscription_inactive": "your organisation's subscription is not active (expired, canceled or a failed payment): renew it or update billing at {hub}/dashboard",
    "plan_does_not_cover_tier": "your plan does not include this pack's tier: upgrade the plan at {hub}/dashboard, or remove the pack from [packs] in .gocheck.toml",
    "seats_exhausted": "every seat of your organisation's plan is taken: free a seat or move to a larger plan at {hub}/dashboard",
    "missing_scope": "the API key lacks the scope this needs: create a key with it at {hub}/keys and run `gocheck login --hub {hub}` again",
    "token_revoked": "the API key was revoked: create a new one at {hub}/keys and run `gocheck login --hub {hub}` again",
    "token_expired": "the access token expired: run the command again (it fetches a new one); if that fails, run `gocheck login --hub {hub}`",
    "invalid_token": "the hub did not accept the credentials: run `gocheck login --hub {hub}` again, or check GOCHECK_API_KEY in CI",
    "invalid_api_key": "the API key is unknown to the hub (mistyped or deleted): create one at {hub}/keys and run `gocheck login --hub {hub}`",
    "account_disabled": "your account on this hub is disabled: ask your organisation's owner or the hub's operators",
    "namespace_forbidden": "this key's organisation does not own that namespace: publish under your own namespace",
    "not_owner": "only the pack's owning organisation can do this",
    "version_exists": "that version is already published and versions are immutable: bump pack.version in pack.toml and build again",
    "pack_not_found": "no such pack on this hub, or it is private to another organisation: check the name with `gocheck packs search`",
    "version_not_found": "the pack has no such version on this hub",
}


def refusal_text(hub_url: str, code: str | None, message: str) -> str:
    """The hub's message, with the advice for its refusal code when gocheck knows it."""
    advice = REFUSAL_ADVICE.get(code or "")
    return f"{message}. {advice.format(hub=hub_url)}" if advice else message


def refusal_of(resp: httpx.Response) -> tuple[str, str | None]:
    """(message, code) of an error answer of the hub (the body is read if streamed)."""
    resp.read()
    return _error_text(resp)


class HubClient:
    """One hub. The access JWT is fetched lazily, once per process, from the API key.
    Only https hubs (plain http to loopback) are accepted: `InsecureHubError` otherwise."""

    def __init__(self, url: str, credential: HubCredential | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        self.url = normalize_hub_url(url)
        check_transport(self.url)
        self._credential = credential
        self._token: str | None = None
        self.http = httpx.Client(base_url=self.url, timeout=TIMEOUT, transport=transport, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "HubClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise HubError(f"cannot reach the hub at {self.url} ({type(exc).__name__}: {exc}); check [hub] url and your network") from None

    @property
    def credential(self) -> HubCredential:
        if self._credential is None:
            self._credential = credential_for(self.url)
        return self._credential

    def access_token(self) -> str:
        if self._token:
            return self._token
        cred = self.credential
        if cred.access_token:
            self._token = cred.access_token
            return self._token
        if not cred.api_key:
            raise NotLoggedInError(
                f"no API key for {self.url}: run `gocheck login --hub {self.url}`, or set GOCHECK_API_KEY (or GOCHECK_HUB_TOKEN) in CI"
            )
        self._token = self.exchange_api_key(cred.api_key)
        return self._token

    def exchange_api_key(self, api_key: str) -> str:
        resp = self._request("POST", "/v1/auth/token", json={"api_key": api_key})
        if resp.status_code == 401:
            raise NotLoggedInError(
                f"the hub at {self.url} rejected the API key (401): it may be revoked or mistyped; create a new one in the portal and run `gocheck login --hub {self.url}` again",
                status=401,
            )
        self._raise_for(resp, "exchanging the API key for an access token")
        token = resp.json().get("access_token")
        if not isinstance(token, str) or not token:
            raise HubError(f"the hub at {self.url} returned no access_token")
        return token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def _raise_for(self, resp: httpx.Response, doing: str) -> None:
        if resp.status_code < 400:
            return
        message, code = _error_text(resp)
        raise HubError(f"hub {self.url}: {doing} failed ({resp.status_code}{', ' + code if code else ''}): {refusal_text(self.url, code, message)}", status=resp.status_code, code=code)

    def resolve(self, name: str, range_text: str, *, go: str | None, engine: str, prerelease: bool = False) -> Resolution:
        ns, short = name.split("/", 1)
        params = {"range": range_text, "engine": engine, "prerelease": str(prerelease).lower()}
        if go:
            params["go"] = go
        resp = self._request("GET", f"/v1/packs/{quote(ns)}/{quote(short)}/resolve", params=params, headers=self.auth_headers())
        if resp.status_code == 404:
            message, _ = _error_text(resp)
            raise HubError(f"pack {name}: no version matches {range_text!r} on {self.url} ({message})", status=404)
        self._raise_for(resp, f"resolving {name} {range_text}")
        doc = resp.json()
        try:
            return Resolution(doc["name"], doc["version"], doc["sha256"].lower(), int(doc["size"]), doc["target_path"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise HubError(f"hub {self.url}: resolve answer for {name} lacks name/version/sha256/size/target_path") from None

    def publish(self, name: str, version: str, artifact: bytes, *, private: bool = False) -> dict[str, Any]:
        """PUT the artifact. `private` makes a new pack visible to the publisher's tenant only
        (the hub decides privacy at the first version and ignores it afterwards)."""
        ns, short = name.split("/", 1)
        resp = self._request(
            "PUT",
            f"/v1/packs/{quote(ns)}/{quote(short)}/{quote(version)}",
            params={"private": "true"} if private else None,
            content=artifact,
            headers={**self.auth_headers(), "Content-Type": "application/gzip"},
        )
        if resp.status_code in (200, 201):
            return resp.json() if resp.content else {}
        message, code = _error_text(resp)
        hints = {
            401: "the token is missing, expired or invalid: run `gocheck login` again or check GOCHECK_API_KEY",
            403: f"this key may not publish into namespace {ns!r}: publishing needs the packs:publish scope and ownership of the namespace",
            409: f"{name} {version} is already published and versions are immutable: bump pack.version in pack.toml and build again",
        }
        hint = REFUSAL_ADVICE[code].format(hub=self.url) if code in REFUSAL_ADVICE else hints.get(resp.status_code, message)
        raise HubError(f"publishing {name} {version} to {self.url} failed ({resp.status_code}): {hint} [{code or 'error'}: {message}]", status=resp.status_code, code=code)

    def search(self, text: str) -> list[dict[str, Any]]:
        """Packs whose name or description contains `text`, as this key may see them
        (anonymous when not logged in: public packs only)."""
        headers = self.auth_headers() if (self.credential.api_key or self.credential.access_token) else {}
        resp = self._request("GET", "/v1/packs", params={"q": text}, headers=headers)
        self._raise_for(resp, f"searching for {text!r}")
        packs = resp.json().get("packs") if isinstance(resp.json(), dict) else None
        if not isinstance(packs, list):
            raise HubError(f"hub {self.url}: the catalogue answer has no packs list")
        return [p for p in packs if isinstance(p, dict)]

    def rules(self, *, text: str = "", tag: str = "", go: str | None = None, rule: str = "") -> dict[str, Any]:
        """`GET /v1/rules`: the hub's rule index as this key sees it (anonymous when not logged
        in), `{"plan_tiers": [...] | None, "rules": [...]}`.  Advice only: rulehub.loader.rule_index
        checks every claim against the signed TUF targets."""
        logged_in = self.credential.api_key or self.credential.access_token
        params = {k: v for k, v in (("q", text), ("tag", tag), ("go", go or ""), ("rule", rule)) if v}
        resp = self._request("GET", "/v1/rules", params=params, headers=self.auth_headers() if logged_in else {})
        self._raise_for(resp, "reading the rule index")
        try:
            doc = resp.json()
        except ValueError:
            doc = None
        if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
            raise HubError(f"hub {self.url}: the rule index answer has no rules list")
        return doc

    def set_yanked(self, name: str, version: str, yanked: bool) -> dict[str, Any]:
        """Yank (hide from new resolutions; locked users keep it) or unyank a version."""
        ns, short = name.split("/", 1)
        action = "yank" if yanked else "unyank"
        resp = self._request("POST", f"/v1/packs/{quote(ns)}/{quote(short)}/{quote(version)}/{action}", headers=self.auth_headers())
        self._raise_for(resp, f"{action}ing {name} {version}")
        answer = resp.json()
        if not isinstance(answer, dict):
            raise HubError(f"hub {self.url}: the {action} answer is not a JSON object")
        return answer

    def fetch_root(self, version: int = 1) -> bytes:
        """Root metadata as served (unverified: the caller shows its fingerprint and pins it)."""
        resp = self._request("GET", f"/tuf/{version}.root.json")
        self._raise_for(resp, f"fetching TUF root version {version}")
        return resp.content
