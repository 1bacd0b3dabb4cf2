"""Ed25519 signing keys: generated on first start, private halves in files (0600), rotation.

A key's public half and its file name are in the `signing_keys` table so every replica
sharing the database can verify; the private file must be present (shared data dir or a
mounted secret) on replicas that sign.  Purposes: `jwt` (access tokens) and
`tuf-<role>` for the four TUF roles.

The TUF root key may be offline (TUF and PEP 458 recommend it): `take_root_offline` writes
it to a file the operator keeps elsewhere and deletes it from keys/, leaving its row, so the
server keeps serving and `ensure_keys` does not replace it.  Whether it is online is whether
its file is in keys/ (`is_online`); it is never kept in `_private_cache`, so a server that
once used it does not go on holding it after another process took it offline.  Commands that
sign a new root read the offline key from a file given to them (`read_key_file`).

Retired keys lose their private half: a rotation retires the old rows with `retire`, which
deletes their files from keys/ only once the rotation's transaction has committed (a failed
or rolled-back rotation leaves the old keys usable), tolerates a file already gone, and never
deletes a file an active row names.  Nothing needs a retired private key: only active keys
sign (the old root signs the new root.json inside the rotation, before the commit), and
verifiers (the JWKS, TUF clients) use the public halves kept in the table.  Data dirs that
still hold files of keys retired before this existed are cleaned by `prune_retired_files`
(`rulehub admin prune-keys`); start-up only warns about them (`retired_files`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from rulehub.server.errors import BadRequest, Conflict
from rulehub.server.models import SigningKey, utcnow
from rulehub.server.settings import Settings

JWT = "jwt"
TUF_ROLES = ("root", "targets", "snapshot", "timestamp")
TUF_ROOT = "tuf-root"

_private_cache: dict[str, Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()
# session.info key: (keys_dir, file name, kid) of keys retired in the session's transaction.
_RETIRED = "rulehub.retired_key_files"

log = logging.getLogger("rulehub.keys")


class KeyFileError(RuntimeError):
    """A private key file named in the database is missing or unreadable."""


class OfflineKeyFileError(BadRequest):
    """A key file an operator named (to read a key from, or to write one to) cannot be used."""

    code = "key_file_unusable"


class RootKeyOffline(Conflict):
    """The TUF root key is not in keys/ and the operation needs it."""

    code = "root_key_offline"


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


def _cacheable(purpose: str) -> bool:
    # The root key signs a few times a year; reading its file each time means no process
    # keeps it in memory once an operator has taken it offline.
    return purpose != TUF_ROOT


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_pem(path, key)


def _write_pem(path: Path, key: Ed25519PrivateKey) -> None:
    """Create `path` (never overwriting) with the key as unencrypted PKCS#8 PEM, mode 0600, synced."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o600)  # in case a umask widened nothing but a pre-existing policy did


def write_key_file(path: Path, key: Ed25519PrivateKey) -> None:
    """Write a private key to an operator's file (0600); refuse an existing file or a missing folder."""
    try:
        _write_pem(path, key)
    except FileExistsError:
        raise OfflineKeyFileError(f"{path} already exists; choose a new file name (a key file is never overwritten)") from None
    except OSError as exc:
        raise OfflineKeyFileError(f"cannot create {path}: {exc.strerror or exc}") from None


def read_key_file(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from an unencrypted PEM file (as `take_root_offline` writes it)."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise OfflineKeyFileError(f"cannot read key file {path}: {exc.strerror or exc}") from None
    except (ValueError, TypeError) as exc:
        raise OfflineKeyFileError(f"{path} is not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise OfflineKeyFileError(f"{path} is not an Ed25519 private key")
    return key


def add_key(
    session: Session, settings: Settings, purpose: str, private: Ed25519PrivateKey, *, out: Path | None = None
) -> SigningKey:
    """Record `private` as a new active key for `purpose` (the caller retires older ones if rotating).

    The private half goes to keys/, or, with `out`, only to that file (an offline key: the
    row names the keys/ file it would have, which does not exist).
    """
    public = private.public_key()
    kid = _kid_for(purpose, public)
    file_name = f"{purpose}-{kid[:16]}.pem"
    if out is not None:
        write_key_file(out, private)
    else:
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
    if out is None and _cacheable(purpose):
        with _cache_lock:
            _private_cache[kid] = private
    return row


def generate_key(session: Session, settings: Settings, purpose: str) -> SigningKey:
    """Create a new active key for `purpose`, its private half in keys/."""
    return add_key(session, settings, purpose, Ed25519PrivateKey.generate())


def active_key(session: Session, purpose: str) -> SigningKey | None:
    return session.scalars(
        select(SigningKey).where(SigningKey.purpose == purpose, SigningKey.active.is_(True)).order_by(SigningKey.id.desc())
    ).first()


def ensure_keys(session: Session, settings: Settings) -> None:
    """Generate the JWT key and the four TUF role keys if they do not exist yet.

    Only a missing row means a missing key: an active key whose file is gone (the root key,
    taken offline) is kept, never replaced behind the operator's back.
    """
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
    if _cacheable(row.purpose):
        with _cache_lock:
            _private_cache[row.kid] = key
    return key


def unusable_private_keys(session: Session, settings: Settings) -> list[str]:
    """Why this server could not sign with each active key it must hold, one line per key.

    Every replica signs (tokens, TUF metadata on publish, yank and refresh), so each needs the
    private half of every active key except the TUF root, which may be offline.  A file that
    is missing, unreadable or holds another key (a replica with its own keys/ beside a shared
    database) is reported here, at start-up, instead of as a failed publish later.
    """
    problems = []
    for row in session.scalars(select(SigningKey).where(SigningKey.active.is_(True)).order_by(SigningKey.id)):
        path = settings.keys_dir / row.private_file
        if row.purpose == TUF_ROOT and not path.exists():
            continue
        try:
            private = load_private(settings, row)
        except KeyFileError:
            problems.append(f"{row.purpose} key {row.kid[:16]}: no readable {path}")
            continue
        if not same_key(private, row):
            problems.append(f"{row.purpose} key {row.kid[:16]}: {path} holds a different key")
    return problems


def is_online(settings: Settings, row: SigningKey) -> bool:
    """True if this server holds the key's private half (its file is in keys/)."""
    return (settings.keys_dir / row.private_file).is_file()


def same_key(private: Ed25519PrivateKey, row: SigningKey) -> bool:
    return raw_public(private.public_key()) == raw_public(load_public(row))


def take_root_offline(session: Session, settings: Settings, out: Path) -> SigningKey:
    """Move the active TUF root private key from keys/ to `out` (0600, never overwritten).

    The row stays (root.json still names the key, and the server keeps serving); the key file
    is deleted only after `out` is written, synced and read back as the same key.
    """
    row = active_key(session, TUF_ROOT)
    if row is None:
        raise RuntimeError("no TUF root key; the server creates it at start-up")
    path = settings.keys_dir / row.private_file
    if not path.is_file():
        raise RootKeyOffline(
            f"the TUF root key {row.kid[:16]} is already offline (no {path}); nothing was written. "
            "Keep the file it was exported to; commands that need it take --root-key FILE"
        )
    write_key_file(out, load_private(settings, row))
    if not same_key(read_key_file(out), row):  # never delete the only copy on a bad write
        raise OfflineKeyFileError(f"{out} did not read back as the root key; {path} was left in place")
    path.unlink()
    with _cache_lock:
        _private_cache.pop(row.kid, None)
    return row


def load_public(row: SigningKey) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(row.public_pem.encode())
    assert isinstance(key, Ed25519PublicKey)
    return key


def rotate_jwt_key(session: Session, settings: Settings) -> SigningKey:
    """New signing key for access tokens; the old one's public half stays in the JWKS until its
    tokens expire, its private file is deleted when the rotation commits (`retire`)."""
    for old in session.scalars(select(SigningKey).where(SigningKey.purpose == JWT, SigningKey.active.is_(True))):
        retire(session, settings, old)
    return generate_key(session, settings, JWT)


def retire(session: Session, settings: Settings, row: SigningKey, now: datetime | None = None) -> None:
    """Mark `row` inactive; its private file in keys/ is deleted once this transaction commits.

    Until then the file stays, so a rotation that fails or rolls back leaves the old key usable.
    """
    row.active = False
    row.retired_at = now or utcnow()
    session.info.setdefault(_RETIRED, []).append((settings.keys_dir, row.private_file, row.kid))


@event.listens_for(Session, "before_commit")
def _spare_active_files(session: Session) -> None:
    # Last look before the commit, while SQL can still run: never delete a file an active row names.
    pending = session.info.get(_RETIRED)
    if pending:
        active = set(session.scalars(select(SigningKey.private_file).where(SigningKey.active.is_(True))))
        session.info[_RETIRED] = [p for p in pending if p[1] not in active]


@event.listens_for(Session, "after_commit")
def _delete_retired_files(session: Session) -> None:
    for keys_dir, file_name, kid in session.info.pop(_RETIRED, []):
        with _cache_lock:
            _private_cache.pop(kid, None)
        _unlink_key_file(keys_dir / file_name)


@event.listens_for(Session, "after_rollback")
def _keep_retired_files(session: Session) -> None:
    session.info.pop(_RETIRED, None)


def _unlink_key_file(path: Path) -> bool:
    """Delete a retired key's file; True if it was there.  The rotation has committed by now, so
    a failure is logged for the operator (`rulehub admin prune-keys` retries), never raised."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("could not delete the retired private key %s (%s); run `rulehub admin prune-keys`", path,
                    exc.strerror or exc)
        return False
    return True


def retired_files(session: Session, settings: Settings) -> list[Path]:
    """Private key files in keys/ that belong to retired keys only (named by no active row)."""
    rows = session.scalars(select(SigningKey).order_by(SigningKey.id)).all()
    active = {r.private_file for r in rows if r.active}
    names = dict.fromkeys(r.private_file for r in rows if not r.active and r.private_file not in active)
    return [settings.keys_dir / n for n in names if (settings.keys_dir / n).is_file()]


def prune_retired_files(session: Session, settings: Settings) -> list[Path]:
    """Delete the private files of keys retired before rotations did it themselves; returns them.

    Only files named by a retired row and by no active one are touched (never the portal secret,
    an active key, or an operator's offline key file elsewhere); the rows and public halves stay.
    """
    found = retired_files(session, settings)
    for path in found:
        _unlink_key_file(path)
    with _cache_lock:
        for row in session.scalars(select(SigningKey).where(SigningKey.active.is_(False))):
            _private_cache.pop(row.kid, None)
    return [p for p in found if not p.exists()]


def jwks_keys(session: Session, settings: Settings) -> list[SigningKey]:
    """JWT keys a verifier may still meet: the active one and those retired within one token TTL."""
    cutoff = utcnow() - timedelta(seconds=settings.token_ttl + 60)
    rows = session.scalars(select(SigningKey).where(SigningKey.purpose == JWT).order_by(SigningKey.id)).all()
    return [r for r in rows if r.active or (r.retired_at is not None and r.retired_at > cutoff)]


def jwk(row: SigningKey) -> dict[str, str]:
    x = base64.urlsafe_b64encode(raw_public(load_public(row))).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": row.kid, "alg": "EdDSA", "use": "sig"}
