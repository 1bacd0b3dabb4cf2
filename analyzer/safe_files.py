"""Reading the analysed tree and writing gocheck's own output files, where the tree is
untrusted: a committed symlink, FIFO or device must not make gocheck print the job's
secrets (`x.go -> /proc/self/environ`), exhaust memory (`-> /dev/zero`), hang
(a FIFO, `-> /dev/stdin`) or write outside the project.

`read_tree_file` is the one way gocheck reads a Go source (or go.mod, config, baseline)
from disk: only a regular file, resolved inside `root` when one is given, opened without
blocking and without following a final symlink, read with a bounded read.
`replace_file` writes through a temporary file renamed into place, so a symlink at the
target is replaced, never written through.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Callable

DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024  # per Go file; `max-file-size` / --max-file-size change it
_HEAD_BYTES = 64 * 1024  # enough to see a "Code generated ... DO NOT EDIT." header
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class SkippedFile(Exception):
    """A file gocheck will not read; the message says why and what to do, e.g.
    "a symlink that leads outside the checked tree"."""


class FileTooLarge(SkippedFile):
    def __init__(self, message: str, head: bytes) -> None:
        super().__init__(message)
        self.head = head  # the first bytes, to tell a generated file from a hand-written one


def read_tree_file(path: str | os.PathLike, root: str | os.PathLike | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, at most `max_bytes` of them. Raises `SkippedFile` for a file
    that is not a regular file, that resolves outside `root` (symlinks resolved) or that is
    larger than `max_bytes`, and `OSError` when reading fails."""
    # A symlink is resolved first so O_NOFOLLOW can guard the final component of what is
    # opened; a plain name (nearly every file) costs one lstat, not a realpath.
    target = os.path.realpath(path) if os.path.islink(path) else os.fspath(path)
    kind = _kind(os.stat(target).st_mode)  # before opening: a device or FIFO is never opened
    if kind is not None:
        raise SkippedFile(f"{kind}, not a regular file")
    fd = os.open(target, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)  # the name may have changed between stat and open
        if kind is not None:
            raise SkippedFile(f"{kind}, not a regular file")
        if root is not None and not is_inside(_opened_path(fd, target), _resolved(os.fspath(root))):
            what = "a symlink that leads" if _through_symlink(path, root) else "a path"
            raise SkippedFile(f"{what} outside the checked tree {os.fspath(root)}")
        if st.st_size > max_bytes:
            raise FileTooLarge(f"{st.st_size} bytes, over the {describe_size(max_bytes)} limit", os.read(fd, _HEAD_BYTES))
        data = _read_at_most(fd, max_bytes + 1, st.st_size)  # st_size can lie (/proc files say 0)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise FileTooLarge(f"over the {describe_size(max_bytes)} limit", data[:_HEAD_BYTES])
    return data


def _read_at_most(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes: one read of the expected size (plus one byte, to see the end),
    then more in 1 MiB steps for files whose size was not known."""
    chunks = []
    total = 0
    want = expected + 1 if expected else _HEAD_BYTES
    while total < limit:
        chunk = os.read(fd, min(want, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 1 << 20
    return b"".join(chunks)


def _opened_path(fd: int, name: str) -> str:
    """Where the kernel resolved the open file: exact, one syscall, and no race between
    checking a path and opening it. Without /proc, the resolved name."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(name)


@functools.lru_cache(maxsize=64)
def _resolved(root: str) -> str:
    return os.path.realpath(root)


def is_inside(path: str, directory: str) -> bool:
    """Whether the resolved `path` is `directory` or under it (both resolved)."""
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:  # different drives, or one relative and one absolute
        return False


def describe_size(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} byte"


def replace_file(path: Path, write: Callable[[IO[str]], object]) -> None:
    """Write `path` as text through a temporary file in its directory renamed over it: a
    symlink (or a hard link) at `path` is replaced, never written through."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):  # mkstemp's 0600 would surprise whoever reads the report
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _through_symlink(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """Whether a component of `path` below `root` is a symlink (else `path` was simply
    named outside the tree)."""
    p = Path(os.path.abspath(path))
    top = Path(os.path.abspath(root))
    while p != top and p != p.parent:
        if p.is_symlink():
            return True
        p = p.parent
    return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

