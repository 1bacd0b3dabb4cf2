"""TUF metadata for the pack artifacts, kept in the database (python-tuf Metadata API).

Top-level roles only (root, targets, snapshot, timestamp), one Ed25519 key each, threshold 1,
consistent_snapshot = false.  Every change (publish, yank, expiry refresh, key rotation) runs
inside the caller's write transaction: it locks the `repo_lock` row, signs new versions and
inserts them next to the change itself, so metadata and registry never disagree.

Target paths are `<ns>/<name>/<name-after-slash>-<version>.tar.gz`; each target's `custom`
is `{"pack", "version", "tier", "yanked"}`.

The root key may be offline (see rulehub.server.core.keys): publishing, yanking and the
automatic refresh use only the targets, snapshot and timestamp keys.  What signs a new root
(`rotate_keys`, `renew_root`) takes the root key from keys/ or from the file an operator
passes (`root_key`), and refuses with `RootKeyOffline` when it has neither.  Every new root
version is signed by the current root key, and by the new one too when root rotates, so
clients walk the chain from any root they trust.

Root renewal: `refresh_if_expiring` re-signs root with a fresh expiry when it is less than
half its lifetime from expiry and the key is online.  With the key offline it cannot, so
`root_status` (run by the refresh and by every /metrics scrape) logs a warning at most once an
hour per process once root is within ROOT_OFFLINE_WARNING (30 days, or half its lifetime if
that is shorter) of expiry; /metrics exports the time left for alerting.  The operator then
runs `rulehub admin tuf renew-root --root-key FILE`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner, SSlibKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from rulehub.server.core import keys
from rulehub.server.errors import BadRequest
from rulehub.server.models import RepoLock, SigningKey, TufMetadata, utcnow
from rulehub.server.settings import Settings

ROLES = ("root", "targets", "snapshot", "timestamp")
_SERIALIZER = JSONSerializer(compact=False)
ROOT_OFFLINE_WARNING = timedelta(days=30)
ROOT_WARNING_INTERVAL = 3600.0  # seconds between two offline-root warnings of one process

log = logging.getLogger("rulehub.tuf")


def lock(session: Session) -> None:
    # FOR UPDATE serialises concurrent writers on PostgreSQL; SQLite's write engine already
    # holds the database write lock (BEGIN IMMEDIATE), and SQLAlchemy omits FOR UPDATE there.
    session.execute(select(RepoLock).where(RepoLock.name == "tuf").with_for_update()).first()


def _expiry(settings: Settings, role: str, now: datetime) -> datetime:
    days = {
        "root": settings.tuf_root_days,
        "targets": settings.tuf_targets_days,
        "snapshot": settings.tuf_snapshot_days,
        "timestamp": settings.tuf_timestamp_days,
    }[role]
    return (now + timedelta(days=days)).replace(microsecond=0)


def _signer(session: Session, settings: Settings, role: str) -> CryptoSigner:
    row = keys.active_key(session, f"tuf-{role}")
    if row is None:
        raise RuntimeError(f"no TUF {role} key; the server creates them at start-up")
    return _signer_for(settings, row)


def _signer_for(settings: Settings, row: SigningKey) -> CryptoSigner:
    return _crypto_signer(keys.load_private(settings, row))


def _crypto_signer(private: Ed25519PrivateKey) -> CryptoSigner:
    return CryptoSigner(private, SSlibKey.from_crypto(private.public_key()))


def _root_row(session: Session) -> SigningKey:
    row = keys.active_key(session, keys.TUF_ROOT)
    if row is None:
        raise RuntimeError("no TUF root key; the server creates it at start-up")
    return row


def _root_private(session: Session, settings: Settings, root_key: Path | None) -> Ed25519PrivateKey:
    """The active root private key: from `root_key` if given (it must be that key), else keys/."""
    row = _root_row(session)
    if root_key is not None:
        private = keys.read_key_file(root_key)
        if not keys.same_key(private, row):
            found = SSlibKey.from_crypto(private.public_key()).keyid
            raise keys.OfflineKeyFileError(
                f"{root_key} holds key {found[:16]}, not the active TUF root key {row.kid[:16]}; "
                "pass the file `rulehub admin tuf export-root-key` (or the last root rotation) wrote"
            )
        return private
    if keys.is_online(settings, row):
        return keys.load_private(settings, row)
    raise keys.RootKeyOffline(
        f"the TUF root key {row.kid[:16]} is offline (not in {settings.keys_dir}), and rotating TUF keys or "
        "renewing root signs a new root.json with it: pass the exported key file with --root-key FILE; nothing was changed"
    )


def _latest_row(session: Session, role: str) -> TufMetadata | None:
    return session.scalars(
        select(TufMetadata).where(TufMetadata.role == role).order_by(TufMetadata.version.desc()).limit(1)
    ).first()


def latest_bytes(session: Session, role: str) -> bytes | None:
    row = _latest_row(session, role)
    return row.body.encode() if row else None


def root_bytes(session: Session, version: int) -> bytes | None:
    row = session.get(TufMetadata, ("root", version))
    return row.body.encode() if row else None


def _load(session: Session, role: str) -> Metadata[Any]:
    row = _latest_row(session, role)
    if row is None:
        raise RuntimeError(f"TUF {role} metadata missing; the repository was never initialised")
    return Metadata.from_bytes(row.body.encode())


def _store(session: Session, md: Metadata[Any], role: str) -> None:
    session.add(TufMetadata(role=role, version=md.signed.version, body=md.to_bytes(_SERIALIZER).decode()))


def initialise(session: Session, settings: Settings) -> bool:
    """Create version 1 of every role if the repository is empty; True if it did."""
    lock(session)
    if _latest_row(session, "root") is not None:
        return False
    now = utcnow()
    root = Root(expires=_expiry(settings, "root", now), consistent_snapshot=False)
    for role in ROLES:
        row = keys.active_key(session, f"tuf-{role}")
        assert row is not None, "ensure_keys runs before tuf_repo.initialise"
        root.add_key(SSlibKey.from_crypto(keys.load_public(row)), role)
    root_md = Metadata(root)
    root_md.sign(_signer(session, settings, "root"))
    _store(session, root_md, "root")
    targets_md = Metadata(Targets(expires=_expiry(settings, "targets", now)))
    targets_md.sign(_signer(session, settings, "targets"))
    _store(session, targets_md, "targets")
    _publish_snapshot_and_timestamp(session, settings, targets_md.signed.version, now, first=True)
    return True


def _next_version(session: Session, settings: Settings, cls, role: str, now: datetime, first: bool):
    """The role's signed body for its next version: a new one (version 1), or the stored one
    with its version bumped and its expiry renewed."""
    if first:
        return cls(expires=_expiry(settings, role, now))
    signed = _load(session, role).signed
    signed.version += 1
    signed.expires = _expiry(settings, role, now)
    return signed


def _publish_snapshot_and_timestamp(
    session: Session, settings: Settings, targets_version: int, now: datetime, *, first: bool = False
) -> None:
    snapshot = _next_version(session, settings, Snapshot, "snapshot", now, first)
    snapshot.meta["targets.json"] = MetaFile(version=targets_version)
    snapshot_md = Metadata(snapshot)
    snapshot_md.sign(_signer(session, settings, "snapshot"))
    _store(session, snapshot_md, "snapshot")
    _publish_timestamp(session, settings, snapshot_md, now, first=first)


def _publish_timestamp(
    session: Session, settings: Settings, snapshot_md: Metadata[Any], now: datetime, *, first: bool = False
) -> None:
    timestamp = _next_version(session, settings, Timestamp, "timestamp", now, first)
    snap_bytes = snapshot_md.to_bytes(_SERIALIZER)
    timestamp.snapshot_meta = MetaFile.from_data(snapshot_md.signed.version, snap_bytes, ["sha256"])
    timestamp_md = Metadata(timestamp)
    timestamp_md.sign(_signer(session, settings, "timestamp"))
    _store(session, timestamp_md, "timestamp")


def set_target(
    session: Session, settings: Settings, *, path: str, length: int, sha256: str, custom: dict[str, Any]
) -> None:
    """Add or replace one target and publish new targets, snapshot and timestamp versions."""
    lock(session)
    now = utcnow()
    targets = _load(session, "targets").signed
    targets.targets[path] = TargetFile(length=length, hashes={"sha256": sha256}, path=path,
                                       unrecognized_fields={"custom": custom})
    targets.version += 1
    targets.expires = _expiry(settings, "targets", now)
    targets_md = Metadata(targets)
    targets_md.sign(_signer(session, settings, "targets"))
    _store(session, targets_md, "targets")
    _publish_snapshot_and_timestamp(session, settings, targets.version, now)


def needs_refresh(session: Session, settings: Settings) -> bool:
    """True if timestamp.json is less than half its lifetime from expiry (read-only check)."""
    row = _latest_row(session, "timestamp")
    if row is None:
        return False
    expires = Metadata.from_bytes(row.body.encode()).signed.expires.replace(tzinfo=timezone.utc)
    return expires - utcnow() <= timedelta(days=settings.tuf_timestamp_days) / 2


def refresh_if_expiring(session: Session, settings: Settings) -> bool:
    """Re-sign roles whose expiry is less than half their lifetime away; True if anything changed.

    Called before serving timestamp.json, so an idle repository never freezes its clients.
    """
    now = utcnow()
    ts = _load(session, "timestamp").signed
    half = timedelta(days=settings.tuf_timestamp_days) / 2
    if ts.expires.replace(tzinfo=timezone.utc) - now > half:
        return False
    lock(session)
    # Re-check under the lock: another replica may have refreshed already.
    ts = _load(session, "timestamp").signed
    if ts.expires.replace(tzinfo=timezone.utc) - now > half:
        return False
    _renew_root_if_expiring(session, settings, now)
    targets = _load(session, "targets").signed
    targets_version = targets.version
    if targets.expires.replace(tzinfo=timezone.utc) - now < timedelta(days=settings.tuf_targets_days) / 2:
        targets.version += 1
        targets.expires = _expiry(settings, "targets", now)
        md = Metadata(targets)
        md.sign(_signer(session, settings, "targets"))
        _store(session, md, "targets")
        targets_version = targets.version
    snap = _load(session, "snapshot").signed
    if targets_version != snap.meta["targets.json"].version or (
        snap.expires.replace(tzinfo=timezone.utc) - now < timedelta(days=settings.tuf_snapshot_days) / 2
    ):
        _publish_snapshot_and_timestamp(session, settings, targets_version, now)
    else:
        _publish_timestamp(session, settings, _load(session, "snapshot"), now)
    return True


def _renew_root_if_expiring(session: Session, settings: Settings, now: datetime) -> None:
    """Part of the refresh: a new root version (same keys, fresh expiry) once root is past
    half its lifetime, if the root key is online; else only the (rate-limited) warning."""
    root_md = _load(session, "root")
    left = root_md.signed.expires.replace(tzinfo=timezone.utc) - now
    if left > timedelta(days=settings.tuf_root_days) / 2:
        return
    row = _root_row(session)
    if not keys.is_online(settings, row):
        root_status(session, settings)
        return
    renewed = _sign_next_root(session, settings, root_md.signed, now, keys.load_private(settings, row))
    log.info("TUF root renewed automatically: version %d, expires %s", renewed.version, renewed.expires.isoformat())


def _sign_next_root(session: Session, settings: Settings, root: Root, now: datetime, *signers: Ed25519PrivateKey) -> Root:
    """Store `root` as the next root version, with a fresh expiry, signed by `signers`."""
    root.version += 1
    root.expires = _expiry(settings, "root", now)
    new_md = Metadata(root)
    for private in signers:
        new_md.sign(_crypto_signer(private), append=True)
    _store(session, new_md, "root")
    return root


def renew_root(session: Session, settings: Settings, *, root_key: Path | None = None) -> Root:
    """Sign a new root version with the same keys and a fresh expiry; returns it.

    `root_key` is the offline root key's file; without it the key must be in keys/.
    """
    lock(session)
    private = _root_private(session, settings, root_key)
    return _sign_next_root(session, settings, _load(session, "root").signed, utcnow(), private)


def rotate_keys(
    session: Session, settings: Settings, roles: tuple[str, ...] = ROLES, *,
    root_key: Path | None = None, new_root_key_out: Path | None = None,
) -> int:
    """Replace the keys of `roles`; returns the new root version.

    The new root is signed by the old root key and, if root itself rotates, the new root key
    too, so clients holding the old root can walk the chain (TUF root rotation).  Every other
    rotated role's metadata is re-signed with its new key in a new version.

    The old root key comes from `root_key` (a file) or keys/; if it is in neither, nothing
    changes (`RootKeyOffline`).  A new root key goes to keys/, or with `new_root_key_out`
    only to that file; rotating root while its key is offline requires `new_root_key_out`,
    so an offline root key is never silently replaced by an online one.

    The retired keys' private files are deleted from keys/ once the caller's transaction
    commits (`keys.retire`): the old root key has signed the new root by then, and nothing
    else ever signs with a retired key.  An old root key the operator passed as `root_key`
    lives outside keys/ and is theirs to destroy.
    """
    lock(session)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown TUF roles {sorted(unknown)}; use {', '.join(ROLES)}")
    roles = tuple(r for r in ROLES if r in roles)  # root first: its key file is written before any other
    old_root_private = _root_private(session, settings, root_key)
    if new_root_key_out is not None and "root" not in roles:
        raise BadRequest("--new-root-key-out is for rotating the root role (--tuf-role root); nothing was changed")
    if "root" in roles and new_root_key_out is None and not keys.is_online(settings, _root_row(session)):
        raise keys.RootKeyOffline(
            "the TUF root key is offline, so its replacement must not be kept online: add --new-root-key-out FILE "
            "(the new root key is written there, 0600, and not to keys/); nothing was changed"
        )
    if new_root_key_out is not None and new_root_key_out.exists():
        raise keys.OfflineKeyFileError(f"{new_root_key_out} already exists; choose a new file name (a key file is never overwritten)")
    now = utcnow()
    root = _load(session, "root").signed
    new_root_private: Ed25519PrivateKey | None = None
    for role in roles:
        old = keys.active_key(session, f"tuf-{role}")
        if old is not None:
            keys.retire(session, settings, old, now)  # its private file goes when this commits
            if old.kid in root.keys and old.kid in root.roles[role].keyids:
                root.revoke_key(old.kid, role)
        if role == "root":
            new_root_private = Ed25519PrivateKey.generate()
            new = keys.add_key(session, settings, keys.TUF_ROOT, new_root_private, out=new_root_key_out)
        else:
            new = keys.generate_key(session, settings, f"tuf-{role}")
        root.add_key(SSlibKey.from_crypto(keys.load_public(new)), role)
    root = _sign_next_root(session, settings, root, now, old_root_private, *([new_root_private] if new_root_private else []))
    # New keys invalidate the old signatures: re-sign the rest of the chain.
    targets = _load(session, "targets").signed
    targets.version += 1
    targets.expires = _expiry(settings, "targets", now)
    targets_md = Metadata(targets)
    targets_md.sign(_signer(session, settings, "targets"))
    _store(session, targets_md, "targets")
    _publish_snapshot_and_timestamp(session, settings, targets.version, now)
    return root.version


@dataclass(frozen=True)
class RootStatus:
    """The served root.json's version and expiry, and whether this server holds its key."""

    version: int
    expires: datetime
    key_online: bool

    def expires_in(self, now: datetime | None = None) -> timedelta:
        return self.expires - (now or utcnow())


_warned_at: dict[str, float] = {}
_warned_lock = threading.Lock()


def root_warning_window(settings: Settings) -> timedelta:
    """How long before expiry an offline root is warned about: 30 days, or half its lifetime if shorter."""
    return min(ROOT_OFFLINE_WARNING, timedelta(days=settings.tuf_root_days) / 2)


def root_status(session: Session, settings: Settings) -> RootStatus:
    """Read root's expiry; warn (at most once an hour per repository and process) if it is
    near and the key is offline, since then nothing renews root until an operator does."""
    md = _load(session, "root")
    status = RootStatus(md.signed.version, md.signed.expires.replace(tzinfo=timezone.utc),
                        keys.is_online(settings, _root_row(session)))
    left = status.expires_in()
    if not status.key_online and left <= root_warning_window(settings):
        now = time.monotonic()
        with _warned_lock:
            due = now >= _warned_at.get(settings.database_url, float("-inf"))
            if due:
                _warned_at[settings.database_url] = now + ROOT_WARNING_INTERVAL
        if due:
            when = "expired" if left <= timedelta(0) else f"expires in {left.days} days"
            log.warning(
                "TUF root.json version %d %s (%s) and the root key is offline, so the server cannot renew it; "
                "clients fail once it expires. Run `rulehub admin tuf renew-root --root-key FILE`",
                status.version, when, status.expires.isoformat(),
            )
    return status


def root_versions(session: Session) -> int:
    return int(session.scalar(select(func.max(TufMetadata.version)).where(TufMetadata.role == "root")) or 0)


__all__ = ["initialise", "latest_bytes", "refresh_if_expiring", "renew_root", "root_bytes", "root_status",
           "rotate_keys", "set_target", "lock", "needs_refresh", "root_versions"]
