"""Read and parse the files of each directory into `Package`s (one per package clause)."""

from __future__ import annotations

import os
from typing import Mapping

from analyzer.analysis_pass import Package
from analyzer.build_constraints import BuildContext
from analyzer.diagnostics import Diagnostic
from analyzer.discovery import PackageFiles
from analyzer.gomod import find_module
from analyzer.runner import internal_diagnostic
from analyzer.source import GoFile, is_generated
from pathlib import Path

MAX_FILE_BYTES = 64 * 1024 * 1024
_DEFAULT_BUILD = BuildContext.from_environment()


def load_package_files(
    group: PackageFiles,
    include_generated: bool = False,
    cwd: str | None = None,
    sources: Mapping[str, bytes] | None = None,
    build: BuildContext | None = None,
) -> tuple[list[Package], list[Diagnostic]]:
    """Parse one directory's files. Unreadable files become `internal` findings.
    `sources`: bytes already read (the result cache reads them for its key), so no file is read twice.
    Files the go tool would not build for `build` (default: GOOS/GOARCH from the
    environment, linux/amd64) are left out unless they were named on the command line."""
    build = build or _DEFAULT_BUILD
    problems: list[Diagnostic] = []
    by_name: dict[str, list[GoFile]] = {}
    for path in group.paths:
        data = sources.get(path) if sources is not None else None
        if data is None:
            full = path if os.path.isabs(path) or cwd is None else os.path.join(cwd, path)
            try:
                size = os.path.getsize(full)
                if size > MAX_FILE_BYTES:
                    with open(full, "rb") as fh:
                        head = fh.read(64 * 1024)
                    if not include_generated and is_generated(head):
                        continue  # skipped like any generated file, whatever its size
                    problems.append(internal_diagnostic(None, f"{path}: skipped, {size} bytes is over the {MAX_FILE_BYTES} byte limit; exclude it (exclude = [...] in .gocheck.toml)", path=path))
                    continue
                with open(full, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                problems.append(internal_diagnostic(None, f"{path}: cannot read: {exc.strerror or exc}", path=path))
                continue
        if not include_generated and is_generated(data):
            continue
        if path not in group.named and not build.includes(path, data):
            continue
        f = GoFile.parse(path, data)
        by_name.setdefault(f.package_name, []).append(f)
    module = find_module(Path(cwd or ".") / group.directory)
    version = module.go_version if module else None
    packages = [Package(group.directory, files, version, module.path if module else "") for _, files in sorted(by_name.items())]
    return packages, problems
