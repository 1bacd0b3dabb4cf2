"""One whole run over command-line patterns: discover, load, check each package, collect.

This is the unit the CLI, the benchmark and the parallel/cached runner build on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from analyzer.diagnostics import Diagnostic
from analyzer.discovery import expand_patterns
from analyzer.package_loader import load_package_files
from analyzer.rule import Rule
from analyzer.runner import Engine, EngineOptions


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    packages: int = 0
    bytes: int = 0
    # path -> source bytes, for reporters that show the source line
    sources: dict[str, bytes] = field(default_factory=dict)


def check_patterns(
    patterns: Sequence[str],
    rules: Sequence[Rule],
    options: EngineOptions | None = None,
    cwd: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_sources: bool = True,
) -> CheckResult:
    options = options or EngineOptions()
    engine = Engine(rules, options)
    groups = expand_patterns(list(patterns), cwd)
    result = CheckResult()
    for i, group in enumerate(groups):
        packages, problems = load_package_files(group, options.include_generated, str(cwd) if cwd else None)
        result.diagnostics.extend(problems)
        for package in packages:
            result.packages += 1
            result.files += len(package.files)
            for f in package.files:
                result.bytes += len(f.source)
                if keep_sources:
                    result.sources[f.path] = f.source
            result.diagnostics.extend(engine.check_package(package))
        if progress is not None:
            progress(i + 1, len(groups))
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result
