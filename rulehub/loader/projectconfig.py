"""The `[packs]` and `[hub]` tables of `.gocheck.toml`, and minimal in-place edits of `[packs]`.

    [hub]
    url = "https://hub.example.com"

    [packs]
    "acme/http-safety" = "^1.4"

The file is found upward from the project directory, like the rest of gocheck's config.
Edits (`gocheck packs add/remove`) rewrite only the `[packs]` table's lines and keep the
rest of the file, comments included, as it was.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.api.rule_ids import is_rule_id, pack_of
from analyzer.pipeline.config import (  # one definition of "the project's .gocheck.toml"
    MAX_CONFIG_BYTES,
    find_config,
)
from analyzer.safe_files import SkippedFile, read_tree_file
from rulehub.loader.errors import ConfigError
from rulehub.loader.userdirs import normalize_hub_url
from rulehub.pack import PackFormatError, SemverRange
from rulehub.pack.manifest import NAME_RE

CONFIG_NAME = ".gocheck.toml"
LOCK_NAME = "gocheck.lock"


@dataclass(frozen=True)
class ProjectConfig:
    path: Path  # the .gocheck.toml (may not exist yet)
    packs: dict[str, str]  # name -> range text, in file order
    hub_url: str | None
    rule_ids: tuple[str, ...] = ()  # namespaced rule IDs (ns/pack/rule) in [rules] enable
    go: str | None = None  # `go = "1.21"`: overrides go.mod's go line (as for the engine)

    def rule_packs(self, extra: Sequence[str] = (), *, local: Collection[str] = ()) -> dict[str, tuple[str, ...]]:
        """Packs to fetch for rule IDs alone: pack -> its asked rule IDs, for IDs in [rules]
        enable (and `extra`, e.g. --enable) whose pack neither [packs] nor a `local` pack
        directory provides.  Only those rules of such a pack run (analyzer.pipeline.config)."""
        out: dict[str, list[str]] = {}
        for rid in (*self.rule_ids, *extra):
            pack = pack_of(rid)
            if pack and pack not in self.packs and pack not in local and rid not in out.get(pack, ()):
                out.setdefault(pack, []).append(rid)
        return {p: tuple(sorted(ids)) for p, ids in sorted(out.items())}

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def lock_path(self) -> Path:
        return self.path.parent / LOCK_NAME


def load_project(project_dir: Path) -> ProjectConfig:
    """The config found upward from `project_dir`; an empty one in `project_dir` if there is none."""
    path = find_config(project_dir)
    if path is None:
        return ProjectConfig(Path(project_dir).resolve() / CONFIG_NAME, {}, os.environ.get("GOCHECK_HUB_URL") or None)
    try:
        doc = tomllib.loads(read_tree_file(path, max_bytes=MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, SkippedFile) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix the syntax") from None
    packs_table = doc.get("packs", {})
    if not isinstance(packs_table, dict):
        raise ConfigError(f'{path}: [packs] must be a table of "namespace/name" = "range"')
    packs: dict[str, str] = {}
    for name, rng in packs_table.items():
        check_pack_name(name, where=str(path))
        if not isinstance(rng, str):
            raise ConfigError(f'{path}: [packs] "{name}" must be a version range string, e.g. "^1.4"')
        check_range(name, rng, where=str(path))
        packs[name] = rng.strip()
    hub = doc.get("hub", {})
    if not isinstance(hub, dict) or not isinstance(hub.get("url", ""), str):
        raise ConfigError(f'{path}: [hub] url must be a string, e.g. url = "https://hub.example.com"')
    url = hub.get("url") or os.environ.get("GOCHECK_HUB_URL") or None
    rules = doc.get("rules", {})
    enable = rules.get("enable", []) if isinstance(rules, dict) else []
    rule_ids = tuple(r.strip() for r in enable if isinstance(r, str) and is_rule_id(r)) if isinstance(enable, list) else ()
    go = doc.get("go") if isinstance(doc.get("go"), str) else None
    return ProjectConfig(path, packs, normalize_hub_url(url) if url else None, rule_ids, go)


def check_pack_name(name: str, *, where: str = "") -> None:
    if not NAME_RE.match(name):
        prefix = f"{where}: " if where else ""
        raise ConfigError(f"{prefix}pack name {name!r} must be 'namespace/name', e.g. \"acme/http-safety\"")


def check_range(name: str, rng: str, *, where: str = "") -> None:
    try:
        SemverRange.parse(rng)
    except PackFormatError as exc:
        prefix = f"{where}: " if where else ""
        raise ConfigError(f"{prefix}pack {name}: {exc}") from None


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def write_packs(config: ProjectConfig, packs: dict[str, str], hub_url: str | None = None) -> None:
    """Replace the `[packs]` table (and set `[hub] url` if the file has none) in place."""
    path = config.path
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    body = [f"{json.dumps(name)} = {json.dumps(rng)}" for name, rng in packs.items()]
    start = next((i for i, line in enumerate(lines) if (m := _HEADER.match(line)) and m.group(1) == "packs"), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[packs]", *body]
    else:
        end = start + 1
        while end < len(lines) and not _HEADER.match(lines[end]):
            end += 1
        # keep comments and blank lines of the old table, drop its entries
        kept = [line for line in lines[start + 1 : end] if not line.strip() or line.lstrip().startswith("#")]
        trailing = []
        while kept and not kept[-1].strip():
            trailing.append(kept.pop())
        lines[start + 1 : end] = [*kept, *body, *trailing]
    has_hub = any((m := _HEADER.match(line)) and m.group(1) == "hub" for line in lines)
    if hub_url and not has_hub:
        lines = ["[hub]", f"url = {json.dumps(hub_url)}", "", *lines]
    text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # never leave a file we cannot read back
        raise ConfigError(f"{path}: could not update [packs] ({exc}); edit it by hand") from None
    _replace_file(path, text)


def _replace_file(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def with_enabled_rules(text: str, rule_ids: Sequence[str]) -> str:
    """`.gocheck.toml` text with `rule_ids` added to `[rules] enable` (the table and the key are
    created if missing); the rest of the file, comments included, is kept.  The one edit
    behind `gocheck packs add RULE_ID` and the editor's "enable this rule" action."""
    doc = tomllib.loads(text)
    rules = doc.get("rules", {})
    old = list(rules.get("enable", [])) if isinstance(rules, dict) else []
    new = [*old, *(r for r in rule_ids if r not in old)]
    if new == old:
        return text
    line = f"enable = [{', '.join(json.dumps(r) for r in new)}]"
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if (m := _HEADER.match(ln)) and m.group(1) == "rules"), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[rules]", line]
    else:
        end = start + 1
        while end < len(lines) and not _HEADER.match(lines[end]):
            end += 1
        key = next((i for i in range(start + 1, end) if re.match(r"^\s*enable\s*=", lines[i])), None)
        if key is None:
            lines.insert(start + 1, line)
        else:  # the old value may span lines: it ends where the text up to here parses again
            last = next((j for j in range(key, end) if _parses("\n".join(lines[key : j + 1]))), None)
            if last is None:
                raise ConfigError("could not find the end of [rules] enable; add the rule by hand")
            lines[key : last + 1] = [line]
    out = "\n".join(lines) + "\n"
    tomllib.loads(out)  # never write a file we cannot read back
    return out


def _parses(fragment: str) -> bool:
    try:
        tomllib.loads(fragment)
        return True
    except tomllib.TOMLDecodeError:
        return False


def enable_rules(config: ProjectConfig, rule_ids: Sequence[str]) -> None:
    """Add `rule_ids` to `[rules] enable` of the project's `.gocheck.toml`, in place."""
    path = config.path
    text = path.read_text("utf-8") if path.exists() else ""
    try:
        new = with_enabled_rules(text, rule_ids)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: could not update [rules] enable ({exc}); edit it by hand") from None
    _replace_file(path, new)
