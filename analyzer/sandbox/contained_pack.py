"""The parent's side of a contained pack: a worker process per pack (per process of the run:
a forked job starts its own), and parent-side `Rule` stubs whose `run` sends the package's
source to the worker and reports the validated answer through the ordinary `Pass`, so
suppression, baselines and reporters treat those findings like any other.

Any failure of the worker (crash, hang past the timeout, memory limit, an oversized or
invalid answer) is raised from the stub's `run`, which the engine turns into an `internal`
finding naming the rule; the worker is then replaced for the next package.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.api.analysis_pass import Package, Pass
from analyzer.api.diagnostics import Edit, Fix
from analyzer.api.rule import Rule
from analyzer.sandbox import SandboxUnavailable, WorkerFailed, protocol
from analyzer.sandbox.environment import worker_environment
from analyzer.sandbox.limits import MEMORY_BYTES

# Wall-clock seconds one package may take in a worker; GOCHECK_PACK_TIMEOUT overrides it.
DEFAULT_PACKAGE_TIMEOUT = 120.0
START_TIMEOUT = 30.0
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = "import sys; sys.path[0] = sys.argv[1]; from analyzer.sandbox.worker import main; sys.exit(main())"
_LIVE: "weakref.WeakSet[_Worker]" = weakref.WeakSet()


def package_timeout() -> float:
    try:
        return float(os.environ.get("GOCHECK_PACK_TIMEOUT", DEFAULT_PACKAGE_TIMEOUT))
    except ValueError:
        return DEFAULT_PACKAGE_TIMEOUT


class _Worker:
    """One contained worker process and its scratch directory."""

    def __init__(self, pack_dir: Path) -> None:
        self.scratch = tempfile.mkdtemp(prefix="gocheck-pack-")
        self.log = Path(self.scratch) / "worker.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-E", "-s", "-c", _BOOT, _SOURCE_ROOT],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=self.scratch,
                env=worker_environment(self.scratch), close_fds=True, start_new_session=True,
            )
        assert self.proc.stdin is not None and self.proc.stdout is not None  # both are pipes
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.pid = os.getpid()
        self._buffer = bytearray()
        _LIVE.add(self)
        timeout = package_timeout()
        try:
            self.hello = self.ask({"packs": [str(pack_dir)], "scratch": self.scratch, "memory_bytes": MEMORY_BYTES,
                                   "rule_budget_seconds": timeout / 2}, START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def ask(self, message: dict, timeout: float) -> dict:
        try:
            self.stdin.write(protocol.encode(message))
            self.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerFailed(self._ended("stopped before the request was sent")) from None
        return protocol.decode_answer(self._read_line(time.monotonic() + timeout))

    def _read_line(self, deadline: float) -> bytes:
        fd = self.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if len(self._buffer) > protocol.MAX_ANSWER_BYTES:
                    raise WorkerFailed(f"the worker's answer exceeded {protocol.MAX_ANSWER_BYTES} bytes")
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise WorkerFailed(f"no answer within {package_timeout():g}s (GOCHECK_PACK_TIMEOUT)")
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise WorkerFailed(self._ended("ended without answering"))
                self._buffer += chunk
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        return line

    def _ended(self, what: str) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        how = f"killed by signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"
        try:
            with open(self.log, "rb") as fh:
                fh.seek(max(0, os.fstat(fh.fileno()).st_size - 300))
                tail = fh.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        except (OSError, IndexError):
            tail = []
        return f"the worker {what} ({how}{'; ' + tail[0][:200] if tail else ''})"

    def __del__(self) -> None:  # a language server reloading its rules drops old packs
        if getattr(self, "proc", None) is not None and self.proc.returncode is None:
            self.close()

    def close(self) -> None:
        _LIVE.discard(self)
        if self.pid != os.getpid():  # a forked job's copy: the process belongs to the parent
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.scratch, ignore_errors=True)


@atexit.register
def _close_all() -> None:
    for worker in list(_LIVE):
        worker.close()


@dataclass
class _PackageResult:
    package: Package
    findings: dict[str, list[dict]] = field(default_factory=dict)
    failures: dict[str | None, str] = field(default_factory=dict)


class ContainedPack:
    """The Python rules of one downloaded pack, run in a contained worker."""

    def __init__(self, name: str, directory: Path) -> None:
        self.name = name
        self.directory = directory
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._last: _PackageResult | None = None
        self.rule_names: set[str] = set()

    def describe(self) -> list[Rule]:
        """Start a worker, which loads the pack contained, and build a stub per rule it has."""
        try:
            hello = self._live_worker().hello
        except (WorkerFailed, SandboxUnavailable) as exc:
            raise SandboxUnavailable(f"pack {self.name}: {exc}") from None
        digest = _directory_digest(self.directory)
        rules = [protocol.rule_fields(item, self.name) for item in protocol._list(hello.get("rules"), "rules")]
        self.rule_names = {r["name"] for r in rules}
        return [Rule(run=_stub_run(self, digest), pack=self.name, **fields) for fields in rules]

    def report(self, pass_: Pass) -> None:
        with self._lock:
            result = self._result(pass_.package)
        name = pass_.rule.name
        failure = result.failures.get(name) or result.failures.get(None)
        if failure is not None:
            raise WorkerFailed(f"in the contained worker of {self.name}: {failure}")
        files = {f.path: f for f in pass_.files}
        for item in result.findings.get(name, ()):
            fix = item["fix"]
            pass_.report(
                files[item["path"]], (item["start"], item["end"]), item["message"],
                Fix(fix["message"], tuple(Edit(*e) for e in fix["edits"]), fix["safe"]) if fix else None,
                item["severity"],
            )

    def _result(self, package: Package) -> _PackageResult:
        if self._last is not None and self._last.package is package:
            return self._last
        self._last = result = _PackageResult(package)
        try:
            worker = self._live_worker()
            answer = worker.ask(protocol.package_request(package.directory, package.go_version, [(f.path, f.source) for f in package.files]), package_timeout())
            sizes = {f.path: len(f.source) for f in package.files}
            for item in protocol.findings(answer, self.rule_names, sizes):
                result.findings.setdefault(item["rule"], []).append(item)
            result.failures = protocol.failures(answer, self.rule_names)
        except (WorkerFailed, SandboxUnavailable) as exc:
            result.failures[None] = str(exc)
            self._stop_worker()
        except BaseException:  # e.g. the engine's rule budget: the worker's state is unknown
            self._last = None
            self._stop_worker()
            raise
        return result

    def _live_worker(self) -> _Worker:
        if self._worker is None or self._worker.pid != os.getpid():
            self._worker = None
            self._worker = _Worker(self.directory)
        return self._worker

    def _stop_worker(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def close(self) -> None:
        with self._lock:
            self._stop_worker()


def _stub_run(pack: ContainedPack, pack_digest: str):
    # pack_digest is closed over so the result cache's rule-set fingerprint changes with the pack's files
    def run(pass_: Pass) -> None:
        assert pack_digest
        pack.report(pass_)

    return run


def _directory_digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
