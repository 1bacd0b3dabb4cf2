"""The rules and engine for one workspace, from the same sources as the CLI: the core pack,
packs from the loader's verified cache, and `.gocheck.toml` at the workspace root.

Configuration parsing and rule selection belong to `analyzer.config`; this module only
calls it. Nothing here touches the network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from analyzer.builtin_rules import ENGINE_RULES
from analyzer.rule import Rule
from analyzer.rulepack import core_pack_dir, load_pack
from analyzer.runner import Engine, EngineOptions, RuleLoadError

log = logging.getLogger(__name__)

LOCK_FILE = "gocheck.lock"
CONFIG_FILE = ".gocheck.toml"


def verified_pack_dirs(root: Path | None) -> list[Path]:
    """Pack directories from the loader's verified cache, as pinned by `gocheck.lock`.

    The seam to `rulehub.loader`: locked and offline, so it answers from the lock file and
    the local cache or raises (a LoaderError naming what to run); it never waits on the
    network. Without a workspace or without the loader this is an empty list.
    """
    if root is None:
        return []
    try:
        from rulehub.loader import verified_pack_dirs as loader_pack_dirs
    except ImportError:
        return []
    return [Path(p) for p in loader_pack_dirs(root, locked=True, offline=True)]


def _config_module():
    try:
        from analyzer import config
    except ImportError:  # analyzer.config has not landed yet: defaults, like the CLI without a file
        return None
    return config


@dataclass
class WorkspaceRules:
    """What one analysis needs: the engine, every known rule (for hover docs) and where
    the configuration came from."""

    engine: Engine
    rules: dict[str, Rule]
    config_path: Path | None = None
    problems: list[str] = field(default_factory=list)


def load_workspace_rules(root: Path | None, extra_pack_dirs: Sequence[Path] = ()) -> WorkspaceRules:
    """Build the rule set; a broken pack or config is reported in `problems`, not raised,
    so the server keeps serving with what it could load."""
    problems: list[str] = []
    available: list[Rule] = list(ENGINE_RULES)
    pack_dirs = [core_pack_dir()]
    try:
        pack_dirs += verified_pack_dirs(root)
    except Exception as exc:  # the loader's failure must not stop the editor
        problems.append(f"cached rule packs unavailable: {type(exc).__name__}: {exc}")
    pack_dirs += [Path(p) for p in extra_pack_dirs]
    for directory in pack_dirs:
        try:
            available.extend(load_pack(directory).rules)
        except Exception as exc:
            problems.append(f"rule pack {directory} not loaded: {exc}")

    selected = [r for r in available if r.enabled_by_default]
    severities = {}
    config_path: Path | None = None
    config_module = _config_module()
    if config_module is not None and root is not None:
        try:
            found = config_module.find_config(root)
            if found is not None:
                config_path = Path(found)
                config = config_module.load_config(config_path)
                selected = list(config.select_rules(available))
                severities = dict(config.severity_overrides)
        except Exception as exc:
            problems.append(f"{config_path or root / CONFIG_FILE}: {exc}; using the default rules")
    try:
        engine = Engine(selected, EngineOptions(severities=severities))
    except RuleLoadError as exc:  # a rule whose query does not compile: run the others
        problems.append(str(exc))
        engine = Engine([r for r in selected if _compiles(r)], EngineOptions(severities=severities))
    return WorkspaceRules(engine, {r.name: r for r in available}, config_path, problems)


def _compiles(rule: Rule) -> bool:
    try:
        Engine([rule])
    except RuleLoadError:
        return False
    return True
