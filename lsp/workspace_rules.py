"""The rules and engine for one workspace, from the same sources as the CLI: the core pack,
packs from the loader's verified cache, and `.gocheck.toml` at the workspace root.

As in the CLI, a downloaded pack's Python rules load only for a publisher the user trusts
(`gocheck packs trust`), and then run contained (analyzer.sandbox); an untrusted one is not
loaded and `problems` says why and how to trust it.

Configuration parsing and rule selection belong to `analyzer.pipeline.config` (the CLI's own
calls); this module only calls it. Nothing here touches the network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from analyzer.pipeline.config import Config, ConfigError, find_config, load_config
from analyzer.pipeline.discovery import is_excluded
from analyzer.api.rule import Rule
from analyzer.pipeline.ruleset import available_rules
from analyzer.pipeline.runner import Engine, EngineOptions, RuleLoadError
from analyzer.pipeline.suppression import UNUSED_SUPPRESSION, SuppressionStep

LOCK_FILE = "gocheck.lock"
CONFIG_FILE = ".gocheck.toml"


def verified_pack_dirs(root: Path | None) -> list[Path]:
    """Pack directories from the loader's verified cache, as pinned by `gocheck.lock`.

    The seam to `rulehub.loader`: locked and offline, so it answers from the lock file and
    the local cache or raises (a LoaderError naming what to run); it never waits on the
    network. Without a workspace or without the loader this is an empty list.
    """
    if root is None or find_config(root) is None:  # no config, no [packs]
        return []
    try:
        from rulehub.loader import verified_pack_dirs as loader_pack_dirs
    except ImportError:
        return []
    return [Path(p) for p in loader_pack_dirs(root, locked=True, offline=True)]


@dataclass
class WorkspaceRules:
    """What one analysis needs: the engine, every known rule (for hover docs), the names of
    the selected ones, and the configuration they came from."""

    engine: Engine
    rules: dict[str, Rule]
    selected: frozenset[str]
    config: Config = field(default_factory=Config)
    problems: list[str] = field(default_factory=list)

    @property
    def report_unused(self) -> bool:
        return UNUSED_SUPPRESSION.name in self.selected

    @functools.cached_property
    def suppression(self) -> SuppressionStep:
        """The CLI's suppression step, for this rule selection."""
        return SuppressionStep.for_rules(r for r in self.rules.values() if r.name in self.selected)

    def excludes(self, path: str) -> bool:
        """Whether the config's `exclude` globs skip this file (as the CLI would)."""
        if not self.config.exclude:
            return False
        return is_excluded(path, self.config.exclude, self.config.root, self.config.root)


def load_workspace_rules(root: Path | None, extra_pack_dirs: Sequence[Path] = ()) -> WorkspaceRules:
    """Build the rule set as `gocheck check` run at `root` would. A broken pack or config
    is reported in `problems`, not raised, so the server keeps serving with what it could
    load (the default configuration, the packs that did load)."""
    problems: list[str] = []
    downloaded: list[Path] = []
    try:
        downloaded = verified_pack_dirs(root)
    except Exception as exc:  # noqa: BLE001 - the loader's failure must not stop the editor; shown to the user
        problems.append(f"cached rule packs unavailable: {exc}")
    trusted = _trusted_publishers(problems) if downloaded else frozenset()
    available = available_rules([Path(p) for p in extra_pack_dirs], downloaded, trusted, problems)

    config = Config()
    selected = config.select_rules(available)
    found = find_config(root) if root is not None else None
    if found is not None:
        try:
            config = load_config(found)
            selected = config.select_rules(available)
        except ConfigError as exc:
            problems.append(f"{exc}; using the default rules until it is fixed")
            config = Config()
    options = EngineOptions(severities=dict(config.severity_overrides), include_generated=config.include_generated, go_version=config.go_version)
    try:
        engine = Engine(selected, options)
    except RuleLoadError as exc:  # a rule whose query does not compile: run the others
        problems.append(str(exc))
        selected = [r for r in selected if _compiles(r)]
        engine = Engine(selected, options)
    return WorkspaceRules(engine, {r.name: r for r in available}, frozenset(r.name for r in selected), config, problems)


def _trusted_publishers(problems: list[str]) -> frozenset[str]:
    from rulehub.loader.errors import LoaderError
    from rulehub.loader.trusted_publishers import trusted_publishers

    try:
        return trusted_publishers()
    except LoaderError as exc:
        problems.append(str(exc))
        return frozenset()


def _compiles(rule: Rule) -> bool:
    try:
        Engine([rule])
    except RuleLoadError:
        return False
    return True
