"""Landlock (Linux >= 5.13): the worker may read only what it needs and write only its
scratch directory; with ABI >= 4 it may not bind or connect TCP sockets; with ABI >= 6 it
may not signal processes or reach abstract unix sockets outside its own domain.

A ctypes binding of the three syscalls: the PyPI `landlock` package (1.0.0.dev5, alpha)
covers neither network rules (ABI 4) nor scopes (ABI 6).
"""

from __future__ import annotations

import ctypes
import os
import platform

from analyzer.sandbox import SandboxUnavailable

_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}  # create_ruleset, add_rule, restrict_self
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# LANDLOCK_ACCESS_FS_*, by the ABI version that introduced them
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI1 = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)


def _numbers() -> tuple[int, int, int]:
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None:
        raise SandboxUnavailable(f"Landlock: unsupported architecture {platform.machine()}")
    return numbers


def abi_version() -> int:
    """The kernel's Landlock ABI version; 0 when Landlock is absent or disabled."""
    try:
        create, _, _ = _numbers()
    except SandboxUnavailable:
        return 0
    version = _libc.syscall(create, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(version, 0)


def restrict(read_only: list[str], read_write: list[str]) -> int:
    """Restrict this process (and its future children) for good; returns the ABI used.
    Raises SandboxUnavailable when the kernel has no Landlock."""
    abi = abi_version()
    if abi < 1:
        raise SandboxUnavailable("Landlock is not available in this kernel (Linux >= 5.13 with landlock in the lsm= list); pack code is not run uncontained")
    create, add_rule, restrict_self = _numbers()
    fs = _FS_ABI1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0) | (_FS_IOCTL_DEV if abi >= 5 else 0)
    net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0
    attr = _RulesetAttr(fs, net, scoped)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = _libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise SandboxUnavailable(f"Landlock: create_ruleset failed: {os.strerror(ctypes.get_errno())}")
    try:
        read_write_access = fs & ~(_FS_EXECUTE | _FS_IOCTL_DEV)
        for paths, access in ((read_only, READ), (read_write, read_write_access)):
            for path in paths:
                _allow(add_rule, ruleset, path, access)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise SandboxUnavailable(f"prctl(NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
        if _libc.syscall(restrict_self, ruleset, ctypes.c_uint32(0)) != 0:
            raise SandboxUnavailable(f"Landlock: restrict_self failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
    return abi


def _allow(add_rule: int, ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):  # directory-only rights cannot be granted on a file
            access &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
        rule = _PathBeneathAttr(access, fd)
        if _libc.syscall(add_rule, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            raise SandboxUnavailable(f"Landlock: add_rule({path}) failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)
