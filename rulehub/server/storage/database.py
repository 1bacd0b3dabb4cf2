"""Artifacts as rows of the hub's database (`artifact_blobs`: sha256 primary key, bytes).

Replicas on one PostgreSQL share them with no other service.  The row is written in the
caller's session, so it commits or rolls back with the version row that names it.  A
concurrent publish of the same bytes (another pack, same content) inserts the same key: the
savepoint turns that into "already there".  Artifacts are at most RULEHUB_MAX_UPLOAD
(16 MiB by default), well inside PostgreSQL's 1 GB bytea limit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rulehub.server.models import ArtifactBlob
from rulehub.server.storage import ArtifactMissing, check_digest


class DatabaseStore:
    def put(self, session: Session, sha256: str, data: bytes) -> None:
        check_digest(sha256)
        if session.scalar(select(ArtifactBlob.sha256).where(ArtifactBlob.sha256 == sha256)) is not None:
            return
        try:
            with session.begin_nested():
                session.add(ArtifactBlob(sha256=sha256, size=len(data), data=data))
        except IntegrityError:
            pass  # the same bytes, stored by a concurrent publish

    def get(self, session: Session, sha256: str) -> bytes:
        data = session.scalar(select(ArtifactBlob.data).where(ArtifactBlob.sha256 == check_digest(sha256)))
        if data is None:
            raise ArtifactMissing(sha256)
        return bytes(data)

    def describe(self) -> str:
        return "database table artifact_blobs"
