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
from typing import Callable, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from analyzer import ENGINE_VERSION
from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.api.diagnostics import Diagnostic
from analyzer.golang.source import GoFile
from lsp import convert
from lsp.documents import Document, DocumentStore, uri_to_path
from lsp.live_check import LiveChecker, PackageResult
from lsp.positions import ENCODINGS, UTF16, position_to_offset
from lsp.workspace_rules import CONFIG_FILE, LOCK_FILE, WorkspaceRules, load_workspace_rules

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 150
# After a provisional (edited-functions-only) result, the full package check waits this
# long for typing to pause.
DEFAULT_FULL_CHECK_DELAY_MS = 750


class GocheckProtocol(LanguageServerProtocol):
    """Prefers UTF-8 positions whenever the client offers them: they are the engine's own
    unit, so no conversion is needed."""

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
        self._dirty: set[str] = set()
        self._logged: set[str] = set()
        self.check_worker = CheckWorker()
        self._checking: str | None = None  # the uri the worker is checking
        self._waiting: dict[str, bool] = {}  # uri -> provisional, checked when the worker is free

    # -- state -------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            enc = self.workspace.position_encoding
        except Exception:
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
        """`{"debounceMs": N, "fullCheckDelayMs": N}` from initializationOptions or settings."""
        if not isinstance(options, dict):
            return
        for key, attr in (("debounceMs", "debounce_ms"), ("fullCheckDelayMs", "full_check_delay_ms")):
            value = options.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                setattr(self, attr, int(value))

    # -- messages to the client ----------------------------------------------------

    def log(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no connection yet (or any more): stderr still has it
            log.warning("%s", message)

    def show(self, kind: types.MessageType, message: str) -> None:
        self.log(kind, message)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            pass

    def log_once(self, kind: types.MessageType, message: str) -> None:
        if message not in self._logged:
            self._logged.add(message)
            self.log(kind, message)

    # -- checking ----------------------------------------------------------------

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        """Check `uri` after the debounce delay; a newer change restarts the wait. The
        check may be provisional (edited functions only); a full one then follows."""
        self._dirty.add(uri)
        self._cancel_timers(uri)
        delay = (self.debounce_ms if delay_ms is None else delay_ms) / 1000.0
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.check_now(uri)
            return
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
        except Exception as exc:  # a timer callback has no handler above it
            self.report_exception("checking " + uri, exc)

    def flush(self, uri: str) -> None:
        """Bring `uri`'s results up to date now (before a code action or hover); the
        edited-functions check is exact for the function being edited."""
        if self._checking is not None:
            return  # answer from the last result: the worker is busy, maybe with a huge file
        if uri in self._dirty or uri not in self._results:
            self._cancel_timers(uri)
            self._dirty.discard(uri)
            doc = self.documents.get(uri)
            if doc is not None:
                open_docs = self.documents.by_path()
                self._checked(doc, open_docs, self.checker.check(doc, open_docs, self.rules, provisional=True))

    def check_now(self, uri: str, provisional: bool = False) -> None:
        """Check `uri` in the background worker, so the server goes on answering while a
        huge document is checked (the engine's budgets end that check); results of text
        that was edited meanwhile are dropped. Without an event loop (tests), check inline."""
        self._cancel_timers(uri)
        self._dirty.discard(uri)
        doc = self.documents.get(uri)
        if doc is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            open_docs = self.documents.by_path()
            self._checked(doc, open_docs, self.checker.check(doc, open_docs, self.rules, provisional))
            return
        if self._checking is not None:
            self._waiting[uri] = self._waiting.get(uri, True) and provisional
            return
        snapshots = {path: d.snapshot() for path, d in self.documents.by_path().items()}
        target = snapshots[doc.path]
        rules = self.rules
        self._checking = uri

        def done(result: PackageResult | None, error: BaseException | None) -> None:
            loop.call_soon_threadsafe(self._check_finished, uri, snapshots, result, error)

        self.check_worker.submit(lambda: self.checker.check(target, snapshots, rules, provisional), done)

    def _check_finished(self, uri: str, snapshots: dict[str, Document], result: PackageResult | None, error: BaseException | None) -> None:
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
                    self._checked(doc, current, result)
                elif doc is not None and uri not in self._waiting:
                    self.schedule(uri, 0)  # edited while checked: that text's check is due
        finally:
            if self._waiting:
                waiting, provisional = next(iter(self._waiting.items()))
                del self._waiting[waiting]
                self.check_now(waiting, provisional)

    def _checked(self, doc: Document, open_docs: dict[str, Document], result: PackageResult) -> None:
        uri = doc.uri
        for d in (d for ds in result.diagnostics.values() for d in ds if d.rule == INTERNAL.name):
            self.log_once(types.MessageType.Error, f"gocheck: {d.message}")
        # Every open document of the package got fresh results: publish them all, except
        # those edited since (their own check follows).
        for path, file in result.files.items():
            other = open_docs.get(path)
            if other is None or other.source is not file.source or (other is not doc and other.uri in self._dirty):
                continue
            self._results[other.uri] = DocResult(other.version, result, path)
            self.publish(other.uri)
        if not result.complete:
            try:
                self._full_timers[uri] = asyncio.get_running_loop().call_later(self.full_check_delay_ms / 1000.0, self._timer_fired, uri, False)
            except RuntimeError:
                self.check_now(uri)

    def publish(self, uri: str) -> None:
        entry = self._results.get(uri)
        if entry is None:
            return
        lines = entry.file.lines
        encoding = self.encoding
        diagnostics = [convert.lsp_diagnostic(d, lines, encoding) for d in entry.diagnostics]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=entry.version))

    def recheck_all(self) -> None:
        for doc in self.documents:
            self.schedule(doc.uri, 0)

    def forget(self, uri: str) -> None:
        self._cancel_timers(uri)
        self._dirty.discard(uri)
        self._results.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def result(self, uri: str) -> DocResult | None:
        self.flush(uri)
        return self._results.get(uri)

    def report_exception(self, where: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("gocheck lsp: %s failed:\n%s", where, text)
        self.log(types.MessageType.Error, f"gocheck: {where} failed: {type(exc).__name__}: {exc}\n{text}")


class CheckWorker:
    """One daemon thread that runs checks in turn: the event loop stays free to answer
    requests, and a check still running at exit does not hold the process."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], object], done: Callable[[object, BaseException | None], None]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="gocheck-check", daemon=True)
            self._thread.start()
        self._jobs.put((job, done))

    def _run(self) -> None:
        while True:
            job, done = self._jobs.get()
            try:
                result = job()
            except BaseException as exc:  # reported on the loop; the worker goes on
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
            except Exception as exc:
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
    watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if watch and watch.dynamic_registration:
        registration = types.Registration(
            id="gocheck-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=g) for g in (f"**/{CONFIG_FILE}", f"**/{LOCK_FILE}", "**/*.go")]
            ),
        )

        async def register() -> None:
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception as exc:
                ls.log(types.MessageType.Warning, f"gocheck: could not watch files ({exc}); save or reopen files to refresh")

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
    reload = False
    directories: set[str] = set()
    for change in params.changes:
        path = uri_to_path(change.uri) or ""
        name = os.path.basename(path)
        if name in (CONFIG_FILE, LOCK_FILE):
            reload = True
        elif name.endswith(".go"):
            ls.checker.siblings.forget(path)
            directories.add(os.path.dirname(path))
    if reload:
        ls.reload_rules()
        ls.recheck_all()
        return
    for doc in ls.documents:
        if os.path.dirname(doc.path) in directories:
            ls.schedule(doc.uri)


# -- text synchronisation -----------------------------------------------------------


@_guarded(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GocheckServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    if ls.documents.open(item.uri, item.text, item.version) is not None:
        ls.check_now(item.uri)


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
    if ls.documents.get(uri) is not None:
        ls.checker.siblings.forget(ls.documents.get(uri).path)
        ls.check_now(uri)
        # Other open files of the package see this file's saved text only through disk.
        directory = os.path.dirname(ls.documents.get(uri).path)
        for doc in ls.documents:
            if doc.uri != uri and os.path.dirname(doc.path) == directory:
                ls.schedule(doc.uri)


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


@_guarded(types.TEXT_DOCUMENT_CODE_ACTION, default=None)
def code_action(ls: GocheckServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    entry = ls.result(uri)
    if entry is None:
        return None
    file, encoding = entry.file, ls.encoding
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    start = position_to_offset(file.lines, params.range.start.line, params.range.start.character, encoding)
    end = position_to_offset(file.lines, params.range.end.line, params.range.end.character, encoding)
    actions: list[types.CodeAction] = []
    if _kind_wanted(types.CodeActionKind.QuickFix.value, only):
        for d in entry.diagnostics:
            if not (d.start_byte <= end and start <= d.end_byte):
                continue
            actions.extend(convert.fix_action(uri, d, fix, file.lines, encoding) for fix in d.fixes)
            suppress = convert.suppress_action(uri, d, file, encoding)
            if suppress is not None:
                actions.append(suppress)
    if _kind_wanted(convert.FIX_ALL_KIND, only):
        edits = convert.safe_fix_edits(entry.diagnostics)
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
    entry = ls.result(params.text_document.uri)
    if entry is None:
        return None
    file, encoding = entry.file, ls.encoding
    offset = position_to_offset(file.lines, params.position.line, params.position.character, encoding)
    hits = [d for d in entry.diagnostics if d.start_byte <= offset <= d.end_byte]
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
