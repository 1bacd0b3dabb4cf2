"""Where pack artifacts live: one interface, three backends, chosen by RULEHUB_ARTIFACT_STORE.

- `local` (the default, also ""): a directory on this server's disk, `<data_dir>/artifacts`
  (`rulehub.server.storage.local`).  Replicas share it only through a shared volume.
- `database`: rows of the hub's own database (`artifact_blobs`,
  `rulehub.server.storage.database`).  Every replica on one PostgreSQL sees every artifact,
  and an artifact commits in the same transaction as its version row.
- `s3://BUCKET` or `s3://BUCKET/PREFIX`: an S3-compatible object store through boto3
  (`rulehub.server.storage.s3`); endpoint, region and credentials come from boto3's own
  environment (`AWS_ENDPOINT_URL_S3` for MinIO/Ceph/moto, `AWS_ACCESS_KEY_ID`, ...).

Artifacts are content-addressed (the key is the SHA-256 of the bytes), written once and never
changed, so every backend's `put` is idempotent and nothing ever needs locking.  `put` and
`get` take the caller's database session: the database backend works inside it (a publish
that rolls back stores nothing); the others ignore it.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

from sqlalchemy.orm import Session

from rulehub.server.settings import Settings

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class ArtifactMissing(LookupError):
    """The store has no artifact with this digest (a version row names bytes that are gone)."""


class ArtifactStore(Protocol):
    """Content-addressed artifact bytes, keyed by their lowercase hex SHA-256."""

    def put(self, session: Session, sha256: str, data: bytes) -> None:
        """Store `data` under `sha256` (a no-op if it is already there)."""

    def get(self, session: Session, sha256: str) -> bytes:
        """The bytes stored under `sha256`; ArtifactMissing if there are none."""

    def describe(self) -> str:
        """Where the artifacts are, for start-up logs (never a credential)."""


def check_digest(sha256: str) -> str:
    """`sha256` if it is 64 lowercase hex digits: a key can never name a path or prefix outside the store."""
    if not _SHA256_RE.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def for_settings(settings: Settings) -> ArtifactStore:
    """The store RULEHUB_ARTIFACT_STORE names (one instance per distinct setting and data dir)."""
    return _open(settings.artifact_store.strip(), str(settings.artifacts_dir))


@functools.lru_cache(maxsize=16)
def _open(spec: str, artifacts_dir: str) -> ArtifactStore:
    from pathlib import Path

    if spec in ("", "local"):
        from rulehub.server.storage.local import LocalStore

        return LocalStore(Path(artifacts_dir))
    if spec == "database":
        from rulehub.server.storage.database import DatabaseStore

        return DatabaseStore()
    if spec.startswith("s3://"):
        from rulehub.server.storage.s3 import S3Store

        return S3Store.from_url(spec)
    raise SystemExit(f"RULEHUB_ARTIFACT_STORE={spec!r} is not a store: use local, database or s3://BUCKET[/PREFIX]")
