"""Token exchange and access-token verification, including forged and stale tokens."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
import json
import time
import uuid

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select, update

from tests.rulehub.conftest import HubServer, Subscriber
from rulehub.server.core import keys
from rulehub.server.models import Account, ApiKey, Tenant
from rulehub.server.services import accounts


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code, r.text


def _claims(hub: HubServer, sub: Subscriber, **override) -> dict:
    with hub.database.session() as s:
        account = s.scalars(select(Account).where(Account.email == sub.email)).one()
        tenant = s.get(Tenant, account.tenant_id)
    now = int(time.time())
    claims = {
        "iss": hub.settings.issuer, "aud": hub.settings.audience, "sub": str(account.id), "tenant": tenant.slug,
        "tid": tenant.id, "plan": "pro", "scopes": ["packs:read"], "iat": now, "nbf": now, "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    claims.update(override)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(hub: HubServer, claims: dict, **kw) -> str:
    with hub.database.session() as s:
        row = keys.active_key(s, keys.JWT)
        private = keys.load_private(hub.settings, row)
        kid = row.kid
    return jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid, **kw.get("headers", {})})


def _usage(hub: HubServer, token: str) -> httpx.Response:
    return hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {token}"})


def test_exchange_and_claims(hub: HubServer, publisher: Subscriber) -> None:
    r = hub.client.post("/v1/auth/token", json={"api_key": publisher.api_key})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == hub.settings.token_ttl
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"]
    jwks = hub.client.get("/.well-known/jwks.json").json()
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    public = jwt.PyJWK(jwk).key
    claims = jwt.decode(body["access_token"], public, algorithms=["EdDSA"], audience=hub.settings.audience,
                        issuer=hub.settings.issuer)
    assert claims["tenant"] == publisher.tenant and claims["plan"] == "pro"
    assert set(claims["scopes"]) == {"packs:read", "packs:publish"}
    for claim in ("sub", "iat", "nbf", "exp", "jti"):
        assert claim in claims
    assert _usage(hub, body["access_token"]).status_code == 200


def test_token_exchange_records_when_the_key_was_last_used(hub: HubServer) -> None:
    """The portal's keys page shows when each key was last used: the exchange records it, at
    most once a minute (a second exchange right after leaves the recorded time alone)."""
    sub = hub.subscriber()
    key_id = sub.api_key.split("_")[1]

    def last_used():
        with hub.database.write_session() as s:
            return s.scalars(select(ApiKey.last_used_at).where(ApiKey.key_id == key_id)).one()

    assert last_used() is None
    before = datetime.now(timezone.utc)
    assert hub.client.post("/v1/auth/token", json={"api_key": sub.api_key}).status_code == 200
    first = last_used()
    assert first is not None and before - timedelta(seconds=5) <= first <= datetime.now(timezone.utc) + timedelta(seconds=5)
    assert hub.client.post("/v1/auth/token", json={"api_key": sub.api_key}).status_code == 200
    assert last_used() == first
    # A failed exchange (right key id, wrong secret) is not a use.
    with hub.database.write_session() as s:
        s.execute(update(ApiKey).where(ApiKey.key_id == key_id).values(last_used_at=None))
    wrong = sub.api_key[:-4] + ("AAAA" if not sub.api_key.endswith("AAAA") else "BBBB")
    assert hub.client.post("/v1/auth/token", json={"api_key": wrong}).status_code == 401
    assert last_used() is None


@pytest.mark.parametrize(
    "api_key",
    ["", "rh_", "nope", "rh_000000000000_" + "A" * 43, "Bearer x", "rh_zzzzzzzzzzzz_" + "A" * 43],
)
def test_wrong_key_is_401(hub: HubServer, api_key: str) -> None:
    _error(hub.client.post("/v1/auth/token", json={"api_key": api_key}), 401, "invalid_api_key")


def test_right_id_wrong_secret_is_401(hub: HubServer, publisher: Subscriber) -> None:
    key_id = publisher.api_key.split("_")[1]
    _error(hub.client.post("/v1/auth/token", json={"api_key": f"rh_{key_id}_{'B' * 43}"}), 401, "invalid_api_key")


def test_missing_and_malformed_authorization(hub: HubServer) -> None:
    _error(hub.client.get("/v1/usage"), 401, "missing_token")
    _error(hub.client.get("/v1/usage", headers={"Authorization": "Basic abc"}), 401, "invalid_token")
    _error(hub.client.get("/v1/usage", headers={"Authorization": "Bearer not.a.jwt"}), 401, "invalid_token")
    r = hub.client.get("/v1/usage")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_alg_none_is_rejected(hub: HubServer, publisher: Subscriber) -> None:
    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    with hub.database.session() as s:
        kid = keys.active_key(s, keys.JWT).kid
    token = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{b64(_claims(hub, publisher))}."
    _error(_usage(hub, token), 401, "invalid_token")


def test_hs256_signed_with_the_public_key_is_rejected(hub: HubServer, publisher: Subscriber) -> None:
    with hub.database.session() as s:
        row = keys.active_key(s, keys.JWT)
    public_pem = row.public_pem.encode()
    # PyJWT itself refuses PEM keys as HMAC secrets, so build the HMAC by hand.
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = (f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': row.kid}).encode())}."
                     f"{b64(json.dumps(_claims(hub, publisher)).encode())}")
    sig = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    _error(_usage(hub, f"{signing_input}.{b64(sig)}"), 401, "invalid_token")
    raw = keys.raw_public(serialization.load_pem_public_key(public_pem))
    sig = hmac.new(raw, signing_input.encode(), hashlib.sha256).digest()
    _error(_usage(hub, f"{signing_input}.{b64(sig)}"), 401, "invalid_token")


def test_signature_from_another_key_is_rejected(hub: HubServer, publisher: Subscriber) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with hub.database.session() as s:
        kid = keys.active_key(s, keys.JWT).kid
    forged = jwt.encode(_claims(hub, publisher), Ed25519PrivateKey.generate(), algorithm="EdDSA",
                        headers={"kid": kid})
    _error(_usage(hub, forged), 401, "invalid_token")
    unknown_kid = jwt.encode(_claims(hub, publisher), Ed25519PrivateKey.generate(), algorithm="EdDSA",
                             headers={"kid": "unknown"})
    _error(_usage(hub, unknown_kid), 401, "invalid_token")


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000, "nbf": int(time.time()) - 4000},
         "token_expired"),
        ({"nbf": int(time.time()) + 3600}, "token_not_yet_valid"),
        ({"aud": "someone-else"}, "invalid_audience"),
        ({"iss": "https://evil.example"}, "invalid_issuer"),
        ({"jti": None}, "invalid_token"),
        ({"tenant": None}, "invalid_token"),
        ({"scopes": None}, "invalid_token"),
        ({"nbf": None}, "invalid_token"),
        ({"exp": None}, "invalid_token"),
        ({"scopes": "packs:read"}, "invalid_token"),
    ],
)
def test_bad_claims_are_rejected(hub: HubServer, publisher: Subscriber, override: dict, code: str) -> None:
    assert _usage(hub, _sign(hub, _claims(hub, publisher))).status_code == 200  # the control passes
    _error(_usage(hub, _sign(hub, _claims(hub, publisher, **override))), 401, code)


def test_revoked_api_key(hub: HubServer) -> None:
    sub = hub.subscriber(namespace=False)
    token = sub.token
    assert _usage(hub, token).status_code == 200
    with hub.database.write_session() as s:
        accounts.revoke_api_key(s, sub.api_key)
    _error(hub.client.post("/v1/auth/token", json={"api_key": sub.api_key}), 401, "invalid_api_key")
    _error(_usage(hub, token), 401, "token_revoked")


def test_revoked_jti(hub: HubServer) -> None:
    sub = hub.subscriber(namespace=False)
    token = sub.token
    r = hub.client.post("/v1/auth/revoke", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json()["revoked"] == jwt.decode(token, options={"verify_signature": False})["jti"]
    _error(_usage(hub, token), 401, "token_revoked")
    # The API key itself still works: a fresh token is fine.
    fresh = hub.client.post("/v1/auth/token", json={"api_key": sub.api_key}).json()["access_token"]
    assert _usage(hub, fresh).status_code == 200


def test_password_hash_for_portal(hub: HubServer) -> None:
    with hub.database.write_session() as s:
        accounts.create_tenant(s, hub.unique("pw"))
    with hub.database.write_session() as s:
        tenant = s.scalars(select(Tenant).order_by(Tenant.id.desc())).first()
        account = accounts.create_account(s, f"{hub.unique('pw')}@example.test", tenant.slug,
                                          password="correct horse battery")
        assert account.password_hash and account.password_hash.startswith("$argon2")
        assert accounts.verify_password(account, "correct horse battery")
        assert not accounts.verify_password(account, "wrong password")


def test_jwt_key_rotation_keeps_old_tokens_valid(hub: HubServer) -> None:
    sub = hub.subscriber(namespace=False)
    old_token = sub.token
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    with hub.database.write_session() as s:
        new_kid = keys.rotate_jwt_key(s, hub.settings).kid
    assert new_kid != old_kid
    fresh = hub.client.post("/v1/auth/token", json={"api_key": sub.api_key}).json()["access_token"]
    assert jwt.get_unverified_header(fresh)["kid"] == new_kid
    assert _usage(hub, fresh).status_code == 200
    assert _usage(hub, old_token).status_code == 200  # still within its lifetime
    kids = {k["kid"] for k in hub.client.get("/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, new_kid} <= kids
