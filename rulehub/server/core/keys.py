"""Ed25519 signing keys: generated on first start, private halves in files (0600), rotation.

A key's public half and its file name are in the `signing_keys` table so every replica
sharing the database can verify; the private file must be present (shared data dir or a
mounted secret) on replicas that sign.  Purposes: `jwt` (access tokens) and
`tuf-<role>` for the four TUF roles.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from rulehub.server.models import SigningKey, utcnow
from rulehub.server.settings import Settings

JWT = "jwt"
TUF_ROLES = ("root", "targets", "snapshot", "timestamp")

_private_cache: dict[str, Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()


class KeyFileError(RuntimeError):
    """A private key file named in the database is missing or unreadable."""


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_thumbprint(public: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint of the OKP JWK, used as the JWT `kid`."""
    x = base64.urlsafe_b64encode(raw_public(public)).rstrip(b"=").decode()
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _kid_for(purpose: str, public: Ed25519PublicKey) -> str:
    if purpose == JWT:
        return jwk_thumbprint(public)
    from securesystemslib.signer import SSlibKey

    return SSlibKey.from_crypto(public).keyid


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(path, 0o600)  # in case a umask widened nothing but a pre-existing policy did


def generate_key(session: Session, settings: Settings, purpose: str) -> SigningKey:
    """Create a new active key for `purpose` (the caller retires older ones if rotating)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    kid = _kid_for(purpose, public)
    file_name = f"{purpose}-{kid[:16]}.pem"
    _write_private(settings.keys_dir / file_name, private)
    row = SigningKey(
        kid=kid,
        purpose=purpose,
        public_pem=public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        private_file=file_name,
        active=True,
    )
    session.add(row)
    session.flush()
    with _cache_lock:
        _private_cache[kid] = private
    return row


def active_key(session: Session, purpose: str) -> SigningKey | None:
    return session.scalars(
        select(SigningKey).where(SigningKey.purpose == purpose, SigningKey.active.is_(True)).order_by(SigningKey.id.desc())
    ).first()


def ensure_keys(session: Session, settings: Settings) -> None:
    """Generate the JWT key and the four TUF role keys if they do not exist yet."""
    for purpose in (JWT, *(f"tuf-{r}" for r in TUF_ROLES)):
        if active_key(session, purpose) is None:
            generate_key(session, settings, purpose)


def load_private(settings: Settings, row: SigningKey) -> Ed25519PrivateKey:
    with _cache_lock:
        cached = _private_cache.get(row.kid)
    if cached is not None:
        return cached
    path = settings.keys_dir / row.private_file
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeyFileError(
            f"cannot read private key {path} for {row.purpose} key {row.kid}: {exc}; "
            "restore the data dir's keys/ or rotate with `rulehub admin rotate-keys`"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key")
    with _cache_lock:
        _private_cache[row.kid] = key
    return key


def load_public(row: SigningKey) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(row.public_pem.encode())
    assert isinstance(key, Ed25519PublicKey)
    return key


def rotate_jwt_key(session: Session, settings: Settings) -> SigningKey:
    """New signing key for access tokens; the old one stays in the JWKS until its tokens expire."""
    for old in session.scalars(select(SigningKey).where(SigningKey.purpose == JWT, SigningKey.active.is_(True))):
        old.active = False
        old.retired_at = utcnow()
    return generate_key(session, settings, JWT)


def jwks_keys(session: Session, settings: Settings) -> list[SigningKey]:
    """JWT keys a verifier may still meet: the active one and those retired within one token TTL."""
    cutoff = utcnow() - timedelta(seconds=settings.token_ttl + 60)
    rows = session.scalars(select(SigningKey).where(SigningKey.purpose == JWT).order_by(SigningKey.id)).all()
    return [r for r in rows if r.active or (r.retired_at is not None and r.retired_at > cutoff)]


def jwk(row: SigningKey) -> dict[str, str]:
    x = base64.urlsafe_b64encode(raw_public(load_public(row))).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": row.kid, "alg": "EdDSA", "use": "sig"}
