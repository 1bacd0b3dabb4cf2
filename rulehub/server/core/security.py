"""API keys and access tokens.

API keys look like `rh_<key_id>_<secret>`: `key_id` (hex) finds the row, only
sha256(secret) is stored (the secret has 256 bits of entropy, so a slow hash buys nothing
and would cap token exchanges), and the full key is shown once at creation.

Access tokens are EdDSA JWTs with a `kid` header.  Verification pins algorithms=["EdDSA"],
requires iss aud sub tenant plan scopes iat nbf exp jti, checks audience and issuer, and
rejects revoked token ids, tokens minted from an API key revoked since, tokens whose
account has been disabled or removed since (so disabling takes effect at once, not when
the token expires), and tokens issued before the account's last disable
(`Account.tokens_valid_after`: re-enabling an account does not revive them).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from rulehub.server.core import keys
from rulehub.server.errors import Unauthorized
from rulehub.server.models import Account, ApiKey, RevokedToken, SigningKey
from rulehub.server.settings import Settings

API_KEY_PREFIX = "rh_"
SCOPES = ("packs:read", "packs:publish", "admin")
REQUIRED_CLAIMS = ["iss", "aud", "sub", "tenant", "plan", "scopes", "iat", "nbf", "exp", "jti"]
_API_KEY_RE = re.compile(r"^rh_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key_material() -> tuple[str, str, str]:
    """Return (full key to show once, key_id, secret_hash)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}{key_id}_{secret}", key_id, hash_secret(secret)


def check_api_key(session: Session, presented: str) -> ApiKey:
    """The live ApiKey row for `presented`, or Unauthorized (same message for every failure)."""
    bad = Unauthorized("invalid or revoked API key; create a new one in the portal or with `rulehub admin create-key`",
                       code="invalid_api_key")
    match = _API_KEY_RE.fullmatch(presented or "")
    if not match:
        raise bad
    key_id, secret = match.groups()
    row = session.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).first()
    if row is None or not hmac.compare_digest(row.secret_hash, hash_secret(secret)) or row.revoked_at is not None:
        raise bad
    if row.account.disabled:
        raise bad
    return row


# `last_used_at` is shown in the portal to the minute; writing it on every token exchange
# would make each exchange a write transaction, so it is refreshed at most once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def record_api_key_use(session: Session, key_id: str, now: datetime | None = None) -> None:
    """Set the key's `last_used_at` to now unless it was already set within the last minute
    (one conditional UPDATE: concurrent exchanges do not conflict)."""
    now = now or datetime.now(timezone.utc)
    session.execute(
        update(ApiKey)
        .where(ApiKey.key_id == key_id)
        .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)
    )


@dataclass(frozen=True)
class Principal:
    """Who is calling, from a verified access token."""

    account_id: int
    tenant_id: int
    tenant: str
    plan: str
    scopes: frozenset[str]
    jti: str
    api_key_id: str
    expires_at: datetime

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


def issue_token(
    session: Session, settings: Settings, *, account_id: int, tenant_id: int, tenant: str, plan: str,
    scopes: list[str], api_key_id: str, now: datetime | None = None,
) -> tuple[str, int]:
    """Sign an access token with the active JWT key; returns (token, expires_in seconds)."""
    row = keys.active_key(session, keys.JWT)
    if row is None:
        raise RuntimeError("no active JWT signing key; the server initialises one at start-up")
    now = now or datetime.now(timezone.utc)
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": str(account_id),
        "tenant": tenant,
        "tid": tenant_id,
        "plan": plan,
        "scopes": sorted(scopes),
        "akid": api_key_id,
        "iat": int(now.timestamp()),
        "iat_ms": int(now.timestamp() * 1000),  # iat to the millisecond, for Account.tokens_valid_after
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.token_ttl)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, keys.load_private(settings, row), algorithm="EdDSA", headers={"kid": row.kid})
    return token, settings.token_ttl


class PublicKeyCache:
    """kid -> public key, refreshed from the database on a miss (keys rotate rarely)."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, kid: str) -> Ed25519PublicKey | None:
        with self._lock:
            found = self._keys.get(kid)
        if found is not None:
            return found
        row = session.scalars(select(SigningKey).where(SigningKey.kid == kid, SigningKey.purpose == keys.JWT)).first()
        if row is None:
            return None
        public = keys.load_public(row)
        with self._lock:
            self._keys[kid] = public
        return public


def _issued_ms(claims: dict[str, object]) -> float:
    """When the token was issued, in ms; a token without `iat_ms` counts as issued at the end
    of its `iat` second (the latest it can have been)."""
    precise = claims.get("iat_ms")
    if isinstance(precise, int):
        return precise
    return int(claims["iat"]) * 1000 + 999  # type: ignore[call-overload]


def verify_token(session: Session, settings: Settings, token: str, cache: PublicKeyCache) -> Principal:
    """Verify an access token completely or raise Unauthorized with a specific code."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("malformed access token; exchange your API key at POST /v1/auth/token",
                           code="invalid_token") from None
    if header.get("alg") != "EdDSA":
        raise Unauthorized("access token algorithm must be EdDSA", code="invalid_token")
    kid = header.get("kid")
    public = cache.get(session, kid) if isinstance(kid, str) else None
    if public is None:
        raise Unauthorized("access token signed by an unknown key; get a new token", code="invalid_token")
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=["EdDSA"],
            audience=settings.audience,
            issuer=settings.issuer,
            options={"require": REQUIRED_CLAIMS, "verify_signature": True},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("access token expired; exchange your API key for a new one", code="token_expired") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("access token is not valid yet", code="token_not_yet_valid") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("access token is for another audience", code="invalid_audience") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("access token is from another issuer", code="invalid_issuer") from None
    except jwt.MissingRequiredClaimError as exc:
        raise Unauthorized(f"access token lacks the {exc.claim!r} claim", code="invalid_token") from None
    except jwt.PyJWTError:
        raise Unauthorized("invalid access token signature or claims", code="invalid_token") from None
    scopes = claims.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise Unauthorized("access token scopes must be a list", code="invalid_token")
    jti = str(claims["jti"])
    if session.get(RevokedToken, jti) is not None:
        raise Unauthorized("access token has been revoked", code="token_revoked")
    akid = claims.get("akid")
    if isinstance(akid, str):
        key = session.scalars(select(ApiKey).where(ApiKey.key_id == akid)).first()
        if key is None or key.revoked_at is not None:
            raise Unauthorized("the API key behind this token has been revoked", code="token_revoked")
    try:
        account_id = int(claims["sub"])
        tenant_id = int(claims["tid"])
    except (KeyError, TypeError, ValueError):
        raise Unauthorized("access token subject or tenant is malformed", code="invalid_token") from None
    account = session.get(Account, account_id)
    if account is None or account.disabled:
        raise Unauthorized("the account behind this token is disabled or removed; ask your tenant's owner",
                           code="account_disabled")
    if account.tokens_valid_after is not None and _issued_ms(claims) <= account.tokens_valid_after.timestamp() * 1000:
        raise Unauthorized("this access token was issued before the account was disabled; exchange your API key "
                           "for a new one", code="token_revoked")
    return Principal(
        account_id=account_id,
        tenant_id=tenant_id,
        tenant=str(claims["tenant"]),
        plan=str(claims["plan"]),
        scopes=frozenset(scopes),
        jti=jti,
        api_key_id=str(akid or ""),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), timezone.utc),
    )
