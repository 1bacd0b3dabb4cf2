"""Resource limits of the worker (setrlimit), set before pack code runs; seccomp then
forbids raising them (a root worker could otherwise, with CAP_SYS_RESOURCE)."""

from __future__ import annotations

import resource

MEMORY_BYTES = 2 << 30  # address space: Python + tree-sitter + one package need a few hundred MB
CPU_SECONDS = 3600  # the worker's lifetime backstop; the parent's per-package timeout is the real bound
FILE_BYTES = 64 << 20  # largest file the worker may write (in its scratch directory)
OPEN_FILES = 64


def apply_limits(memory_bytes: int = MEMORY_BYTES) -> None:
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, CPU_SECONDS),
        (resource.RLIMIT_FSIZE, FILE_BYTES),
        (resource.RLIMIT_NOFILE, OPEN_FILES),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))
