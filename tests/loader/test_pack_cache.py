"""The content-addressed cache: hostile archives and bad hashes are refused and leave the cache
as it was; concurrent processes fill one entry once; an entry is checked against the lock entry
at every use, and one that differs is refused."""

from __future__ import annotations

import gzip
import hashlib
import io
import multiprocessing
import shutil
import tarfile
from pathlib import Path

import pytest

from rulehub.loader.cache import PackCache
from rulehub.loader.errors import VerificationError
from rulehub.pack import build_artifact_bytes

MANIFEST = b'[pack]\nname = "acme/demo"\nversion = "1.0.0"\ndescription = "d"\nlicense = "MIT"\ntier = "free"\nengine = ">=0.1.0"\n'


def good_artifact(tmp: Path) -> bytes:
    d = tmp / "good"
    d.mkdir()
    (d / "pack.toml").write_bytes(MANIFEST)
    (d / "rule.py").write_text("RULE = None\n")
    return build_artifact_bytes(d)


def hostile(kind: str) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("pack.toml")
        info.size = len(MANIFEST)
        tar.addfile(info, io.BytesIO(MANIFEST))
        if kind == "absolute":
            info = tarfile.TarInfo("/etc/evil.py")
        elif kind == "dotdot":
            info = tarfile.TarInfo("../evil.py")
        elif kind == "symlink":
            info = tarfile.TarInfo("evil.py")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        elif kind == "hardlink":
            info = tarfile.TarInfo("evil.py")
            info.type, info.linkname = tarfile.LNKTYPE, "pack.toml"
        elif kind == "device":
            info = tarfile.TarInfo("evil")
            info.type = tarfile.CHRTYPE
        elif kind == "oversized":
            big = b"\0" * (9 * 1024 * 1024)
            info = tarfile.TarInfo("big.bin")
            info.size = len(big)
            tar.addfile(info, io.BytesIO(big))
            info = None
        if info is not None:
            tar.addfile(info, io.BytesIO(b"") if info.isreg() else None)
    return gzip.compress(raw.getvalue())


def writer(data: bytes):
    def fetch(dest: Path) -> None:
        dest.write_bytes(data)

    return fetch


def state(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if "locks" not in p.parts) if root.exists() else []


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink", "hardlink", "device", "oversized"])
def test_hostile_archives_are_refused_and_leave_the_cache_as_it_was(kind, tmp_path, user_dirs):
    cache = PackCache()
    good = good_artifact(tmp_path)
    cache.ensure("acme/demo", "1.0.0", hashlib.sha256(good).hexdigest(), writer(good))
    before = state(cache.root)
    data = hostile(kind)
    with pytest.raises(VerificationError) as info:
        cache.ensure("acme/demo", "1.0.0", hashlib.sha256(data).hexdigest(), writer(data))
    assert info.value.pack == "acme/demo" and info.value.exit_code == 3
    assert str(info.value).startswith("pack acme/demo: refused: ")
    assert state(cache.root) == before
    assert not (tmp_path / "evil.py").exists()


def test_wrong_hash_is_refused(tmp_path, user_dirs):
    cache = PackCache()
    data = good_artifact(tmp_path)
    with pytest.raises(VerificationError, match="gocheck.lock pins"):
        cache.ensure("acme/demo", "1.0.0", "a" * 64, writer(data))
    assert cache.lookup("a" * 64, "acme/demo", "1.0.0") is None
    assert not (cache.root / "sha256").exists() or not any((cache.root / "sha256").iterdir())
    assert not list((cache.root / "tmp").iterdir())


def test_manifest_must_name_the_locked_pack(tmp_path, user_dirs):
    data = good_artifact(tmp_path)
    with pytest.raises(VerificationError, match="expected acme/other 1.0.0"):
        PackCache().ensure("acme/other", "1.0.0", hashlib.sha256(data).hexdigest(), writer(data))


def test_failed_download_leaves_nothing(tmp_path, user_dirs):
    def broken(dest: Path) -> None:
        dest.write_bytes(b"partial")
        raise OSError("connection reset")

    cache = PackCache()
    with pytest.raises(OSError):
        cache.ensure("acme/demo", "1.0.0", "b" * 64, broken)
    assert not list((cache.root / "tmp").iterdir())
    assert cache.lookup("b" * 64, "acme/demo", "1.0.0") is None


def test_corrupt_entry_is_refused_at_use_and_fetched_again_once_deleted(tmp_path, user_dirs):
    cache = PackCache()
    data = good_artifact(tmp_path)
    sha = hashlib.sha256(data).hexdigest()
    cache.ensure("acme/demo", "1.0.0", sha, writer(data))
    (cache.entry(sha) / "artifact.tar.gz").write_bytes(b"garbage")
    with pytest.raises(VerificationError, match="cached artifact's sha256") as info:
        cache.lookup(sha, "acme/demo", "1.0.0")
    assert info.value.exit_code == 3 and str(cache.entry(sha)) in str(info.value)
    assert cache.verify(sha, "acme/demo", "1.0.0") is not None
    shutil.rmtree(cache.entry(sha))
    cache.ensure("acme/demo", "1.0.0", sha, writer(data))
    assert cache.lookup(sha, "acme/demo", "1.0.0") is not None and cache.verify(sha, "acme/demo", "1.0.0") is None


def test_cached_pack_is_checked_against_the_lock_entry_at_every_use(tmp_path, user_dirs):
    cache = PackCache()
    data = good_artifact(tmp_path)
    sha = hashlib.sha256(data).hexdigest()
    pack_dir = cache.ensure("acme/demo", "1.0.0", sha, writer(data))
    (pack_dir / "__pycache__").mkdir()
    (pack_dir / "__pycache__" / "rule.cpython-311.pyc").write_bytes(b"planted")
    assert cache.lookup(sha, "acme/demo", "1.0.0") == pack_dir
    assert not (pack_dir / "__pycache__").exists()  # Python would run a planted .pyc: never kept
    with pytest.raises(VerificationError, match="gocheck.lock says acme/other 1.0.0"):
        cache.lookup(sha, "acme/other", "1.0.0")  # a lock entry pointing at another pack's hash
    with pytest.raises(VerificationError, match="gocheck.lock says acme/demo 1.0.1"):
        cache.lookup(sha, "acme/demo", "1.0.1")
    (pack_dir / "extra.py").write_text("RULE = None\n")
    with pytest.raises(VerificationError, match="files not in the artifact: extra.py"):
        cache.lookup(sha, "acme/demo", "1.0.0")
    (pack_dir / "extra.py").unlink()
    manifest = pack_dir / "pack.toml"
    manifest.unlink()
    manifest.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(VerificationError, match="pack.toml is a link"):
        cache.lookup(sha, "acme/demo", "1.0.0")


def _fill(cache_dir: str, data: bytes, sha: str, counter: str, barrier) -> str:
    import os
    import time

    os.environ["GOCHECK_CACHE_DIR"] = cache_dir
    barrier.wait()

    def fetch(dest: Path) -> None:
        with open(counter, "a") as fh:
            fh.write("x")
        time.sleep(0.3)  # a slow download: the others must wait, not download too
        dest.write_bytes(data)

    return str(PackCache().ensure("acme/demo", "1.0.0", sha, fetch))


def test_concurrent_processes_download_once_and_agree(tmp_path, user_dirs):
    data = good_artifact(tmp_path)
    sha = hashlib.sha256(data).hexdigest()
    counter = tmp_path / "downloads"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            results = pool.starmap(_fill, [(str(user_dirs["cache"]), data, sha, str(counter), barrier)] * 4)
    assert len(set(results)) == 1 and Path(results[0]).joinpath("pack.toml").is_file()
    assert counter.read_text() == "x"
    assert not list((user_dirs["cache"] / "packs" / "tmp").iterdir())


def test_staging_dirs_of_killed_processes_are_swept(tmp_path, user_dirs):
    import os
    import time

    cache = PackCache()
    abandoned = cache.root / "tmp" / "abc.dead"
    abandoned.mkdir(parents=True)
    (abandoned / "artifact.tar.gz").write_bytes(b"half")
    old = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (old, old))
    data = good_artifact(tmp_path)
    cache.ensure("acme/demo", "1.0.0", hashlib.sha256(data).hexdigest(), writer(data))
    assert not abandoned.exists()
