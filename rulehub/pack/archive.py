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
`..`, backslashes, non-UTF-8 or overlong names, duplicates, links, devices/FIFOs, sparse
members and anything over `PACK_LIMITS` are refused, and a truncated or corrupt archive is
a PackFormatError, never a partial tree.  The limits hold on the bytes read, not only on
the sizes members declare: decompression stops at the cap and the raw tar headers are
checked before `tarfile` expands a long-name or PAX header (a 1 MB upload whose tar has a
1 GiB long-name header costs at most the cap, then is refused).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import posixpath
import re
import stat
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from rulehub.pack.errors import PackFormatError

MAX_MEMBER_SIZE = 8 * 1024 * 1024
MAX_TOTAL_SIZE = 64 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_NAME_LENGTH = 1024
MAX_EXTENDED_HEADER = 8 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """What a pack artifact may hold.  One set, `PACK_LIMITS`, for every reader: the hub
    refuses to store what the loader would refuse to install, and `build_artifact` refuses
    to build it.

    - `max_unpacked_size`: every byte of the uncompressed tar (headers, long-name and PAX
      records, padding, file data), enforced while decompressing.
    - `max_member_size`, `max_members`: per file, and files plus directories.
    - `max_name_length`: bytes of a member's UTF-8 path, also the most a GNU long-name
      header may carry; `max_extended_header`: bytes of one PAX header.
    """

    max_unpacked_size: int = MAX_TOTAL_SIZE
    max_member_size: int = MAX_MEMBER_SIZE
    max_members: int = MAX_MEMBERS
    max_name_length: int = MAX_NAME_LENGTH
    max_extended_header: int = MAX_EXTENDED_HEADER


PACK_LIMITS = ArchiveLimits()

_BLOCK = tarfile.BLOCKSIZE
_ZERO_BLOCK = bytes(_BLOCK)
_CHUNK = 1024 * 1024
# Anywhere in the header, not only at record starts: a false match refuses, a miss could desync.
_PAX_SIZE_OR_SPARSE = re.compile(rb"\d (?:size|GNU\.sparse\.[^=]*)=")


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
    data = out.getvalue()
    list_members(data)  # what no hub would accept and no client would install is refused here, at build time
    return data


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


def _check_name(name: str, limits: ArchiveLimits) -> str:
    try:
        encoded = name.encode("utf-8")  # tarfile decodes undecodable bytes to lone surrogates
    except UnicodeEncodeError:
        raise PackFormatError(
            f"archive member {name.encode('utf-8', 'backslashreplace').decode('ascii', 'replace')!r} has a name "
            "that is not UTF-8; rename the file", code="invalid_member_name",
        ) from None
    if len(encoded) > limits.max_name_length:
        raise PackFormatError(f"archive member name {name[:60]!r}... is {len(encoded)} bytes, over the "
                              f"{limits.max_name_length}-byte limit", code="invalid_member_name")
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


def _header_size(block: bytes) -> int:
    """The size field of a tar header block, after the checksum test `tarfile` applies."""
    try:
        valid = tarfile.nti(block[148:156]) in tarfile.calc_chksums(block)  # type: ignore[attr-defined]  # tarfile's own header parsing, undocumented
        size = tarfile.nti(block[124:136]) if valid else 0  # type: ignore[attr-defined]
    except tarfile.InvalidHeaderError:  # type: ignore[attr-defined]
        valid = False
    if not valid:
        raise PackFormatError("artifact is not a complete gzip'd tar (bad header); rebuild and upload it again",
                              code="truncated_artifact")
    if size < 0:
        raise PackFormatError("archive has a tar header with a negative size", code="invalid_tar_header")
    return size


_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)
_LONG_NAMES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)


class _HeaderScan:
    """Checks the raw 512-byte tar headers as the decompressed bytes arrive, before `tarfile`
    parses any of them: long-name (GNU `././@LongLink`) and PAX headers over the limits, GNU
    sparse members, PAX `size` records (they would move the next header; no pack member
    needs one) and oversized members are refused as soon as their header is seen."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.next_header = 0
        self.ended = False

    def advance(self, tar: bytearray) -> None:
        while not self.ended and self.next_header + _BLOCK <= len(tar):
            start = self.next_header
            block = bytes(tar[start:start + _BLOCK])
            if block == _ZERO_BLOCK:
                self.ended = True  # end of archive, as tarfile sees it
                return
            kind = block[156:157]
            size = _header_size(block)
            if kind in _LONG_NAMES and size > self.limits.max_name_length + 1:  # + its NUL terminator
                raise PackFormatError(f"archive has a {size}-byte long-name header; member names are at most "
                                      f"{self.limits.max_name_length} bytes", code="invalid_member_name")
            if kind in _EXTENDED:
                if size > self.limits.max_extended_header:
                    raise PackFormatError(f"archive has a {size}-byte PAX header; at most "
                                          f"{self.limits.max_extended_header} bytes are allowed", code="invalid_tar_header")
                if start + _BLOCK + size > len(tar):
                    return  # its records have not all arrived yet
                if _PAX_SIZE_OR_SPARSE.search(tar, start + _BLOCK, start + _BLOCK + size):
                    raise PackFormatError("archive has a PAX size or sparse record; rebuild it with `gocheck pack build`",
                                          code="invalid_tar_header")
            if kind == tarfile.GNUTYPE_SPARSE:
                raise PackFormatError("archive has a sparse member; rebuild it with `gocheck pack build`",
                                      code="invalid_tar_header")
            if kind in tarfile.REGULAR_TYPES and size > self.limits.max_member_size:
                raise PackFormatError(f"archive member of {size} bytes is over the "
                                      f"{self.limits.max_member_size}-byte limit", code="artifact_too_large")
            # tarfile skips data blocks after these (and unknown types) only; links, devices and
            # directories are followed by the next header whatever their size field says.
            has_data = kind in tarfile.REGULAR_TYPES or kind in _LONG_NAMES or kind in _EXTENDED \
                or kind not in tarfile.SUPPORTED_TYPES
            self.next_header = start + _BLOCK + (-(-size // _BLOCK) * _BLOCK if has_data else 0)


def _gunzip_checked(compressed: bytes, limits: ArchiveLimits) -> bytes:
    """The decompressed tar, refused (`artifact_too_large`) as soon as it would pass
    `limits.max_unpacked_size`, its headers checked (`_HeaderScan`) chunk by chunk: never
    more than the cap (plus one chunk) is held, whatever the compression ratio, and a bad
    header is refused once its chunk arrives."""
    out = bytearray()
    scan = _HeaderScan(limits)
    rest = compressed
    while True:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing only
        pending = rest
        while pending and not inflater.eof:
            try:
                out += inflater.decompress(pending, _CHUNK)
            except zlib.error as exc:
                raise PackFormatError(f"artifact is not a gzip stream ({exc}); rebuild and upload it again",
                                      code="truncated_artifact") from None
            scan.advance(out)
            if len(out) > limits.max_unpacked_size:
                raise PackFormatError(f"archive unpacks to more than {limits.max_unpacked_size} bytes",
                                      code="artifact_too_large")
            pending = inflater.unconsumed_tail
        if not inflater.eof:
            raise PackFormatError("artifact is not a complete gzip stream; rebuild and upload it again",
                                  code="truncated_artifact")
        rest = inflater.unused_data
        if not rest.strip(b"\x00"):  # trailing zero padding is allowed, as gzip(1) allows it
            return bytes(out)


def _read_all(source: bytes | str | Path, limits: ArchiveLimits) -> list[tuple[ArtifactMember, bytes]]:
    """Fully read and validate the archive in memory, bounded by `limits`.

    Every byte of the uncompressed tar counts against `limits.max_unpacked_size`: it is
    decompressed with that hard cap and its headers are scanned (`_HeaderScan`) before
    `tarfile` expands any of them, so a small upload cannot make the reader hold more.
    """
    compressed = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else Path(source).read_bytes()
    tar_bytes = _gunzip_checked(compressed, limits)
    members: list[tuple[ArtifactMember, bytes]] = []
    seen: set[str] = set()
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:", encoding="utf-8",
                          errors="surrogateescape") as tar:
            for info in tar:
                name = _check_name(info.name, limits)
                if info.issym() or info.islnk():
                    raise PackFormatError(f"archive member {name!r} is a link; links are not allowed", field=name, code="unsafe_member")
                if info.ischr() or info.isblk() or info.isfifo() or info.isdev():
                    raise PackFormatError(f"archive member {name!r} is a device or FIFO", field=name, code="unsafe_member")
                if not (info.isfile() or info.isdir()):
                    raise PackFormatError(f"archive member {name!r} has an unsupported type", field=name, code="unsafe_member")
                if name in seen:
                    raise PackFormatError(f"archive member {name!r} appears twice", field=name, code="unsafe_member")
                seen.add(name)
                if len(seen) > limits.max_members:
                    raise PackFormatError(f"archive has more than {limits.max_members} members", code="artifact_too_large")
                if info.isdir():
                    members.append((ArtifactMember(name, 0, True), b""))
                    continue
                if info.size > limits.max_member_size:
                    raise PackFormatError(
                        f"archive member {name!r} is {info.size} bytes, over the {limits.max_member_size}-byte limit",
                        field=name,
                        code="artifact_too_large",
                    )
                total += info.size
                if total > limits.max_unpacked_size:
                    raise PackFormatError(
                        f"archive unpacks to more than {limits.max_unpacked_size} bytes", code="artifact_too_large"
                    )
                handle = tar.extractfile(info)
                data = handle.read() if handle else b""
                if len(data) != info.size:
                    raise PackFormatError(f"archive is truncated inside {name!r}", field=name, code="truncated_artifact")
                members.append((ArtifactMember(name, info.size, False), data))
    except PackFormatError:
        raise
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise PackFormatError(
            f"artifact is not a complete gzip'd tar ({exc}); rebuild and upload it again", code="truncated_artifact"
        ) from None
    return members


def list_members(
    source: bytes | str | Path,
    *,
    limits: ArchiveLimits = PACK_LIMITS,
) -> list[ArtifactMember]:
    """Validate the whole archive and list its members in archive order."""
    return [m for m, _ in _read_all(source, limits)]


def read_member(
    source: bytes | str | Path,
    name: str,
    *,
    limits: ArchiveLimits = PACK_LIMITS,
) -> bytes:
    """Return one regular file's bytes after validating the whole archive.

    Raises PackFormatError(code="missing_member") if the archive has no such file.
    """
    for member, data in _read_all(source, limits):
        if member.path == name and not member.is_dir:
            return data
    raise PackFormatError(f"artifact has no {name}", field=name, code="missing_member")


def extract_artifact(
    source: bytes | str | Path,
    dest_dir: str | Path,
    *,
    limits: ArchiveLimits = PACK_LIMITS,
) -> list[str]:
    """Validate the whole archive, then write it under `dest_dir` (created; must be empty).

    Returns the extracted file paths (relative, POSIX).  Files are written 0644 and
    directories 0755 regardless of the archive's modes; nothing is written if any member
    is refused.
    """
    members = _read_all(source, limits)
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
