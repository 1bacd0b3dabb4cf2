"""The pack artifact: a deterministic gzip'd tar (docs/pack-protocol.md, "Artifact").

    sha = build_artifact(Path("rules/core"), Path("dist/core-0.1.0.tar.gz"))
    data = build_artifact_bytes(Path("rules/core"))
    extract_artifact(data, dest_dir)                 # refuses anything unsafe
    manifest_bytes = read_member(data, "pack.toml")

Building: entries sorted by path, mtime 0, uid/gid 0, empty uname/gname, mode 0644 for
files and 0755 for directories, gzip header mtime 0 without a file name. Hidden entries
(`.git`, `.DS_Store`), `__pycache__` and `*.pyc` are left out; a symlink or special file in
the pack directory is an error, since extraction would refuse it anyway.

Extraction and reading check every member before anything is written: absolute paths,
`..`, backslashes, duplicates, links, devices/FIFOs and oversized members or totals are
refused, and a truncated or corrupt archive is a PackFormatError, never a partial tree.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import posixpath
import stat
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from rulehub.pack.errors import PackFormatError

MAX_MEMBER_SIZE = 8 * 1024 * 1024
MAX_TOTAL_SIZE = 64 * 1024 * 1024
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class ArtifactMember:
    path: str
    size: int
    is_dir: bool


def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__" or name.endswith(".pyc")


def _collect(pack_dir: Path) -> list[tuple[str, Path, bool]]:
    entries: list[tuple[str, Path, bool]] = []
    stack = [pack_dir]
    while stack:  # iterative walk: packs are shallow, but no recursion on principle
        current = stack.pop()
        for child in current.iterdir():
            if _skipped(child.name):
                continue
            rel = child.relative_to(pack_dir).as_posix()
            mode = child.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise PackFormatError(
                    f"{rel} is a symbolic link; packs may only contain regular files and directories, copy the file in",
                    field=rel,
                    code="unsafe_member",
                )
            if stat.S_ISDIR(mode):
                entries.append((rel, child, True))
                stack.append(child)
            elif stat.S_ISREG(mode):
                entries.append((rel, child, False))
            else:
                raise PackFormatError(
                    f"{rel} is not a regular file or directory; remove it from the pack", field=rel, code="unsafe_member"
                )
    entries.sort(key=lambda e: e[0])
    return entries


def build_artifact_bytes(pack_dir: str | Path) -> bytes:
    """Pack `pack_dir` into the deterministic artifact and return its bytes."""
    root = Path(pack_dir)
    if not root.is_dir():
        raise PackFormatError(f"{root} is not a directory", code="missing_pack_dir")
    if not (root / "pack.toml").is_file():
        raise PackFormatError(f"{root} has no pack.toml; add one before building", field="pack.toml", code="missing_manifest")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, path, is_dir in _collect(root):
            info = tarfile.TarInfo(rel)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if is_dir:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                data = path.read_bytes()
                info.type = tarfile.REGTYPE
                info.mode = 0o644
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def build_artifact(pack_dir: str | Path, out_path: str | Path) -> str:
    """Write the artifact of `pack_dir` to `out_path` and return its sha256 (hex)."""
    data = build_artifact_bytes(pack_dir)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    return hashlib.sha256(data).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_name(name: str) -> str:
    if not name or "\x00" in name or "\\" in name:
        raise PackFormatError(f"archive member {name!r} has an invalid name", field=name, code="unsafe_member")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackFormatError(f"archive member {name!r} has an absolute path", field=name, code="unsafe_member")
    stripped = name.rstrip("/")
    if stripped.startswith("./"):
        stripped = stripped[2:]
    parts = stripped.split("/")
    if any(p in {"", ".", ".."} for p in parts):
        raise PackFormatError(f"archive member {name!r} escapes or has empty/'..' path parts", field=name, code="unsafe_member")
    return stripped


def _read_all(
    source: bytes | str | Path, *, max_total: int, max_member: int, max_members: int
) -> list[tuple[ArtifactMember, bytes]]:
    """Fully read and validate the archive in memory (bounded by the caps)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        fileobj: io.BufferedIOBase = io.BytesIO(bytes(source))
    else:
        fileobj = open(source, "rb")  # noqa: SIM115 - closed below
    members: list[tuple[ArtifactMember, bytes]] = []
    seen: set[str] = set()
    total = 0
    try:
        with tarfile.open(fileobj=fileobj, mode="r|gz") as tar:
            for info in tar:
                name = _check_name(info.name)
                if info.issym() or info.islnk():
                    raise PackFormatError(f"archive member {name!r} is a link; links are not allowed", field=name, code="unsafe_member")
                if info.ischr() or info.isblk() or info.isfifo() or info.isdev():
                    raise PackFormatError(f"archive member {name!r} is a device or FIFO", field=name, code="unsafe_member")
                if not (info.isfile() or info.isdir()):
                    raise PackFormatError(f"archive member {name!r} has an unsupported type", field=name, code="unsafe_member")
                if name in seen:
                    raise PackFormatError(f"archive member {name!r} appears twice", field=name, code="unsafe_member")
                seen.add(name)
                if len(seen) > max_members:
                    raise PackFormatError(f"archive has more than {max_members} members", code="artifact_too_large")
                if info.isdir():
                    members.append((ArtifactMember(name, 0, True), b""))
                    continue
                if info.size > max_member:
                    raise PackFormatError(
                        f"archive member {name!r} is {info.size} bytes, over the {max_member}-byte limit",
                        field=name,
                        code="artifact_too_large",
                    )
                total += info.size
                if total > max_total:
                    raise PackFormatError(
                        f"archive unpacks to more than {max_total} bytes", code="artifact_too_large"
                    )
                handle = tar.extractfile(info)
                data = handle.read() if handle else b""
                if len(data) != info.size:
                    raise PackFormatError(f"archive is truncated inside {name!r}", field=name, code="truncated_artifact")
                members.append((ArtifactMember(name, info.size, False), data))
    except PackFormatError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise PackFormatError(
            f"artifact is not a complete gzip'd tar ({exc}); rebuild and upload it again", code="truncated_artifact"
        ) from None
    finally:
        fileobj.close()
    return members


def list_members(
    source: bytes | str | Path,
    *,
    max_total: int = MAX_TOTAL_SIZE,
    max_member: int = MAX_MEMBER_SIZE,
    max_members: int = MAX_MEMBERS,
) -> list[ArtifactMember]:
    """Validate the whole archive and list its members in archive order."""
    return [m for m, _ in _read_all(source, max_total=max_total, max_member=max_member, max_members=max_members)]


def read_member(
    source: bytes | str | Path,
    name: str,
    *,
    max_total: int = MAX_TOTAL_SIZE,
    max_member: int = MAX_MEMBER_SIZE,
    max_members: int = MAX_MEMBERS,
) -> bytes:
    """Return one regular file's bytes after validating the whole archive.

    Raises PackFormatError(code="missing_member") if the archive has no such file.
    """
    for member, data in _read_all(source, max_total=max_total, max_member=max_member, max_members=max_members):
        if member.path == name and not member.is_dir:
            return data
    raise PackFormatError(f"artifact has no {name}", field=name, code="missing_member")


def extract_artifact(
    source: bytes | str | Path,
    dest_dir: str | Path,
    *,
    max_total: int = MAX_TOTAL_SIZE,
    max_member: int = MAX_MEMBER_SIZE,
    max_members: int = MAX_MEMBERS,
) -> list[str]:
    """Validate the whole archive, then write it under `dest_dir` (created; must be empty).

    Returns the extracted file paths (relative, POSIX).  Files are written 0644 and
    directories 0755 regardless of the archive's modes; nothing is written if any member
    is refused.
    """
    members = _read_all(source, max_total=max_total, max_member=max_member, max_members=max_members)
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise PackFormatError(f"{dest} is not empty; extract into a fresh directory", code="dest_not_empty")
    root = dest.resolve()
    written: list[str] = []
    for member, data in members:
        target = (root / member.path).resolve()
        if root != target and root not in target.parents:  # defence in depth after _check_name
            raise PackFormatError(f"archive member {member.path!r} escapes the destination", code="unsafe_member")
        if member.is_dir:
            target.mkdir(parents=True, exist_ok=True)
            os.chmod(target, 0o755)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(target, 0o644)
        written.append(posixpath.normpath(member.path))
    return written
