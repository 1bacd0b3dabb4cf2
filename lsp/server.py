"""The gocheck language server (pygls 2): LSP features on top of the engine.

This module holds editor state (open documents, debounce timers, the last results) and
registers features; checking lives in `lsp.live_check`, LSP conversion in `lsp.convert`,
positions in `lsp.positions`. Every handler is guarded: an exception is logged to the
client (window/logMessage) and the server goes on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import queue
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from lsprotocol import types
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from analyzer import ENGINE_VERSION
from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.api.diagnostics import Diagnostic
from analyzer.golang.source import GoFile
from lsp import convert, rule_references
from lsp.disk_watch import DiskChanges, DiskWatch
from lsp.documents import Document, DocumentStore, uri_to_path
from lsp.live_check import LiveChecker, PackageResult, forget_go_mod_facts
from lsp.positions import ENCODINGS, UTF16, position_to_offset
from lsp.workspace_rules import CONFIG_FILE, LOCK_FILE, WorkspaceRules, load_workspace_rules

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 150
# After a provisional (edited-functions-only) result, the full package check waits this
# long for typing to pause.
DEFAULT_FULL_CHECK_DELAY_MS = 750
# How often files on disk are polled for changes when the client watches none for us.
DEFAULT_POLL_MS = 1000
GO_MOD = "go.mod"


class GocheckProtocol(LanguageServerProtocol):
    """Prefers UTF-8 positions whenever the client offers them: they are the engine's own
    unit, so no conversion is needed. In a TCP session, `exit` ends that session only."""

    session_ended: Callable[[], None] | None = None  # set by `serve_tcp`

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        if self.session_ended is None:
            return (yield from super().lsp_exit(*args))
        self.session_ended()

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        if general is not None and general.position_encodings and types.PositionEncodingKind.Utf8 in general.position_encodings:
            general.position_encodings = [types.PositionEncodingKind.Utf8, *(e for e in general.position_encodings if e != types.PositionEncodingKind.Utf8)]
        return (yield from super().lsp_initialize(params))


@dataclass
class DocResult:
    """The last published result for one open document and the text it refers to."""

    version: int | None
    result: PackageResult
    path: str

    @property
    def file(self) -> GoFile:
        return self.result.files[self.path]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.result.for_path(self.path)


class GocheckServer(LanguageServer):
    def __init__(self, debounce_ms: int = DEFAULT_DEBOUNCE_MS, extra_pack_dirs: Sequence[Path] = (), full_check_delay_ms: int = DEFAULT_FULL_CHECK_DELAY_MS) -> None:
        super().__init__("gocheck", ENGINE_VERSION, protocol_cls=GocheckProtocol, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce_ms = debounce_ms
        self.extra_pack_dirs = [Path(p) for p in extra_pack_dirs]
        self.documents = DocumentStore()
        self.checker = LiveChecker()
        self.full_check_delay_ms = full_check_delay_ms
        self._full_timers: dict[str, asyncio.TimerHandle] = {}
        self.root: Path | None = None
        self._rules: WorkspaceRules | None = None
        self._results: dict[str, DocResult] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        # uri -> the schedule count when it last needed a check; a result of text
        # snapshotted after that settles it.
        self._dirty: dict[str, int] = {}
        self._schedules = 0
        self._published: dict[str, list[types.Diagnostic]] = {}
        self.disk = DiskWatch()
        self.poll_ms = DEFAULT_POLL_MS
        self.watching_files = False  # the client watches files for us (dynamic registration)
        self._poll_timer: asyncio.TimerHandle | None = None
        self._logged: set[str] = set()
        self.check_worker = CheckWorker()
        self._checking: str | None = None  # the uri the worker is checking
        self._waiting: dict[str, bool] = {}  # uri -> provisional, checked when the worker is free

    # -- state -------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            enc = self.workspace.position_encoding
        except RuntimeError:  # pygls: not initialized yet
            return UTF16
        value = getattr(enc, "value", enc)
        return value if value in ENCODINGS else UTF16

    @property
    def rules(self) -> WorkspaceRules:
        if self._rules is None:
            self.reload_rules()
        assert self._rules is not None
        return self._rules

    def reload_rules(self) -> None:
        self._rules = load_workspace_rules(self.root, self.extra_pack_dirs)
        self.checker.invalidate()
        for problem in self._rules.problems:
            self.show(types.MessageType.Warning, f"gocheck: {problem}")

    def apply_options(self, options: object) -> None:
        """`{"debounceMs": N, "fullCheckDelayMs": N, "pollMs": N}` from initializationOptions
        or settings."""
        if not isinstance(options, dict):
            return
        for key, attr in (("debounceMs", "debounce_ms"), ("fullCheckDelayMs", "full_check_delay_ms"), ("pollMs", "poll_ms")):
            value = options.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                setattr(self, attr, int(value))

    # -- messages to the client ----------------------------------------------------

    def log(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - no connection yet (or any more): stderr still has it
            log.warning("%s", message)

    def show(self, kind: types.MessageType, message: str) -> None:
        self.log(kind, message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - no connection: log() above already wrote it to stderr
            pass

    def log_once(self, kind: types.MessageType, message: str) -> None:
        if message not in self._logged:
            self._logged.add(message)
            self.log(kind, message)

    # -- checking ----------------------------------------------------------------

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        """Check `uri` after the debounce delay; a newer change restarts the wait. The
        check may be provisional (edited functions only); a full one then follows."""
        self._schedules += 1
        self._dirty[uri] = self._schedules
        self._cancel_timers(uri)
        delay = (self.debounce_ms if delay_ms is None else delay_ms) / 1000.0
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.check_now(uri)
            return
        # A burst of opens (or edits) in one package is one check: the package's other
        # pending checks wait for the last of them, and the first to run covers them all.
        doc = self.documents.get(uri)
        directory = os.path.dirname(doc.path) if doc is not None else None
        for other in self.documents:
            if other.uri != uri and other.uri in self._timers and os.path.dirname(other.path) == directory:
                self._timers.pop(other.uri).cancel()
                self._timers[other.uri] = loop.call_later(delay, self._timer_fired, other.uri, True)
        self._timers[uri] = loop.call_later(delay, self._timer_fired, uri, True)

    def _cancel_timers(self, uri: str) -> None:
        for timers in (self._timers, self._full_timers):
            timer = timers.pop(uri, None)
            if timer is not None:
                timer.cancel()

    def _timer_fired(self, uri: str, provisional: bool) -> None:
        (self._timers if provisional else self._full_timers).pop(uri, None)
        try:
            self.check_now(uri, provisional)
        except Exception as exc:  # noqa: BLE001 - a timer callback has no handler above it
            self.report_exception("checking " + uri, exc)

    def flush(self, uri: str) -> None:
        """Bring `uri`'s results up to date now (before a code action or hover); the
        edited-functions check is exact for the function being edited."""
        if self._checking is not None:
            return  # answer from the last result: the worker is busy, maybe with a huge file
        if uri in self._dirty or uri not in self._results:
            self._cancel_timers(uri)
            doc = self.documents.get(uri)
            if doc is not None:
                open_docs = self.documents.by_path()
                self._checked(doc, open_docs, self.checker.check(doc, open_docs, self.rules, provisional=True), self._schedules)

    def check_now(self, uri: str, provisional: bool = False) -> None:
        """Check `uri` in the background worker, so the server goes on answering while a
        huge document is checked (the engine's budgets end that check); results of text
        that was edited meanwhile are dropped. Without an event loop (tests), check inline."""
        self._cancel_timers(uri)
        doc = self.documents.get(uri)
        if doc is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            open_docs = self.documents.by_path()
            self._checked(doc, open_docs, self.checker.check(doc, open_docs, self.rules, provisional), self._schedules)
            return
        if self._checking is not None:
            self._waiting[uri] = self._waiting.get(uri, True) and provisional
            return
        snapshots = {path: d.snapshot() for path, d in self.documents.by_path().items()}
        target = snapshots[doc.path]
        rules = self.rules
        self._checking = uri
        schedules = self._schedules

        def done(result: PackageResult | None, error: BaseException | None) -> None:
            loop.call_soon_threadsafe(self._check_finished, uri, snapshots, result, error, schedules)

        self.check_worker.submit(lambda: self.checker.check(target, snapshots, rules, provisional), done)

    def _check_finished(self, uri: str, snapshots: dict[str, Document], result: PackageResult | None, error: BaseException | None, schedules: int) -> None:
        self._checking = None
        try:
            if error is not None:
                self.report_exception("checking " + uri, error)
            else:
                current = self.documents.by_path()
                for path, snapshot in snapshots.items():
                    if path in current:
                        current[path].adopt_parse(snapshot)
                doc = self.documents.get(uri)
                if doc is not None and doc.source is snapshots[doc.path].source and result is not None:
                    self._checked(doc, current, result, schedules)
                elif doc is not None and uri not in self._waiting:
                    self.schedule(uri, 0)  # edited while checked: that text's check is due
        finally:
            if self._waiting:
                waiting, provisional = next(iter(self._waiting.items()))
                del self._waiting[waiting]
                self.check_now(waiting, provisional)

    def _checked(self, doc: Document, open_docs: dict[str, Document], result: PackageResult, schedules: int) -> None:
        """Record and publish `result`, checked from text snapshotted when the schedule
        count was `schedules`."""
        uri = doc.uri
        for d in (d for ds in result.diagnostics.values() for d in ds if d.rule == INTERNAL.name):
            self.log_once(types.MessageType.Error, f"gocheck: {d.message}")
        # Every open document of the package got fresh results: publish them all, except
        # those edited since (their own check follows). Those whose pending check asked for
        # nothing newer than this one are settled by it.
        for path, file in result.files.items():
            other = open_docs.get(path)
            if other is None or other.source is not file.source:
                continue
            if self._dirty.get(other.uri, 0) <= schedules:
                self._dirty.pop(other.uri, None)
                if other is not doc and result.complete:
                    self._cancel_timers(other.uri)
                    self._waiting.pop(other.uri, None)
            self._results[other.uri] = DocResult(other.version, result, path)
            self.publish(other.uri)
        if not result.complete:
            try:
                self._full_timers[uri] = asyncio.get_running_loop().call_later(self.full_check_delay_ms / 1000.0, self._timer_fired, uri, False)
            except RuntimeError:
                self.check_now(uri)

    def publish(self, uri: str, force: bool = False) -> None:
        """Send `uri`'s diagnostics if they differ from those last sent (or `force`)."""
        entry = self._results.get(uri)
        if entry is None:
            return
        lines = entry.file.lines
        encoding = self.encoding
        diagnostics = [convert.lsp_diagnostic(d, lines, encoding, entry.result.files, uri) for d in entry.diagnostics]
        if not force and self._published.get(uri) == diagnostics:
            return
        self._published[uri] = diagnostics
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=entry.version))

    def recheck_all(self) -> None:
        for doc in self.documents:
            self.schedule(doc.uri, 0)

    def forget(self, uri: str) -> None:
        self._cancel_timers(uri)
        self._dirty.pop(uri, None)
        self._waiting.pop(uri, None)
        self._results.pop(uri, None)
        self._published.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- files on disk -------------------------------------------------------------

    def poll_disk(self) -> None:
        """Pick up changes on disk to the config, go.mod and the open packages' files."""
        self.apply_disk_changes(self.disk.poll(self.root, [d.path for d in self.documents]))

    def apply_disk_changes(self, changes: DiskChanges) -> None:
        if changes.go_mod:
            forget_go_mod_facts()
            self.checker.invalidate()
        if changes.rules:
            self.reload_rules()
        if changes.rules or changes.go_mod:
            self.recheck_all()
            return
        for doc in self.documents:
            if os.path.dirname(doc.path) in changes.directories:
                self.schedule(doc.uri)

    def start_polling(self) -> None:
        """Poll the disk every `poll_ms` while the client watches no files for us."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        def tick() -> None:
            self._poll_timer = None
            if self.watching_files or self.poll_ms <= 0:
                return
            try:
                self.poll_disk()
            except Exception as exc:  # noqa: BLE001 - a timer callback has no handler above it
                self.report_exception("watching files", exc)
            self._poll_timer = loop.call_later(self.poll_ms / 1000.0, tick)

        if self._poll_timer is None and self.poll_ms > 0:
            self._poll_timer = loop.call_later(self.poll_ms / 1000.0, tick)

    def end_session(self) -> None:
        """Stop timers and the worker (a TCP session ended; the process serves on)."""
        for uri in list(self._timers) + list(self._full_timers):
            self._cancel_timers(uri)
        if self._poll_timer is not None:
            self._poll_timer.cancel()
            self._poll_timer = None
        self.check_worker.stop()

    def result(self, uri: str) -> DocResult | None:
        self.flush(uri)
        return self._results.get(uri)

    def report_exception(self, where: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("gocheck lsp: %s failed:\n%s", where, text)
        self.log(types.MessageType.Error, f"gocheck: {where} failed: {type(exc).__name__}: {exc}\n{text}")


Result = TypeVar("Result")


class CheckWorker:
    """One daemon thread that runs checks in turn: the event loop stays free to answer
    requests, and a check still running at exit does not hold the process."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], Result], done: Callable[[Result | None, BaseException | None], None]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="gocheck-check", daemon=True)
            self._thread.start()
        self._jobs.put((job, done))

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, done = item
            try:
                result = job()
            except BaseException as exc:  # noqa: BLE001 - reported on the loop; the worker goes on
                done(None, exc)
            else:
                done(result, None)


def _guarded(method: str, default=None) -> Callable:
    """Run a handler; on an exception log it to the client and answer `default`."""

    def wrap(fn):
        @functools.wraps(fn)
        def handler(ls: GocheckServer, params):
            try:
                return fn(ls, params)
            except Exception as exc:  # noqa: BLE001 - one request's failure is reported, not fatal to the session
                ls.report_exception(method, exc)
                return default

        return handler

    return wrap


# -- lifecycle and configuration ---------------------------------------------------


@_guarded(types.INITIALIZE)
def initialize(ls: GocheckServer, params: types.InitializeParams) -> None:
    root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
    path = uri_to_path(root) if root else (params.root_path or None)
    ls.root = Path(path) if path else None
    ls.apply_options(params.initialization_options)


@_guarded(types.INITIALIZED)
def initialized(ls: GocheckServer, params: types.InitializedParams) -> None:
    ls.reload_rules()
    ls.poll_disk()  # what the rules were read from, as they are now
    watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if not (watch and watch.dynamic_registration):
        ls.start_polling()  # e.g. Neovim 0.11's default client: no watchers, so poll
        return
    registration = types.Registration(
        id="gocheck-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in (f"**/{CONFIG_FILE}", f"**/{LOCK_FILE}", f"**/{GO_MOD}", "**/*.go")]
        ),
    )

    async def register() -> None:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            ls.watching_files = True
        except Exception as exc:  # noqa: BLE001 - any refusal: polling covers it
            ls.log(types.MessageType.Warning, f"gocheck: could not watch files ({exc}); polling the disk instead")
            ls.start_polling()

    asyncio.ensure_future(register())


@_guarded(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: GocheckServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict):
        ls.apply_options(settings.get("gocheck", settings))
    ls.reload_rules()
    ls.recheck_all()


@_guarded(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: GocheckServer, params: types.DidChangeWatchedFilesParams) -> None:
    changes = DiskChanges()
    for change in params.changes:
        path = uri_to_path(change.uri) or ""
        name = os.path.basename(path)
        if name in (CONFIG_FILE, LOCK_FILE):
            changes.rules = True
        elif name == GO_MOD:
            changes.go_mod = True
        elif name.endswith(".go"):
            ls.checker.siblings.forget(path)
            changes.directories.add(os.path.dirname(path))
    ls.apply_disk_changes(changes)


# -- text synchronisation -----------------------------------------------------------


@_guarded(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GocheckServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    if ls.documents.open(item.uri, item.text, item.version) is not None:
        ls.poll_disk()  # notes the package's files and go.mod as they are now
        ls.schedule(item.uri)  # debounced: opening many files of a package is one check


@_guarded(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: GocheckServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return
    encoding = ls.encoding
    for change in params.content_changes:
        doc.apply_change(change, encoding)
    doc.version = params.text_document.version
    ls.schedule(doc.uri)


@_guarded(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: GocheckServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.documents.get(uri)
    ls.poll_disk()  # a save is when files on disk change: pick up the others too
    if doc is not None:
        ls.checker.siblings.forget(doc.path)
        ls.check_now(uri)
        # The saved version gets its publication even if its findings did not change.
        ls._published.pop(uri, None)


@_guarded(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GocheckServer, params: types.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.close(params.text_document.uri)
    ls.forget(params.text_document.uri)
    if doc is not None:
        ls.checker.forget(doc.path)
        for other in ls.documents:  # the closed buffer's disk text now stands in for it
            if os.path.dirname(other.path) == os.path.dirname(doc.path):
                ls.schedule(other.uri)


# -- code actions and hover -----------------------------------------------------------


def _kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(f"{o}.") for o in only)


def _on_lines(file: GoFile, d: Diagnostic, first: int, last: int) -> bool:
    """Whether finding `d` touches 0-based lines `first`..`last`."""
    start_line = file.lines.position(d.start_byte)[0]
    end_line = file.lines.position(max(d.start_byte, d.end_byte))[0]
    return start_line <= max(first, last) and min(first, last) <= end_line


@_guarded(types.TEXT_DOCUMENT_CODE_ACTION, default=None)
def code_action(ls: GocheckServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    actions: list[types.CodeAction] = rule_references.code_actions(ls, params)  # a rule ID at the cursor
    entry = ls.result(uri)
    if entry is None:
        return actions or None
    file, encoding = entry.file, ls.encoding
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    # Anywhere on a finding's line counts: editors ask at the cursor, often column 0.
    on_lines = [d for d in entry.diagnostics if _on_lines(file, d, params.range.start.line, params.range.end.line)]
    if _kind_wanted(types.CodeActionKind.QuickFix.value, only):
        for d in on_lines:
            actions.extend(convert.fix_action(uri, d, fix, file.lines, encoding) for fix in d.fixes)
            suppress = convert.suppress_action(uri, d, file, encoding)
            if suppress is not None:
                actions.append(suppress)
    # "Fix all" when asked for by kind, or in the cursor's menu next to a safe fix.
    asked = only is not None or any(f.safe for d in on_lines for f in d.fixes)
    if asked and _kind_wanted(convert.FIX_ALL_KIND, only):
        edits = convert.safe_fix_edits(entry.diagnostics, len(file.source))
        if edits:
            actions.append(
                types.CodeAction(
                    title="Fix all safe gocheck findings",
                    kind=convert.FIX_ALL_KIND,
                    edit=convert.workspace_edit(uri, convert.text_edits(edits, file.lines, encoding)),
                )
            )
    return actions


@_guarded(types.TEXT_DOCUMENT_HOVER, default=None)
def hover(ls: GocheckServer, params: types.HoverParams) -> types.Hover | None:
    named = rule_references.hover(ls, params)  # a rule ID under the cursor: //nolint:ns/pack/rule, .gocheck.toml
    if named is not None:
        return named
    entry = ls.result(params.text_document.uri)
    if entry is None:
        return None
    file, encoding = entry.file, ls.encoding
    offset = position_to_offset(file.lines, params.position.line, params.position.character, encoding)
    # Findings under the cursor, else any on its line.
    hits = [d for d in entry.diagnostics if d.start_byte <= offset <= d.end_byte]
    hits = hits or [d for d in entry.diagnostics if _on_lines(file, d, params.position.line, params.position.line)]
    if not hits:
        return None
    sections: list[str] = []
    for name in dict.fromkeys(d.rule for d in hits):
        rule = ls.rules.rules.get(name)
        if rule is not None:
            sections.append(rule.docs().markdown(name) + f"\n[{name} on RuleHub]({convert.docs_url(name)})\n")
    if not sections:
        return None
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(sections)),
        range=convert.lsp_range(file.lines, first.start_byte, first.end_byte, encoding),
    )


def serve_tcp(host: str, port: int, make_server: Callable[[], GocheckServer], ready: Callable[[tuple], None] | None = None) -> None:
    """Serve LSP sessions on a TCP socket until interrupted, each connection with its own
    server (documents, rules, worker), one after another or at once. `ready` gets the
    bound address (port 0 picks a free one)."""

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server = make_server()
        stop = threading.Event()

        def ended() -> None:
            stop.set()
            writer.close()

        assert isinstance(server.protocol, GocheckProtocol)  # GocheckServer's protocol class
        server.protocol.session_ended = ended
        server.protocol.set_writer(writer)
        try:
            await run_async(stop_event=stop, reader=reader, protocol=server.protocol, logger=log, error_handler=server.report_server_error)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.info("gocheck lsp: a TCP session ended: %s", exc)
        finally:
            server.end_session()
            if not writer.is_closing():
                writer.close()

    async def main() -> None:
        listener = await asyncio.start_server(session, host, port)
        if ready is not None:
            ready(listener.sockets[0].getsockname())
        async with listener:
            await listener.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


def create_server(debounce_ms: int = DEFAULT_DEBOUNCE_MS, extra_pack_dirs: Sequence[Path] = (), full_check_delay_ms: int = DEFAULT_FULL_CHECK_DELAY_MS) -> GocheckServer:
    server = GocheckServer(debounce_ms, extra_pack_dirs, full_check_delay_ms)
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, convert.FIX_ALL_KIND]),
    )(code_action)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    return server
