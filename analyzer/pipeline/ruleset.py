"""The rule set: every rule a run can choose from, assembled in one place for the CLI, the
language server, the portal, the bench scripts and the tests.

The engine's own rules and the core pack come first, then packs the user named (loaded
in-process: the user's own choice), then downloaded packs (Python rules only from trusted
publishers, and contained). Which publishers are trusted is the caller's to say: the
engine knows nothing of where that list is kept (the CLI and the editor read it through
rulehub.loader)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analyzer.api.rule import Rule
from analyzer.pipeline.builtin_rules import ENGINE_RULES
from analyzer.pipeline.rulepack import PackLoadError, core_pack_dir, load_downloaded_pack, load_downloaded_packs, load_pack
from analyzer.pipeline.suppression import UNUSED_SUPPRESSION


def builtin_rules() -> list[Rule]:
    """The rules every gocheck has without a pack: the engine's own and the core pack."""
    return [*ENGINE_RULES, UNUSED_SUPPRESSION, *load_pack(core_pack_dir()).rules]


def available_rules(
    pack_dirs: Sequence[Path] = (),
    downloaded_dirs: Sequence[Path] = (),
    trusted_publishers: frozenset[str] = frozenset(),
    problems: list[str] | None = None,
) -> list[Rule]:
    """Every rule gocheck knows for one run.

    With `problems=None` a pack that does not load raises (PackLoadError, or
    UntrustedPackError before any downloaded pack's code starts): a check must not quietly
    run fewer rules. With a list, each failure is appended to it and the rest still load
    (the editor keeps serving with what it could load)."""
    rules: list[Rule] = [*ENGINE_RULES, UNUSED_SUPPRESSION]
    for directory in [core_pack_dir(), *pack_dirs]:
        try:
            rules.extend(load_pack(directory).rules)
        except (PackLoadError, OSError) as exc:  # load_pack wraps what a pack's import raises
            if problems is None:
                raise
            problems.append(f"rule pack {directory} not loaded: {exc}")
    if problems is None:
        for pack in load_downloaded_packs(list(downloaded_dirs), trusted_publishers):
            rules.extend(pack.rules)
        return rules
    for directory in downloaded_dirs:
        try:
            rules.extend(load_downloaded_pack(directory, trusted_publishers).rules)
        except PackLoadError as exc:
            problems.append(f"rule pack not loaded: {exc}")
    return rules
