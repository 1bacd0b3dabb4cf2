"""The content-addressed pack cache: `<cache>/packs/sha256/<hex>/{artifact.tar.gz, pack/}`.

Verified at every use, not only at download: `lookup` (every run, before any pack code is
imported) hashes the kept artifact against the lock's sha256, unpacks it into a scratch
directory and compares every extracted file with it byte for byte (no file missing, changed
or added, no links), and checks that its pack.toml names the lock entry's pack and version.
Any difference is a VerificationError naming the pack (exit 3), so an edited cached file or a
lock entry pointing at another pack's hash never loads.  `__pycache__` directories in an
entry are removed before use: Python would run a planted .pyc whose header matches its source.

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
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from rulehub.loader.errors import VerificationError
from rulehub.loader.userdirs import cache_dir
from rulehub.pack import PackFormatError, extract_artifact, load_manifest, parse_manifest, read_member

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

    def is_cached(self, sha256: str) -> bool:
        """The entry exists (not checked: `lookup` checks it before use)."""
        entry = self.entry(sha256)
        return (entry / ARTIFACT).is_file() and (entry / PACK_DIR).is_dir()

    def lookup(self, sha256: str, pack: str, version: str) -> Path | None:
        """The extracted pack directory, checked against `sha256`, `pack` and `version` now;
        None if there is no complete entry.  Raises VerificationError if the entry differs."""
        if not self.is_cached(sha256):
            return None
        problem = self.verify(sha256, pack, version)
        if problem is not None:
            raise VerificationError(
                pack, f"the cached copy of {pack} {version} ({self.entry(sha256)}) does not match gocheck.lock: {problem}; "
                "none of it was loaded. If you did not change it yourself, find out who did; then delete that directory "
                "and run gocheck again to download the pack afresh"
            )
        return self.pack_dir(sha256)

    def ensure(self, pack: str, version: str, sha256: str, fetch: Callable[[Path], None]) -> Path:
        """Return the verified, extracted pack for `sha256`, calling `fetch(dest_file)` if needed.

        `fetch` writes the artifact's bytes to the path it is given (after its own checks).
        Here the bytes are checked against `sha256`, the archive is validated and extracted
        (refusing unsafe members), and the manifest must name `pack` at `version`.
        """
        found = self.lookup(sha256, pack, version)
        if found is not None:
            return found
        (self.root / "locks").mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / "locks" / f"{sha256}.lock")):
            found = self.lookup(sha256, pack, version)  # another process may have finished while we waited
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
                if entry.exists():  # an incomplete leftover (no artifact or no pack/): replace it
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

    def verify(self, sha256: str, pack: str, version: str) -> str | None:
        """What differs between the cached entry and the lock entry (`sha256`, `pack`,
        `version`), or None if nothing does (also for `gocheck packs verify`).  Removes the
        entry's `__pycache__` dirs."""
        entry = self.entry(sha256)
        try:
            data = (entry / ARTIFACT).read_bytes()  # hashed and unpacked from these same bytes
        except FileNotFoundError:
            return "not in the cache"
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            return f"the cached artifact's sha256 is {actual}"
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.root / "tmp") as tmp:
            reference = Path(tmp) / PACK_DIR
            try:
                files = extract_artifact(data, reference)
                manifest = load_manifest(reference)
            except PackFormatError as exc:
                return f"the cached artifact is unsafe or corrupt: {exc}"
            if (manifest.name, manifest.version) != (pack, version):
                return f"it is {manifest.name} {manifest.version}, but gocheck.lock says {pack} {version} for sha256 {sha256[:16]}..."
            return _extracted_differs(entry / PACK_DIR, reference, files)


def _extracted_differs(pack_dir: Path, reference: Path, files: list[str]) -> str | None:
    """Compare the extracted pack with a fresh extraction of the verified artifact: every file
    the same bytes, nothing missing, no file, link or special file added."""
    if pack_dir.is_symlink():
        return f"{pack_dir} is a link"
    found: set[str] = set()
    stack = [pack_dir]
    while stack:
        current = stack.pop()
        for child in current.iterdir():
            mode = child.lstat().st_mode
            if stat.S_ISDIR(mode):
                if child.name == "__pycache__":
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    stack.append(child)
            elif stat.S_ISREG(mode):
                found.add(child.relative_to(pack_dir).as_posix())
            else:
                return f"{child.relative_to(pack_dir).as_posix()} is a link or special file, not in the artifact"
    added = sorted(found - set(files))
    if added:
        return f"files not in the artifact: {', '.join(added[:5])}"
    for rel in files:
        if rel not in found:
            return f"{rel} is missing"
        if (pack_dir / rel).read_bytes() != (reference / rel).read_bytes():
            return f"{rel} was changed after download"
    return None
