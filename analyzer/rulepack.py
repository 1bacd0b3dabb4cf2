"""Load a pack directory (pack.toml + rule modules + declarative rules) into `Rule` values.

The built-in `rules/core` pack and every downloaded pack go through this one function. It
imports Python from the directory, so callers hand it only verified directories (the
loader verifies downloads before they reach here)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.declarative import load_declarative_rule
from analyzer.rule import Rule

CORE_PACK = "gocheck/core"


class PackLoadError(Exception):
    """A pack cannot be loaded; the message names the pack and the file."""


@dataclass(frozen=True)
class LoadedPack:
    name: str
    version: str
    directory: Path
    rules: tuple[Rule, ...]


def load_pack(directory: Path | str) -> LoadedPack:
    directory = Path(directory)
    manifest_path = directory / "pack.toml"
    try:
        manifest = tomllib.loads(manifest_path.read_text("utf-8"))
    except FileNotFoundError:
        raise PackLoadError(f"{directory}: no pack.toml; a pack directory needs one (see `gocheck pack new`)") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackLoadError(f"{manifest_path}: invalid TOML: {exc}") from None
    meta = manifest.get("pack", {})
    name = meta.get("name")
    version = str(meta.get("version", "0.0.0"))
    if not isinstance(name, str) or "/" not in name:
        raise PackLoadError(f"{manifest_path}: [pack] name must be 'namespace/name'")
    module_prefix = "gocheck_pack_" + re.sub(r"\W", "_", f"{name}_{version}")
    rules: list[Rule] = []
    modules = [p for p in directory.glob("*.py") if not p.name.startswith("_")]
    modules += directory.glob("*/__init__.py")  # a rule with a package of its own
    for path in sorted(modules):
        rules.extend(_rules_from_module(path, module_prefix, name))
    for path in sorted(directory.glob("*.toml")):
        if path.name == "pack.toml":
            continue
        try:
            rules.append(replace(load_declarative_rule(path), pack=name))
        except ValueError as exc:
            raise PackLoadError(f"{path}: {exc}") from None
    if name != CORE_PACK:
        rules = [replace(r, name=f"{name}/{r.name}") for r in rules]
    seen: set[str] = set()
    for r in rules:
        if r.name in seen:
            raise PackLoadError(f"{directory}: two rules are named {r.name!r}")
        seen.add(r.name)
    return LoadedPack(name, version, directory, tuple(rules))


def _rules_from_module(path: Path, module_prefix: str, pack_name: str) -> list[Rule]:
    package = path.name == "__init__.py"
    module_name = f"{module_prefix}.{path.parent.name if package else path.stem}"
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path, submodule_search_locations=[str(path.parent)] if package else None)
        if spec is None or spec.loader is None:
            raise PackLoadError(f"{path}: cannot import")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]
            raise PackLoadError(f"{path}: importing the rule failed: {type(exc).__name__}: {exc}") from exc
    found = [v for k, v in vars(module).items() if k == "RULE" and isinstance(v, Rule)]
    found += [r for r in getattr(module, "RULES", ()) if isinstance(r, Rule)]
    if not found:
        raise PackLoadError(f"{path}: defines no RULE = Rule(...)")
    return [replace(r, doc=r.doc or (module.__doc__ or ""), pack=pack_name) for r in found]


def core_pack_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "rules" / "core"
