"""`.gocheck.toml`: which rules run, at what severity, on which paths, and when a run fails.

Found upward from the working directory (the CLI's `--config PATH` names one, `--no-config`
ignores it); flags override what it says. The language server reads the same file through
the same three calls: `find_config`, `load_config`, `Config.select_rules`.

    go = "1.21"                  # overrides go.mod's `go` line
    fail-on = "warning"          # findings at or above this severity fail the run
    exclude = ["gen/**", "*_mock.go"]   # path globs, relative to this file's directory
    include-generated = false
    max-file-size = "4MiB"       # larger Go files are not read (a finding says so); at most 64MiB here

    [rules]
    enable = ["acme/http-safety"]        # rule names, or a pack name for all its rules; a rule ID
                                         # ns/pack/rule of a pack not in [packs] fetches that pack
                                         # and runs only the rules enabled by ID
    disable = ["deferinloop"]

    [rules.selfassign]
    severity = "error"

    [output]                     # paths relative to this file, inside its directory
    format = ["text", "sarif:gocheck.sarif"]

`[packs]` and `[hub]` belong to the RuleHub loader (rulehub.loader.projectconfig) and are
left to it. Anything else unknown, or a value of the wrong kind, is a `ConfigError` whose
message names the key and the fix; the CLI exits with code 2.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from analyzer.api.diagnostics import Severity
from analyzer.api.rule import Rule
from analyzer.api.rule_ids import pack_of
from analyzer.golang.gomod import parse_go_version
from analyzer.pipeline.builtin_rules import INTERNAL
from analyzer.safe_files import (
    DEFAULT_MAX_FILE_BYTES,
    SkippedFile,
    describe_size,
    read_tree_file,
)

CONFIG_NAME = ".gocheck.toml"

# Output format names; the reporters package checks the same list when it writes.
FORMAT_NAMES = ("text", "json", "sarif", "github", "checkstyle", "junit", "gitlab")

_TOP_KEYS = ("go", "fail-on", "exclude", "include-generated", "max-file-size", "rules", "output", "packs", "hub")
# A repository's config may raise the per-file cap only this far: the cap protects the
# machine from the tree, so a larger one must come from the command line.
MAX_CONFIG_FILE_SIZE = 64 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024  # the .gocheck.toml itself
_RULES_KEYS = ("enable", "disable")
_RULE_KEYS = ("severity",)
_OUTPUT_KEYS = ("format",)


class ConfigError(Exception):
    """A configuration file or value gocheck cannot use; the message says what to change."""


@dataclass(frozen=True)
class Config:
    """One project's settings. Every field has the default a run without a file gets."""

    path: Path | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    go_version: tuple[int, int] | None = None
    fail_on: Severity = Severity.WARNING
    formats: tuple[str, ...] = ()
    include_generated: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    listed_packs: tuple[str, ...] = ()  # the [packs] table's names (the loader reads their ranges)
    local_packs: tuple[str, ...] = ()  # packs given as directories (--pack-dir), not fetched

    @property
    def rule_only_packs(self) -> frozenset[str]:
        """Packs present only because a rule ID of theirs is enabled (`ns/pack/rule` in
        enable, the pack not in [packs] nor a local directory): only the enabled rules of
        such a pack run, its other rules stay off unless the pack itself is enabled."""
        packs = {pack_of(n) for n in self.enable}
        return frozenset(p for p in packs if p and p not in self.listed_packs and p not in self.local_packs and p not in self.enable)

    @property
    def root(self) -> Path:
        """The directory `exclude` globs, baseline paths and `[output]` paths are relative to."""
        return self.path.parent if self.path is not None else Path.cwd()

    def where(self, key: str) -> str:
        return f"{self.path}: {key}" if self.path is not None else key

    def with_rule_flags(self, enable: Sequence[str] = (), disable: Sequence[str] = ()) -> "Config":
        """Flags override the file: `--enable X` wins over the file's `disable`, and the
        other way round."""
        both = sorted(set(enable) & set(disable))
        if both:
            raise ConfigError(f"--enable and --disable both name {', '.join(both)}: keep one")
        return replace(
            self,
            enable=tuple(n for n in self.enable if n not in disable) + tuple(n for n in enable if n not in self.enable),
            disable=tuple(n for n in self.disable if n not in enable) + tuple(n for n in disable if n not in self.disable),
        )

    def select_rules(self, all_rules: Iterable[Rule]) -> list[Rule]:
        """The rules that run: on by default, plus `enable`, minus `disable`. A name is a
        rule name or a pack name (all of that pack's rules). Unknown names are errors
        with a suggestion; `internal` cannot be disabled (it is how failures show)."""
        rules = list(all_rules)
        for key, names in (("[rules] enable", self.enable), ("[rules] disable", self.disable)):
            for name in names:
                if not _matching(rules, name):
                    raise ConfigError(f"{self.where(key)}: {_unknown(name, rules)}")
        for name in self.severity_overrides:
            if not any(r.name == name for r in rules):
                raise ConfigError(f"{self.where(f'[rules.{name}]')}: {_unknown(name, rules)}")
        if INTERNAL.name in self.disable:
            raise ConfigError(f"{self.where('[rules] disable')}: the internal rule cannot be disabled; it reports gocheck's own failures")
        selected = []
        rule_only = self.rule_only_packs
        for rule in rules:
            on = (rule.enabled_by_default and rule.pack not in rule_only) or any(_matches(rule, n) for n in self.enable)
            if rule.name != INTERNAL.name and any(_matches(rule, n) for n in self.disable):
                on = False
            if on or rule.name == INTERNAL.name:
                selected.append(rule)
        return selected


def _matches(rule: Rule, name: str) -> bool:
    return rule.name == name or rule.pack == name or rule.name.startswith(name.rstrip("/") + "/")


def _matching(rules: list[Rule], name: str) -> list[Rule]:
    return [r for r in rules if _matches(r, name)]


def _unknown(name: str, rules: list[Rule]) -> str:
    pack = pack_of(name)
    if pack and not any(r.pack == pack for r in rules):  # e.g. the editor, before `gocheck` fetched it
        return (f"rule {name!r} is in the pack {pack}, which is not fetched yet; run `gocheck packs update` "
                f"(or `gocheck`, online) to lock and fetch it, `gocheck explain {name}` shows the rule")
    return f"unknown rule {name!r}{_suggest(name, rules)}; `gocheck rules` lists them"


def _suggest(name: str, rules: list[Rule]) -> str:
    close = difflib.get_close_matches(name, [r.name for r in rules], n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def find_config(start_dir: Path | str) -> Path | None:
    """The nearest `.gocheck.toml` in `start_dir` or one of its parents."""
    current = Path(start_dir).resolve()
    if current.is_file():
        current = current.parent
    for d in (current, *current.parents):
        candidate = d / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | str) -> Config:
    path = Path(path)
    try:
        text = read_tree_file(path, max_bytes=MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; check the --config path") from None
    except (OSError, UnicodeDecodeError, SkippedFile) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}; fix the syntax") from None
    return parse_config(doc, path)


def parse_config(doc: Mapping, path: Path | None = None) -> Config:
    """Validate a decoded `.gocheck.toml`; every error names the key and the fix."""
    where = (lambda key: f"{path}: {key}") if path is not None else (lambda key: key)
    _check_keys(doc, _TOP_KEYS, "", where)
    out: dict = {"path": path.resolve() if path is not None else None}

    if "go" in doc:
        value = doc["go"]
        if not isinstance(value, str):
            raise ConfigError(f'{where("go")}: write the Go version as a string, e.g. go = "1.21"')
        try:
            out["go_version"] = parse_go_version(value)
        except ValueError as exc:
            raise ConfigError(f"{where('go')}: {exc}") from None
    if "fail-on" in doc:
        out["fail_on"] = _severity(doc["fail-on"], where("fail-on"))
    if "exclude" in doc:
        out["exclude"] = _strings(doc["exclude"], where("exclude"), 'exclude = ["gen/**", "*_mock.go"]')
    if "include-generated" in doc:
        if not isinstance(doc["include-generated"], bool):
            raise ConfigError(f"{where('include-generated')}: must be true or false")
        out["include_generated"] = doc["include-generated"]
    if "max-file-size" in doc:
        try:
            size = parse_size(doc["max-file-size"])
        except ValueError as exc:
            raise ConfigError(f"{where('max-file-size')}: {exc}") from None
        if size > MAX_CONFIG_FILE_SIZE:
            raise ConfigError(f"{where('max-file-size')}: at most {describe_size(MAX_CONFIG_FILE_SIZE)} in a config file; a larger cap only with --max-file-size")
        out["max_file_bytes"] = size

    rules = doc.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{where('rules')}: must be a table: [rules] enable = [...], disable = [...]")
    severities: dict[str, Severity] = {}
    for key, value in rules.items():
        if key in _RULES_KEYS:
            out[key] = _strings(value, where(f"[rules] {key}"), f'{key} = ["rule-name", ...]')
        elif isinstance(value, dict):
            _check_keys(value, _RULE_KEYS, f"rules.{key}", where)
            if "severity" in value:
                severities[key] = _severity(value["severity"], where(f"[rules.{key}] severity"))
        else:
            raise ConfigError(
                f"{where(f'[rules] {key}')}: unknown key; [rules] takes enable and disable lists, and "
                f'per-rule tables like [rules.{key}] severity = "error"{_close(key, _RULES_KEYS)}'
            )
    out["severity_overrides"] = severities
    packs = doc.get("packs", {})
    out["listed_packs"] = tuple(packs) if isinstance(packs, dict) else ()  # validated by rulehub.loader.projectconfig
    if set(out.get("enable", ())) & set(out.get("disable", ())):
        both = sorted(set(out["enable"]) & set(out["disable"]))
        raise ConfigError(f"{where('[rules]')}: {', '.join(both)} is both enabled and disabled; keep one")

    output = doc.get("output", {})
    if not isinstance(output, dict):
        raise ConfigError(f'{where("output")}: must be a table: [output] format = ["text"]')
    _check_keys(output, _OUTPUT_KEYS, "output", where)
    if "format" in output:
        value = output["format"]
        formats = (value,) if isinstance(value, str) else _strings(value, where("[output] format"), 'format = ["text", "sarif:gocheck.sarif"]')
        for spec in formats:
            name = spec.split(":", 1)[0]
            if name not in FORMAT_NAMES:
                raise ConfigError(f"{where('[output] format')}: unknown format {name!r}{_close(name, FORMAT_NAMES)}; use one of {', '.join(FORMAT_NAMES)}")
        out["formats"] = tuple(formats)
    return Config(**out)


_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(value) -> int:
    """A byte count: 4194304, "4MiB", "512 KiB", "10MB"; raises ValueError saying how to write it."""
    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = value, ""
    elif isinstance(value, str) and (m := re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", value)) and m.group(2).lower() in _UNITS:
        number, unit = int(m.group(1)), m.group(2).lower()
    else:
        raise ValueError(f"invalid size {value!r}: write a number of bytes or e.g. \"4MiB\", \"512KiB\"")
    if number <= 0:
        raise ValueError(f"invalid size {value!r}: must be more than 0")
    return number * _UNITS[unit]


def load_for(cwd: Path, config_path: str | None = None, no_config: bool = False) -> Config:
    """The CLI's choice: `--no-config`, else `--config PATH`, else the nearest file upward."""
    if no_config:
        return Config()
    if config_path:
        return load_config(Path(cwd) / config_path if not os.path.isabs(config_path) else Path(config_path))
    found = find_config(cwd)
    return load_config(found) if found is not None else Config()


def _check_keys(table: Mapping, known: Sequence[str], section: str, where) -> None:
    for key in table:
        if key not in known:
            label = f"[{section}] {key}" if section else key
            raise ConfigError(f"{where(label)}: unknown key{_close(key, known)}; known keys: {', '.join(known)}")


def _close(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _severity(value, where: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f'{where}: must be one of "info", "warning", "error"')
    try:
        return Severity.parse(value)
    except ValueError:
        raise ConfigError(f'{where}: unknown severity {value!r}; use "info", "warning" or "error"') from None


def _strings(value, where: str, example: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: must be a list of non-empty strings, e.g. {example}")
    return tuple(v.strip() for v in value)
