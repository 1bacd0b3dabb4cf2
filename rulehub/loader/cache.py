"""The content-addressed pack cache: `<cache>/packs/sha256/<hex>/{artifact.tar.gz, pack/}`.

An entry appears only complete: it is built in a temporary directory next to its final
place and renamed into it.  A per-hash file lock stops two processes (gocheck runs, language
servers) from downloading the same pack twice; if one wins the rename anyway, the other
drops its copy.  Nothing is written into an entry after the rename, so a reader never sees
half a pack; a failed download or a refused archive leaves the cache as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from rulehub.loader.errors import VerificationError
from rulehub.loader.userdirs import cache_dir
from rulehub.pack import PackFormatError, extract_artifact, parse_manifest, read_member

ARTIFACT = "artifact.tar.gz"
PACK_DIR = "pack"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _sweep_abandoned(tmp_parent: Path, max_age: float = 24 * 3600) -> None:
    """Remove staging dirs of processes killed mid-download (a day old: none still in use)."""
    cutoff = time.time() - max_age
    for d in tmp_parent.iterdir():
        try:
            if d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


class PackCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "packs"

    def entry(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256

    def pack_dir(self, sha256: str) -> Path:
        return self.entry(sha256) / PACK_DIR

    def lookup(self, sha256: str) -> Path | None:
        """The extracted pack directory if the entry is complete and its artifact has that hash."""
        entry = self.entry(sha256)
        artifact = entry / ARTIFACT
        if not (artifact.is_file() and (entry / PACK_DIR).is_dir()):
            return None
        if _sha256_file(artifact) != sha256:
            return None  # corrupted on disk: treat as absent, `ensure` replaces it
        return entry / PACK_DIR

    def ensure(self, pack: str, version: str, sha256: str, fetch: Callable[[Path], None]) -> Path:
        """Return the verified, extracted pack for `sha256`, calling `fetch(dest_file)` if needed.

        `fetch` writes the artifact's bytes to the path it is given (after its own checks).
        Here the bytes are checked against `sha256`, the archive is validated and extracted
        (refusing unsafe members), and the manifest must name `pack` at `version`.
        """
        found = self.lookup(sha256)
        if found is not None:
            return found
        (self.root / "locks").mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / "locks" / f"{sha256}.lock")):
            found = self.lookup(sha256)  # another process may have finished while we waited
            if found is not None:
                return found
            tmp_parent = self.root / "tmp"
            tmp_parent.mkdir(parents=True, exist_ok=True)
            _sweep_abandoned(tmp_parent)
            staging = Path(tempfile.mkdtemp(prefix=sha256[:12] + ".", dir=tmp_parent))
            try:
                artifact = staging / ARTIFACT
                fetch(artifact)
                self._check(pack, version, sha256, artifact)
                try:
                    extract_artifact(artifact, staging / PACK_DIR)
                except PackFormatError as exc:
                    raise VerificationError(pack, f"unsafe or corrupt archive: {exc}") from None
                entry = self.entry(sha256)
                entry.parent.mkdir(parents=True, exist_ok=True)
                if entry.exists():  # a broken leftover (failed lookup above): move it aside first
                    shutil.rmtree(entry, ignore_errors=True)
                os.rename(staging, entry)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
        return self.pack_dir(sha256)

    @staticmethod
    def _check(pack: str, version: str, sha256: str, artifact: Path) -> None:
        actual = _sha256_file(artifact)
        if actual != sha256:
            raise VerificationError(pack, f"artifact sha256 is {actual}, gocheck.lock pins {sha256}")
        try:
            manifest = parse_manifest(read_member(artifact, "pack.toml"))
        except PackFormatError as exc:
            raise VerificationError(pack, f"unsafe or corrupt archive: {exc}") from None
        if (manifest.name, manifest.version) != (pack, version):
            raise VerificationError(pack, f"the artifact's pack.toml says {manifest.name} {manifest.version}, expected {pack} {version}")

    def verify(self, sha256: str) -> str | None:
        """Re-check a cached entry: None if good, else what is wrong (for `gocheck packs verify`)."""
        entry = self.entry(sha256)
        artifact = entry / ARTIFACT
        if not artifact.is_file():
            return "not in the cache"
        actual = _sha256_file(artifact)
        if actual != sha256:
            return f"cached artifact's sha256 is {actual}"
        with tempfile.TemporaryDirectory(dir=self.root) as tmp:
            try:
                files = extract_artifact(artifact, Path(tmp) / "x")
            except PackFormatError as exc:
                return f"cached artifact is unsafe or corrupt: {exc}"
            pack_dir = entry / PACK_DIR
            for rel in files:
                extracted = pack_dir / rel
                if not extracted.is_file() or extracted.read_bytes() != (Path(tmp) / "x" / rel).read_bytes():
                    return f"extracted file {rel} differs from the artifact"
            extra = {p.relative_to(pack_dir).as_posix() for p in pack_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
            unexpected = sorted(extra - set(files))
            if unexpected:
                return f"extracted directory has files not in the artifact: {', '.join(unexpected[:5])}"
        return None
