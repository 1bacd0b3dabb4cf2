"""Artifacts as files: `<dir>/<sha[:2]>/<sha>.tar.gz`, files 0600 in directories 0700."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from rulehub.server.storage import ArtifactMissing, check_digest


class LocalStore:
    """One server's directory (replicas share it only if it is a shared volume)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        check_digest(sha256)
        return self.root / sha256[:2] / f"{sha256}.tar.gz"

    def put(self, session: Session, sha256: str, data: bytes) -> None:
        final = self.path(sha256)
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".upload-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, final)  # atomic: a reader sees the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, session: Session, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise ArtifactMissing(sha256) from None

    def describe(self) -> str:
        return f"local directory {self.root}"
