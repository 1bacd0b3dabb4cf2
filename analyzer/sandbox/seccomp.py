"""seccomp through Debian's libseccomp (libseccomp2): system calls pack code never needs
fail with EPERM. No sockets of any family (so no network, not even loopback or unix
sockets), no new processes or programs, no tracing or signalling other processes, no
namespaces, io_uring, BPF or kernel keyrings. Other architectures' system call tables (the
32-bit entry points) kill the process: libseccomp's default for a foreign architecture.

libseccomp is called through ctypes (five functions); PyPI's `pyseccomp` wraps the same
library but has not been released since 2021.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os

from analyzer.sandbox import SandboxUnavailable

DENIED = (
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg", "sendmmsg",
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    "ptrace", "process_vm_readv", "process_vm_writev", "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "setrlimit", "prlimit64",
)
_ACT_ALLOW = 0x7FFF0000
_ACT_ERRNO = 0x00050000


def _library() -> ctypes.CDLL:
    for name in ("libseccomp.so.2", ctypes.util.find_library("seccomp")):
        if name:
            try:
                return ctypes.CDLL(name, use_errno=True)
            except OSError:
                continue
    raise SandboxUnavailable("libseccomp is not installed (Debian/Ubuntu: apt-get install libseccomp2); pack code is not run uncontained")


class SyscallFilter:
    """Built before Landlock (libseccomp is loaded from /usr/lib), loaded after it."""

    def __init__(self) -> None:
        lib = self._lib = _library()
        lib.seccomp_init.restype = ctypes.c_void_p
        lib.seccomp_init.argtypes = [ctypes.c_uint32]
        lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
        lib.seccomp_load.argtypes = [ctypes.c_void_p]
        lib.seccomp_release.argtypes = [ctypes.c_void_p]
        self._ctx = lib.seccomp_init(_ACT_ALLOW)
        if not self._ctx:
            raise SandboxUnavailable("seccomp_init failed")
        for syscall in DENIED:
            number = lib.seccomp_syscall_resolve_name(syscall.encode())
            if number < 0:  # not a system call on this architecture
                continue
            rc = lib.seccomp_rule_add(self._ctx, _ACT_ERRNO | errno.EPERM, number, 0)
            if rc != 0:
                raise SandboxUnavailable(f"seccomp_rule_add({syscall}) failed: {os.strerror(-rc)}")

    def load(self) -> None:
        """Apply the filter to this process for good; SandboxUnavailable if it cannot be."""
        try:
            rc = self._lib.seccomp_load(self._ctx)
            if rc != 0:
                raise SandboxUnavailable(f"seccomp_load failed: {os.strerror(-rc)} (is seccomp enabled in this kernel?)")
        finally:
            self._lib.seccomp_release(self._ctx)
