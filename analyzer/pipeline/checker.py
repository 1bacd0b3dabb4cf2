"""One whole run over command-line patterns: discover, load, check each package, collect.

Packages are the unit of work. With `jobs > 1` they run in forked worker processes that
inherit the compiled rules (the grammar is loaded and the merged query compiled once,
before the fork); results stream back as packages finish and are sorted at the end, so
output order does not depend on scheduling. With a `ResultCache`, a package whose files,
rules and options are unchanged is answered from disk without parsing. No tree outlives
its package, so memory stays flat however large the tree.

Python's cyclic garbage collector is paused while a package is checked and run once after
it, on the youngest generation: checking allocates millions of short-lived objects
(tree-sitter nodes, matches, scopes), and letting the collector trigger every few hundred
allocations re-scanned the same live graph over and over (about 7% of a cold run). What
exists before the first package (the compiled rules) is frozen out of collections, and
`Package.release()` breaks the package's own reference cycles (scopes, CFGs), so reference
counting frees it at once and that one collection finds next to nothing to do.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import multiprocessing
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from analyzer.api.analysis_pass import Package
from analyzer.golang.build_constraints import BuildContext
from analyzer.api.diagnostics import Diagnostic
from analyzer.pipeline.discovery import PackageFiles, expand_patterns
from analyzer.golang.gomod import find_module
from analyzer.pipeline.package_loader import load_package_files
from analyzer.pipeline.result_cache import ResultCache, ruleset_fingerprint, sibling_sources
from analyzer.api.rule import Rule
from analyzer.pipeline.runner import Engine, EngineOptions
from analyzer.safe_files import DEFAULT_MAX_FILE_BYTES, SkippedFile, read_tree_file

# Called per package inside the worker, after the engine, before caching: e.g. the
# suppression filter, which needs the parsed files.
PackageFilter = Callable[[list[Diagnostic], Package], list[Diagnostic]]


class SourceFiles(Mapping):
    """path -> bytes, read from disk on first use (reporters need a few lines, not every
    file), through `read_tree_file` as the loader reads them: a file it refused is absent."""

    def __init__(self, cwd: Path | None, groups: Sequence[PackageFiles] = (), max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self._cwd = cwd
        self._roots = {p: g.root or None for g in groups for p in g.paths}
        self._paths = list(self._roots)
        self._max_file_bytes = max_file_bytes
        self._cache: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        if path not in self._cache:
            if path not in self._roots:
                raise KeyError(path)
            full = path if os.path.isabs(path) or self._cwd is None else os.path.join(self._cwd, path)
            try:
                self._cache[path] = read_tree_file(full, self._roots[path], self._max_file_bytes)
            except (OSError, SkippedFile):
                raise KeyError(path) from None
        return self._cache[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    packages: int = 0
    bytes: int = 0
    cache_hits: int = 0
    # path -> source bytes, read lazily, for reporters that show the source line
    sources: Mapping[str, builtins.bytes] = field(default_factory=dict)  # `bytes` is a field above


@dataclass
class _GroupResult:
    index: int
    diagnostics: list[Diagnostic]
    files: int
    packages: int
    bytes: int
    cache_hit: bool


@dataclass
class _RunState:
    engine: Engine
    options: EngineOptions
    cwd: str | None
    cache: ResultCache | None
    fingerprint: str
    package_filter: PackageFilter | None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


_STATE: _RunState | None = None  # set in the parent before forking workers


def _read_sources(group: PackageFiles, cwd: str | None, max_file_bytes: int) -> dict[str, bytes] | None:
    if group.listing_error is not None:
        return None  # never cache a directory that could not be listed
    out = {}
    for path in group.paths:
        full = path if os.path.isabs(path) or cwd is None else os.path.join(cwd, path)
        try:
            out[path] = read_tree_file(full, group.root or None, max_file_bytes)
        except (OSError, SkippedFile):
            return None  # the loader decides (skip or report); never cache a read failure
    return out


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside; one collection of the youngest generation
    (everything allocated inside, including the package's reference cycles) at the end."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def _check_group(item: tuple[int, PackageFiles]) -> _GroupResult:
    with _collector_paused():
        return _check_group_now(item)


def _check_group_now(item: tuple[int, PackageFiles]) -> _GroupResult:
    index, group = item
    state = _STATE
    assert state is not None
    key = None
    sources = None
    if state.cache is not None:
        sources = _read_sources(group, state.cwd, state.max_file_bytes)
        if sources is not None:
            # Package context beyond the files: the go.mod that governs the directory.
            module = find_module(Path(state.cwd or ".") / group.directory)
            context = f"{group.directory}\0{module.path if module else ''}\0{module.go_version if module else ''}"
            siblings = sibling_sources(Path(state.cwd or ".") / group.directory, sources)
            key = ResultCache.key(state.fingerprint, context, [*sources.items(), *siblings])
            entry = state.cache.get(key)
            if entry is not None:
                return _GroupResult(index, entry["diagnostics"], entry.get("files", 0), entry.get("packages", 0), entry.get("bytes", 0), True)
    packages, diagnostics = load_package_files(group, state.options.include_generated, state.cwd, sources, max_file_bytes=state.max_file_bytes)
    files = nbytes = 0
    npackages = len(packages)
    for package in packages:
        files += len(package.files)
        nbytes += sum(len(f.source) for f in package.files)
        found = state.engine.check_package(package)
        if state.package_filter is not None:
            found = state.package_filter(found, package)
        package.release()
        diagnostics.extend(found)
    if key is not None and state.cache is not None and not any(d.rule == "internal" for d in diagnostics):
        state.cache.put(key, diagnostics, files=files, packages=npackages, bytes=nbytes)
    return _GroupResult(index, diagnostics, files, npackages, nbytes, False)


def _build_context_key() -> str:
    build = BuildContext.from_environment()  # the loader's default target
    return f"{build.goos}/{build.goarch}/cgo={build.cgo}/tags={','.join(sorted(build.tags))}"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def check_patterns(
    patterns: Sequence[str],
    rules: Sequence[Rule],
    options: EngineOptions | None = None,
    cwd: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_sources: bool = True,
    jobs: int = 1,
    cache: ResultCache | None = None,
    package_filter: PackageFilter | None = None,
    fingerprint_extra: Sequence[str] = (),
    exclude: Sequence[str] = (),
    exclude_root: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> CheckResult:
    global _STATE
    options = options or EngineOptions()
    engine = Engine(rules, options)
    # `exclude`: path globs (config `exclude`, `--exclude`) relative to `exclude_root`.
    groups = expand_patterns(list(patterns), cwd, exclude=exclude, exclude_root=exclude_root)
    fingerprint = ruleset_fingerprint(
        rules,
        [
            f"generated={options.include_generated}",
            f"build={os.environ.get('GOOS', 'linux')}/{os.environ.get('GOARCH', 'amd64')}/cgo={os.environ.get('CGO_ENABLED', '1')}",
            f"go={options.go_version}",
            "sev=" + ",".join(f"{k}:{v}" for k, v in sorted(options.severities.items())),
            f"filter={getattr(package_filter, '__qualname__', package_filter)}",
            # which files the loader builds (GOOS, GOARCH, CGO_ENABLED) changes the findings
            "build=" + _build_context_key(),
            *fingerprint_extra,
        ],
    )
    _STATE = _RunState(engine, options, str(cwd) if cwd else None, cache, fingerprint, package_filter, max_file_bytes)
    gc.freeze()  # the engine and everything imported: never worth scanning again
    result = CheckResult()
    # Largest packages first so no worker is left with a big one at the end.
    work = sorted(enumerate(groups), key=lambda item: -len(item[1].paths))
    done = 0
    try:
        if jobs > 1 and len(groups) > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(min(jobs, len(groups))) as pool:
                for part in pool.imap_unordered(_check_group, work, chunksize=1):
                    done += 1
                    _merge(result, part)
                    if progress is not None:
                        progress(done, len(groups))
        else:
            for item in work:
                part = _check_group(item)
                done += 1
                _merge(result, part)
                if progress is not None:
                    progress(done, len(groups))
    finally:
        _STATE = None
        gc.unfreeze()
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.sources = SourceFiles(cwd, groups, max_file_bytes) if keep_sources else {}
    return result


def _merge(result: CheckResult, part: _GroupResult) -> None:
    result.diagnostics.extend(part.diagnostics)
    result.files += part.files
    result.packages += part.packages
    result.bytes += part.bytes
    result.cache_hits += part.cache_hit
