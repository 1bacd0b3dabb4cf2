"""Load a pack directory (pack.toml + rule modules + declarative rules) into `Rule` values.

The built-in `rules/core` pack and every pack go through `load_pack`. It imports Python
from the directory, so it is for first-party code (core) and the user's own `--pack-dir`.
Downloaded packs go through `load_downloaded_pack`: their declarative rules load here, and
their Python rules load only when the user trusts the publisher (the pack's namespace, see
rulehub.loader.trusted_publishers), and then only inside a contained worker
(analyzer.sandbox): this process never imports a downloaded pack's code."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.api.rule import Rule
from analyzer.pipeline.declarative import load_declarative_rule

CORE_PACK = "gocheck/core"


class PackLoadError(Exception):
    """A pack cannot be loaded; the message names the pack and the file."""


class UntrustedPackError(PackLoadError):
    """A downloaded pack has Python rules and the user does not trust its publisher."""

    def __init__(self, pack: str, publisher: str) -> None:
        super().__init__(
            f"pack {pack} contains Python rules (code that runs on this machine) and its publisher "
            f"{publisher!r} is not trusted; review the pack, then run `gocheck packs trust {publisher}` "
            f"(or remove it from [packs])"
        )
        self.pack = pack
        self.publisher = publisher


@dataclass(frozen=True)
class LoadedPack:
    name: str
    version: str
    directory: Path
    rules: tuple[Rule, ...]


def pack_name(directory: Path) -> str:
    """The pack's `namespace/name` from pack.toml, read as data (no code runs)."""
    return _manifest(directory)[0]


def runs_python(directory: Path) -> bool:
    """Whether the pack has any Python file, at any depth (helpers, `_*.py` and rule
    packages' modules count: they are code)."""
    return any(directory.rglob("*.py"))


def rule_module_paths(directory: Path) -> list[Path]:
    """A pack's Python rules: each `name.py` (not `_*.py`) and each rule package, a folder
    `name/` with an `__init__.py` that defines RULE (its other modules are the rule's own)."""
    modules = [p for p in directory.glob("*.py") if not p.name.startswith("_")]
    packages = [p for p in directory.glob("*/__init__.py") if not p.parent.name.startswith("_")]
    return sorted([*modules, *packages])


def load_downloaded_packs(directories: list[Path], trusted_publishers: frozenset[str]) -> list[LoadedPack]:
    """Every downloaded pack, after checking that none needs a trust the user has not given
    (so an untrusted pack stops the run before any pack's code is started)."""
    for directory in directories:
        check_trusted(Path(directory), trusted_publishers)
    return [load_downloaded_pack(d, trusted_publishers) for d in directories]


def check_trusted(directory: Path, trusted_publishers: frozenset[str]) -> None:
    if runs_python(directory):
        name = pack_name(directory)
        publisher = name.split("/", 1)[0]
        if publisher not in trusted_publishers:
            raise UntrustedPackError(name, publisher)


def load_downloaded_pack(directory: Path | str, trusted_publishers: frozenset[str]) -> LoadedPack:
    """A pack from the loader's cache: declarative rules here, Python rules contained, and
    only for a trusted publisher (else UntrustedPackError, before anything is imported)."""
    directory = Path(directory)
    name, version = _manifest(directory)
    if not runs_python(directory):
        return load_pack(directory)
    check_trusted(directory, trusted_publishers)
    from analyzer.sandbox import SandboxUnavailable
    from analyzer.sandbox.contained_pack import ContainedPack

    try:
        contained = ContainedPack(name, directory).describe()
    except SandboxUnavailable as exc:
        raise PackLoadError(f"{directory}: {exc}") from None
    declarative = load_pack(directory, python=False)
    return LoadedPack(name, version, directory, _checked_names(directory, [*contained, *declarative.rules]))


def _manifest(directory: Path) -> tuple[str, str]:
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
    return name, version


def load_pack(directory: Path | str, *, python: bool = True, declarative: bool = True) -> LoadedPack:
    """Every rule of a pack, its Python modules imported into this process (trusted code only)."""
    directory = Path(directory)
    name, version = _manifest(directory)
    module_prefix = "gocheck_pack_" + re.sub(r"\W", "_", f"{name}_{version}")
    rules: list[Rule] = []
    for path in rule_module_paths(directory) if python else ():
        rules.extend(_rules_from_module(path, module_prefix, name))
    for path in sorted(directory.glob("*.toml")) if declarative else ():
        if path.name == "pack.toml":
            continue
        try:
            rules.append(replace(load_declarative_rule(path), pack=name))
        except (ValueError, TypeError) as exc:  # a malformed rule file
            raise PackLoadError(f"{path}: {exc}") from None
    if name != CORE_PACK:
        rules = [replace(r, name=f"{name}/{r.name}") for r in rules]
    return LoadedPack(name, version, directory, _checked_names(directory, rules))


def _checked_names(directory: Path, rules: list[Rule]) -> tuple[Rule, ...]:
    seen: set[str] = set()
    for r in rules:
        if r.name in seen:
            raise PackLoadError(f"{directory}: two rules are named {r.name!r}")
        seen.add(r.name)
    return tuple(rules)


def _rules_from_module(path: Path, module_prefix: str, pack_name: str) -> list[Rule]:
    is_package = path.name == "__init__.py"
    module_name = f"{module_prefix}.{path.parent.name if is_package else path.stem}"
    module = sys.modules.get(module_name)
    if module is None:
        # a rule package imports its own modules relatively (`from .format import ...`)
        search = [str(path.parent)] if is_package else None
        spec = importlib.util.spec_from_file_location(module_name, path, submodule_search_locations=search)
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
    return Path(__file__).resolve().parents[2] / "rules" / "core"
