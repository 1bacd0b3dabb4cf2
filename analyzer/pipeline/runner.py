"""The engine: parse each file once, run one merged query per file, hand each rule its
matches in a `Pass`, and collect diagnostics. A crashing rule or a runaway query becomes an
`internal` finding; the run goes on."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Collection, NamedTuple

import tree_sitter

from analyzer.api.analysis_pass import Match, Package, Pass
from analyzer.pipeline.builtin_rules import INTERNAL, SYNTAX
from analyzer.pipeline.cpu_alarm import thread_cpu_limit
from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.api.rule import Rule
from analyzer.golang.source import GO_LANGUAGE, GoFile
from analyzer.golang.syntax_errors import MAX_REGIONS, ErrorRegion, error_regions

DEFAULT_BUDGET_SECONDS = 10.0
# One rule on one package; generous so a slow CI machine never trips it on real code, while
# a rule that goes quadratic on pathological input (thousands of nested blocks) still ends.
DEFAULT_RULE_BUDGET_SECONDS = 60.0
# The query runs on pieces of at most this many nodes, so the budget is checked every few
# hundredths of a second however big one declaration or expression is.
QUERY_PIECE_NODES = 50_000
UNLIMITED_DEPTH = 0xFFFFFFFF  # also the end of an unlimited byte range
# A chain of nested nodes each bigger than a piece (1+1+... with 100k terms) stops here;
# real code nests a few hundred such levels at most.
MAX_BIG_NODE_NESTING = 200_000
# Each stored match costs a few hundred bytes; real files have a few thousand.
MAX_MATCHES_PER_FILE = 500_000


class RuleLoadError(Exception):
    """A rule is unusable (e.g. its query does not compile); the message names the rule."""


@dataclass
class EngineOptions:
    budget_seconds: float = DEFAULT_BUDGET_SECONDS
    include_generated: bool = False
    severities: dict[str, Severity] = field(default_factory=dict)
    go_version: tuple[int, int] | None = None  # overrides go.mod
    rule_budget_seconds: float = DEFAULT_RULE_BUDGET_SECONDS


class BudgetExceeded(Exception):
    pass


class RuleBudgetExceeded(BaseException):
    """Raised inside a rule that ran past its budget; a BaseException so a rule's own
    `except Exception` cannot swallow it."""


@contextlib.contextmanager
def _rule_time_limit(seconds: float):
    """Interrupt the running rule after `seconds` of CPU time (SIGVTALRM in the main thread;
    in another, such as the language server's worker, `cpu_alarm.thread_cpu_limit`).
    CPU time, so a loaded machine does not trip it."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with thread_cpu_limit(seconds, RuleBudgetExceeded):
            yield
        return

    def expire(signum, frame):
        raise RuleBudgetExceeded()

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


class Engine:
    """Holds compiled rules; `check_package` is the unit of work (one process, one package)."""

    def __init__(self, rules: Sequence[Rule], options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        self.rules = [r for r in rules if r.name not in (SYNTAX.name, INTERNAL.name)]
        self._query_rules: list[Rule] = []
        self._offsets: list[int] = []
        sources = []
        total = 0
        for rule in self.rules:
            if not rule.query:
                continue
            try:
                count = tree_sitter.Query(GO_LANGUAGE, rule.query).pattern_count
            except Exception as exc:  # tree_sitter.QueryError and friends
                raise RuleLoadError(f"rule {rule.name}: its query does not compile: {exc}") from exc
            self._query_rules.append(rule)
            self._offsets.append(total)
            total += count
            sources.append(rule.query)
        self._query = tree_sitter.Query(GO_LANGUAGE, "\n".join(sources)) if sources else None
        # merged pattern index -> (rule name, index of the rule's first pattern)
        self._pattern_owners = [(r.name, offset) for r, offset, end in zip(self._query_rules, self._offsets, self._offsets[1:] + [total]) for _ in range(offset, end)]

    # -- public API --------------------------------------------------------------

    def check_package(self, package: Package, only_files: Collection[str] | None = None) -> list[Diagnostic]:
        """`only_files`: the paths whose query matches the rules get (the language server's
        re-check of edited files for `Rule.per_file` rules); the other files are context."""
        diagnostics: list[Diagnostic] = []
        sink = diagnostics.append
        matches: dict[str, list[Match]] = {r.name: [] for r in self._query_rules}
        damaged: dict[str, list[ErrorRegion]] = {}
        for file in package.files:
            if only_files is not None and file.path not in only_files:
                continue
            regions = error_regions(file)
            if regions:
                damaged[file.path] = regions
                diagnostics.extend(syntax_diagnostics(file, self.options.severities.get(SYNTAX.name, SYNTAX.severity), regions=regions))
            try:
                self._match_file(file, matches)
            except BudgetExceeded as exc:
                sink(internal_diagnostic(file, str(exc)))
        version = self.options.go_version or package.go_version
        for rule in self.rules:
            if not rule.go_versions.contains(version):
                continue
            pass_ = Pass(rule, package, matches.get(rule.name, []), sink, self.options.severities.get(rule.name))
            try:
                with _rule_time_limit(self.options.rule_budget_seconds):
                    rule.run(pass_)
            except RuleBudgetExceeded:
                where = pass_.current_file or (package.files[0] if package.files else None)
                sink(internal_diagnostic(where, f"rule {rule.name} ran past its {self.options.rule_budget_seconds:g}s budget on {where.path if where else package.directory}; its findings there are incomplete"))
            except Exception as exc:  # noqa: BLE001 - a rule's bug must not end the run; reported as a finding
                where = pass_.current_file or (package.files[0] if package.files else None)
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                sink(internal_diagnostic(where, f"rule {rule.name} crashed on {where.path if where else package.directory}: {type(exc).__name__}: {exc} (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})"))
        if damaged:
            diagnostics = [d for d in diagnostics if not _inside_damage(d, damaged)]
        diagnostics.sort(key=Diagnostic.sort_key)
        return _dedupe(diagnostics)

    def check_sources(self, sources: dict[str, bytes], go_version: tuple[int, int] | None = None, directory: str = ".") -> list[Diagnostic]:
        """Check one package given as {path: bytes}; used by tests and the language server."""
        files = [GoFile.parse(path, data) for path, data in sources.items()]
        return self.check_package(Package(directory, files, go_version))

    # -- internals ---------------------------------------------------------------

    def _match_file(self, file: GoFile, matches: dict[str, list[Match]]) -> None:
        """Run the merged query over `file` piece by piece (see `query_pieces`), checking the
        budget after each piece. py-tree-sitter 0.26's progress_callback for queries keeps a
        pointer to a stack struct after the call returns and crashes, so it is not used.
        CPU time, not wall time (a loaded CI machine must not turn a big file into exit 3),
        counted from the start of the file's parse."""
        if self._query is None:
            return
        deadline = time.process_time() - file.parse_seconds + self.options.budget_seconds
        cursor = tree_sitter.QueryCursor(self._query)
        cursor.match_limit = 1024  # bounds in-progress states on pathological nesting
        owners = self._pattern_owners
        stored = 0
        try:
            for piece in query_pieces(file.root):
                cursor.set_max_start_depth(UNLIMITED_DEPTH if piece.whole else 0)
                start, end = piece.children or (0, UNLIMITED_DEPTH)
                cursor.set_byte_range(start, end)
                cursor.set_containing_byte_range(start, end)
                for pattern, captures in cursor.matches(piece.node):
                    name, offset = owners[pattern]
                    matches[name].append(Match(file, pattern - offset, captures))
                    stored += 1
                if time.process_time() > deadline:
                    raise BudgetExceeded(f"ran past its {self.options.budget_seconds:g}s budget")
                if stored > MAX_MATCHES_PER_FILE:
                    raise BudgetExceeded(f"stopped: the file has more than {MAX_MATCHES_PER_FILE} query matches, over the per-file budget")
        except BudgetExceeded as exc:
            raise BudgetExceeded(f"analysis of {file.path} {exc}; query results for this file are incomplete") from None


class QueryPiece(NamedTuple):
    node: tree_sitter.Node
    whole: bool  # False: only the matches rooted at `node`
    children: tuple[int, int] | None = None  # a byte range: only matches inside these children of `node`


def query_pieces(root: tree_sitter.Node) -> Iterator[QueryPiece]:
    """The pieces the query runs on, in document order, each under QUERY_PIECE_NODES nodes
    of work: a small node whole; a run of small siblings through their parent (a byte
    range, matches contained in it); a bigger node for the matches rooted at it alone, its
    children following as pieces of their own. The root's own matches are not asked for
    (they never were). Small pieces also keep tree-sitter's query cursor within the 16-bit
    depth it tracks matches with: past 65,535 levels it never drops a failed state."""
    pending = [(root, _children(root))]
    while pending:
        parent, children = pending[-1]
        run: list[tree_sitter.Node] = []
        total = 0
        for node in children:
            size = node.descendant_count
            if size < QUERY_PIECE_NODES and total + size < QUERY_PIECE_NODES:
                run.append(node)
                total += size
                continue
            yield from _run_pieces(parent, run)
            run, total = [], 0
            if size < QUERY_PIECE_NODES:
                run, total = [node], size
                continue
            yield QueryPiece(node, False)
            if len(pending) >= MAX_BIG_NODE_NESTING:
                raise BudgetExceeded(f"stopped: the file nests more than {MAX_BIG_NODE_NESTING} levels of nodes over {QUERY_PIECE_NODES} nodes each, over the per-file budget")
            pending.append((node, _children(node)))
            break  # the big node's children first; this parent's resume after them
        else:
            yield from _run_pieces(parent, run)
            pending.pop()


def _run_pieces(parent: tree_sitter.Node, run: list[tree_sitter.Node]) -> Iterator[QueryPiece]:
    if len(run) == 1:
        yield QueryPiece(run[0], True)
    elif run:
        yield QueryPiece(parent, True, (run[0].start_byte, run[-1].end_byte))


def _children(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """A node's children through a cursor: a list of a 2-million-element literal's children
    would cost hundreds of megabytes."""
    cursor = node.walk()
    if cursor.goto_first_child():
        while True:
            child = cursor.node
            assert child is not None  # on a child: the cursor moved to one
            yield child
            if not cursor.goto_next_sibling():
                return


def internal_diagnostic(file: GoFile | None, message: str, path: str | None = None) -> Diagnostic:
    return Diagnostic(
        rule=INTERNAL.name,
        severity=Severity.ERROR,
        path=file.path if file is not None else (path or ""),
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        start_byte=0,
        end_byte=0,
        message=message,
    )


def syntax_diagnostics(file: GoFile, severity: Severity = Severity.ERROR, limit: int = MAX_REGIONS, regions: list[ErrorRegion] | None = None) -> list[Diagnostic]:
    """One finding per damaged region of the file (see `analyzer.golang.syntax_errors`), at
    the token the Go compiler would complain about; at most `limit` per file."""
    out = []
    for region in regions if regions is not None else error_regions(file, limit):
        line, col = file.lines.position(region.at)
        end_line, end_col = file.lines.position(region.at_end)
        out.append(Diagnostic(SYNTAX.name, severity, file.path, line + 1, col + 1, end_line + 1, end_col + 1, region.at, region.at_end, region.message))
    return out


def _inside_damage(diagnostic: Diagnostic, damaged: dict[str, list[ErrorRegion]]) -> bool:
    """A rule's finding in a declaration that does not parse: the tree there is tree-sitter's
    guess, so the finding cannot be trusted (the syntax finding says what is wrong)."""
    if diagnostic.rule in (SYNTAX.name, INTERNAL.name):
        return False
    return any(region.covers(diagnostic.start_byte) for region in damaged.get(diagnostic.path, ()))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    last = None
    for d in diags:
        key = (d.path, d.start_byte, d.end_byte, d.rule, d.message)
        if key != last:
            out.append(d)
        last = key
    return out
