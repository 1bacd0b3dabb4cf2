"""Semgrep rules for Go, read into a pattern pack: `gocheck pack import-semgrep FILE.yaml`.

What carries over, one to one: `pattern`, `patterns` (its `pattern`, `pattern-either` of
plain patterns, `pattern-not`, `pattern-inside`, `pattern-not-inside`,
`metavariable-regex`, `focus-metavariable`), top-level `pattern-either` of plain
patterns, `message`, `severity`, `fix`, and `metadata` (into the docs). Semgrep's test file
beside the rules (`FILE.go` with `// ruleid: ID` above each expected finding) becomes each
rule's `// want` testdata.

Anything else (taint mode, `pattern-regex`, `metavariable-pattern`,
`metavariable-comparison`, nested `pattern-either`, deep `<... P ...>`, typed metavariables,
`"..."` string ellipses, `paths` filters, non-Go rules) is reported and the rule is skipped
whole: a rule is never translated into one that finds something else."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.patterns.parse import PatternSyntaxError
from analyzer.patterns.rule import compile_pattern_rule

SEVERITIES = {"ERROR": "error", "WARNING": "warning", "INFO": "info", "INVENTORY": "info", "EXPERIMENT": "info"}
_IGNORED_KEYS = {"id", "languages", "message", "severity", "metadata", "fix", "min-version", "max-version"}
_POSITIVE = ("pattern", "patterns", "pattern-either")
# Pattern syntax semgrep has and gocheck's patterns do not.
_UNSUPPORTED_SYNTAX = [
    (re.compile(r"<\.\.\.|\.\.\.>"), "deep expression operator <... P ...>"),
    (re.compile(r"\(\s*\$[A-Z_][A-Z0-9_]*\s*:\s*[^)]+\)"), "typed metavariable ($X : T)"),
    (re.compile(r"\"\.\.\.\"|'\.\.\.'"), 'string ellipsis "..."'),
    (re.compile(r"=~/"), "regular-expression literal =~/.../"),
    (re.compile(r"\$\.\.\.[a-z]|\$[a-z]"), "metavariable in lower case"),
]


class Unsupported(Exception):
    """This rule uses something gocheck's patterns cannot say the same way."""


@dataclass
class ImportResult:
    pack_dir: Path
    converted: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rule id, why)


def import_semgrep(yaml_path: Path, pack_dir: Path, pack_name: str) -> ImportResult:
    import yaml  # type: ignore[import-untyped]

    try:
        document = yaml.safe_load(yaml_path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{yaml_path}: not valid YAML: {exc}") from None
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list):
        raise ValueError(f"{yaml_path}: no `rules:` list")  # noqa: TRY004 (the file is wrong, not a caller)
    result = ImportResult(pack_dir)
    tables: dict[str, tuple[str, dict[str, Any]]] = {}
    for raw in rules:
        rule_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        try:
            name, table = convert_rule(raw)
            if name in tables:
                raise Unsupported(f"two rules become {name!r}")
            compile_pattern_rule(table)  # it must load as gocheck will load it
            tables[name] = (rule_id, table)
        except Unsupported as exc:
            result.skipped.append((rule_id, str(exc)))
        except (ValueError, TypeError, PatternSyntaxError) as exc:
            result.skipped.append((rule_id, f"does not load as a pattern rule: {exc}"))
    pack_dir.mkdir(parents=True, exist_ok=True)
    manifest = pack_dir / "pack.toml"
    if not manifest.exists():
        from analyzer import ENGINE_VERSION
        from analyzer.pack_scaffold import PACK_TOML

        manifest.write_text(PACK_TOML.format(name=pack_name, short=pack_name.split("/")[-1], engine=ENGINE_VERSION).replace(
            'tags = ["style"]', 'tags = ["imported"]'), "utf-8")
    tests = _semgrep_tests(yaml_path)
    for name, (rule_id, table) in tables.items():
        (pack_dir / f"{name}.toml").write_text(to_toml(table), "utf-8")
        result.converted.append(name)
        for test_name, text in tests.items():
            wanted = want_testdata(text, rule_id, table["message"])
            if wanted is not None:
                target = pack_dir / "testdata" / name / test_name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(wanted, "utf-8")
    return result


def convert_rule(raw: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise Unsupported("not a rule mapping")
    languages = [str(x).lower() for x in raw.get("languages", [])]
    if not set(languages) & {"go", "golang"}:
        raise Unsupported(f"not a Go rule (languages: {', '.join(languages) or 'none'})")
    if raw.get("mode", "search") != "search":
        raise Unsupported(f"mode {raw['mode']!r} (only search rules carry over)")
    unknown = sorted(set(raw) - _IGNORED_KEYS - set(_POSITIVE) - {"mode"})
    if unknown:
        raise Unsupported(f"unsupported key(s): {', '.join(unknown)}")
    given = [k for k in _POSITIVE if k in raw]
    if len(given) != 1:
        raise Unsupported(f"needs exactly one of {', '.join(_POSITIVE)}")
    name = re.sub(r"[^a-z0-9-]+", "-", str(raw["id"]).lower()).strip("-")
    if not name:
        raise Unsupported("no usable id")
    table: dict[str, Any] = {"name": name}
    if given[0] == "pattern":
        table["pattern"] = _pattern(raw["pattern"])
    elif given[0] == "pattern-either":
        table["pattern-either"] = _plain_either(raw["pattern-either"])
    else:
        _patterns(raw["patterns"], table)
    message = str(raw.get("message", "")).strip()
    if not message:
        raise Unsupported("no message")
    table["message"] = " ".join(message.split())
    severity = str(raw.get("severity", "WARNING")).upper()
    if severity not in SEVERITIES:
        raise Unsupported(f"severity {severity!r}")
    table["severity"] = SEVERITIES[severity]
    if "fix" in raw:
        table["fix"] = str(raw["fix"]).rstrip("\n")
    table["doc"] = _doc(raw, table)
    return name, table


def _pattern(value: Any) -> str:
    if not isinstance(value, str):
        raise Unsupported("a pattern that is not a string")
    for syntax, what in _UNSUPPORTED_SYNTAX:
        if syntax.search(value):
            raise Unsupported(f"pattern uses {what}: {value.strip()!r}")
    return value.strip()


def _plain_either(items: Any) -> list[str]:
    if not isinstance(items, list) or not items:
        raise Unsupported("pattern-either that is not a list")
    out = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {"pattern"}:
            raise Unsupported("pattern-either with something other than plain patterns")
        out.append(_pattern(item["pattern"]))
    return out


def _patterns(items: Any, table: dict[str, Any]) -> None:
    if not isinstance(items, list):
        raise Unsupported("patterns that is not a list")
    positives: list[str] = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            raise Unsupported("a patterns item that is not a single operator")
        (key, value), = item.items()
        if key == "pattern":
            positives.append(_pattern(value))
        elif key == "pattern-either":
            if "pattern-either" in table:
                raise Unsupported("two pattern-either in one patterns")
            table["pattern-either"] = _plain_either(value)
        elif key in ("pattern-not", "pattern-inside", "pattern-not-inside"):
            table.setdefault(key, []).append(_pattern(value))
        elif key == "metavariable-regex":
            name, regex = _metavariable(value), value.get("regex") if isinstance(value, dict) else None
            if not isinstance(regex, str):
                raise Unsupported("metavariable-regex without a regex")
            # semgrep matches from the start of the text (Python's re.match)
            table.setdefault("metavariables", {}).setdefault(name, {})["regex"] = rf"\A(?:{regex})"
        elif key == "focus-metavariable":
            if "focus" in table or not isinstance(value, str):
                raise Unsupported("focus-metavariable on more than one metavariable")
            table["focus"] = value.removeprefix("$")
        else:
            raise Unsupported(f"operator {key!r}")
    if positives and "pattern-either" in table:
        raise Unsupported("pattern and pattern-either together in one patterns")
    if len(positives) == 1:
        table["pattern"] = positives[0]
    elif positives:
        table["patterns"] = positives
    elif "pattern-either" not in table:
        raise Unsupported("patterns without a positive pattern")


def _metavariable(value: Any) -> str:
    name = value.get("metavariable") if isinstance(value, dict) else None
    if not isinstance(name, str) or not re.fullmatch(r"\$[A-Z_][A-Z0-9_]*", name):
        raise Unsupported(f"metavariable {name!r}")
    return name[1:]


def _doc(raw: dict[str, Any], table: dict[str, Any]) -> str:
    metadata = raw.get("metadata") or {}
    summary = table["message"].split(". ")[0].rstrip(".")
    patterns = table.get("pattern") or table.get("patterns") or table.get("pattern-either")
    shown = "\n".join(patterns) if isinstance(patterns, list) else str(patterns)
    refs = metadata.get("references") if isinstance(metadata, dict) else None
    lines = [summary, "", "## What it does", f"Reports code matching (imported from semgrep rule `{raw['id']}`):", "```go", shown, "```", "",
             "## Why is this bad?", table["message"]]
    if isinstance(metadata, dict):
        for key in ("cwe", "owasp", "category", "confidence"):
            if key in metadata:
                value = metadata[key]
                lines.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    if isinstance(refs, list):
        lines += ["", *(f"- {r}" for r in refs)]
    lines += ["", "## Example", "See the rule's testdata.", "", "## Use instead", "See the message above."]
    return "\n".join(lines)


def to_toml(table: dict[str, Any]) -> str:
    """A rule table as TOML (strings as JSON strings, which TOML reads the same)."""
    out = []
    for key in ("name", "severity", "message", "pattern", "patterns", "pattern-either", "pattern-not", "pattern-inside", "pattern-not-inside", "focus", "fix"):
        if key in table:
            out.append(f"{key} = {_value(table[key])}")
    out.append(f"doc = {_value(table['doc'])}")
    for name, spec in table.get("metavariables", {}).items():
        out.append(f"\n[metavariables.{name}]")
        out.extend(f"{k} = {_value(v)}" for k, v in spec.items())
    return "\n".join(out) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[\n" + "".join(f"    {json.dumps(v, ensure_ascii=False)},\n" for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _semgrep_tests(yaml_path: Path) -> dict[str, str]:
    """Semgrep's test file for a rule file: same stem, `.go`."""
    test = yaml_path.with_suffix(".go")
    return {test.name: test.read_text("utf-8")} if test.exists() else {}


_ANNOTATION = re.compile(r"^\s*//\s*(ruleid|ok|todoruleid|todook)\s*:\s*(.+?)\s*$")


def want_testdata(text: str, rule_id: str, message: str) -> str | None:
    """Semgrep's annotations turned into `// want`: the line after `// ruleid: ID` must
    report (the want is the message's text before its first metavariable); other rules'
    annotations are dropped. None when the file says nothing about this rule."""
    lines = text.splitlines()
    out: list[str] = []
    pending = False
    mentioned = False
    fixed = message.split("$", 1)[0].strip() or "."
    want = json.dumps(re.escape(fixed[:60]))
    for line in lines:
        m = _ANNOTATION.match(line)
        if m:
            ids = [x.strip() for x in m.group(2).split(",")]
            if rule_id in ids:
                mentioned = True
                pending = pending or m.group(1) == "ruleid"
            continue
        if pending and line.strip():
            line = f"{line} // want {want}"
            pending = False
        out.append(line)
    return "\n".join(out) + "\n" if mentioned else None
