"""Read and parse the files of each directory into `Package`s (one per package clause)."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from typing import Mapping

from analyzer.api.analysis_pass import Package
from analyzer.golang.build_constraints import BuildContext
from analyzer.api.diagnostics import Diagnostic
from analyzer.pipeline.discovery import PackageFiles
from analyzer.golang.gomod import find_module
from analyzer.pipeline.runner import internal_diagnostic
from analyzer.safe_files import DEFAULT_MAX_FILE_BYTES, FileTooLarge, SkippedFile, read_tree_file
from analyzer.golang.source import GoFile, is_generated
from pathlib import Path

DEFAULT_BUILD = BuildContext.from_environment()


def group_by_package(
    files: Iterable[tuple[str, bytes]],
    build: BuildContext | None = None,
    named: Collection[str] = (),
    parse: Callable[[str, bytes], GoFile] = GoFile.parse,
) -> dict[str, list[GoFile]]:
    """The packages a directory's files make, as the go tool groups them: each file `build`
    includes (GOOS/GOARCH file names, //go:build lines; default: the environment's, as the
    CLI uses) or that was `named` explicitly, parsed (only those) and grouped by package
    clause, in the given order. The CLI, the language server and the want-test harness all
    group with this, so the editor sees the packages CI checks. `parse`: a caller holding
    parsed files already (the editor's buffers) hands them back instead of parsing again."""
    build = build or DEFAULT_BUILD
    by_name: dict[str, list[GoFile]] = {}
    for path, data in files:
        if path not in named and not build.includes(path, data):
            continue
        f = parse(path, data)
        by_name.setdefault(f.package_name, []).append(f)
    return by_name


def load_package_files(
    group: PackageFiles,
    include_generated: bool = False,
    cwd: str | None = None,
    sources: Mapping[str, bytes] | None = None,
    build: BuildContext | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> tuple[list[Package], list[Diagnostic]]:
    """Parse one directory's files. A file that cannot be read, or that `read_tree_file`
    refuses (not a regular file inside the tree, over `max_file_bytes`), becomes an
    `internal` finding: the run did not check everything it was asked to (exit 3).
    `sources`: bytes already read (the result cache reads them for its key), so no file is read twice.
    Files the go tool would not build for `build` (default: GOOS/GOARCH from the
    environment, linux/amd64) are left out unless they were named on the command line."""
    problems: list[Diagnostic] = []
    if group.listing_error is not None:
        problems.append(internal_diagnostic(None, f"{group.directory}: directory not checked: cannot list it: {group.listing_error}", path=group.directory))
    readable: list[tuple[str, bytes]] = []
    for path in group.paths:
        data = sources.get(path) if sources is not None else None
        if data is None:
            full = path if os.path.isabs(path) or cwd is None else os.path.join(cwd, path)
            try:
                data = read_tree_file(full, group.root or None, max_file_bytes)
            except FileTooLarge as exc:
                if not include_generated and is_generated(exc.head):
                    continue  # skipped like any generated file, whatever its size
                problems.append(internal_diagnostic(None, f"{path}: not checked: {exc}; raise max-file-size in .gocheck.toml (or --max-file-size), or exclude it", path=path))
                continue
            except SkippedFile as exc:
                problems.append(internal_diagnostic(None, f"{path}: not read: {exc}; exclude it (exclude = [...] in .gocheck.toml)", path=path))
                continue
            except OSError as exc:
                problems.append(internal_diagnostic(None, f"{path}: cannot read: {exc.strerror or exc}", path=path))
                continue
        if not include_generated and is_generated(data):
            continue
        readable.append((path, data))
    by_name = group_by_package(readable, build, group.named)
    module = find_module(Path(cwd or ".") / group.directory)
    version = module.go_version if module else None
    packages = [Package(group.directory, files, version, module.path if module else "") for _, files in sorted(by_name.items())]
    return packages, problems
