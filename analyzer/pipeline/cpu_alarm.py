"""A CPU-time alarm for a thread other than the main one (the language server checks in a
worker thread, where SIGVTALRM cannot be used): one watcher thread reads each armed
thread's own CPU clock and, past its deadline, raises the given exception in that thread
(`PyThreadState_SetAsyncExc`), at the next bytecode the thread runs. Pure-Python loops are
interrupted; a single long call into C finishes first. Linux and other systems with
`pthread_getcpuclockid`; elsewhere `thread_cpu_limit` sets no alarm."""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time
from typing import Iterator

_POLL_SECONDS = 0.02


class _Watcher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._armed: dict[int, tuple[int, float, type[BaseException]]] = {}  # thread -> (clock, deadline, exception)
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None

    def arm(self, ident: int, clock: int, seconds: float, exc: type[BaseException]) -> None:
        deadline = time.clock_gettime(clock) + seconds
        with self._lock:
            self._armed[ident] = (clock, deadline, exc)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gocheck-cpu-alarm", daemon=True)
                self._thread.start()
            self._wake.notify()

    def disarm(self, ident: int) -> None:
        with self._lock:
            self._armed.pop(ident, None)
            if ident in self._fired:  # raised already, or about to be: make sure it is not later
                self._fired.discard(ident)
                _set_async_exc(ident, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._armed:
                    self._wake.wait()
                    continue
                for ident, (clock, deadline, exc) in list(self._armed.items()):
                    try:
                        used_up = time.clock_gettime(clock) >= deadline
                    except OSError:  # the thread is gone
                        del self._armed[ident]
                        continue
                    if used_up:
                        del self._armed[ident]
                        self._fired.add(ident)
                        _set_async_exc(ident, exc)
                self._wake.wait(_POLL_SECONDS)


def _set_async_exc(ident: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc is not None else ctypes.c_void_p(None))


_WATCHER = _Watcher()


@contextlib.contextmanager
def thread_cpu_limit(seconds: float, exc: type[BaseException]) -> Iterator[None]:
    """Raise `exc` in the calling thread once it has used `seconds` of CPU inside the block."""
    ident = threading.get_ident()
    try:
        clock = time.pthread_getcpuclockid(ident)
    except (AttributeError, OSError):
        yield
        return
    _WATCHER.arm(ident, clock, seconds, exc)
    try:
        yield
    finally:
        _WATCHER.disarm(ident)
