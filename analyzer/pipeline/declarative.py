"""Declarative rules: a TOML file with a tree-sitter query, a message and an optional fix.

```toml
name = "errorf-no-args"
summary = "fmt.Errorf with a constant string"
severity = "info"
query = '''((call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)
             arguments: (argument_list . (interpreted_string_literal) @fmt .)) @match
           (#eq? @pkg "fmt") (#eq? @fn "Errorf"))'''
message = "fmt.Errorf({fmt}) has no arguments: use errors.New"
fix = "errors.New({fmt})"       # optional; replaces the @match node
tags = ["style"]
doc = '''...fixed sections...'''
```

The finding is reported at the `@match` capture; `{capture}` in message and fix is that
capture's source text.

A rule file with `pattern` (or `patterns`, `pattern-either`) instead of `query` is a
pattern rule: Go code with holes (`$X`, `...`), see analyzer/patterns/rule.py and
docs/patterns.md. Both kinds are data: loading them runs no code from the pack.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from analyzer.api.analysis_pass import Match, Pass, replace_fix
from analyzer.api.diagnostics import Severity
from analyzer.api.rule import GoVersionRange, Rule
from analyzer.golang.gomod import parse_go_version
from analyzer.patterns.rule import compile_pattern_rule, is_pattern_rule, pattern_run

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load_declarative_rule(path: Path) -> Rule:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    pattern = is_pattern_rule(data)
    for key in ("name", "message") if pattern else ("name", "query", "message"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(f"missing required string field {key!r}")
    message: str = data["message"]
    fix_template: str | None = data.get("fix")
    fix_message = data.get("fix_message", "apply suggested fix")
    if pattern:
        if "query" in data:
            raise ValueError("a rule has either a query or patterns, not both")
        compiled = compile_pattern_rule(data)
        fix_safe = data.get("fix_safe", True)
        if not isinstance(fix_safe, bool):
            raise TypeError("fix_safe must be true or false")
        return _rule(data, message, compiled.query, pattern_run(compiled, message, fix_template, fix_message, fix_safe))

    def run(pass_: Pass) -> None:
        for m in pass_.matches:
            node = m.get("match") or next((ns[0] for ns in m.captures.values() if ns), None)
            if node is None:
                continue
            pass_.current_file = m.file

            def fill(template: str, m: Match = m) -> str:
                def capture(g: re.Match) -> str:
                    node = m.get(g.group(1))
                    return m.file.text(node) if node is not None else g.group(0)

                return _PLACEHOLDER.sub(capture, template)

            fix = replace_fix(fix_message, node, fill(fix_template)) if fix_template else None
            pass_.report(m.file, node, fill(message), fix)

    return _rule(data, message, data["query"], run)


def _rule(data: dict, message: str, query: str, run) -> Rule:
    """The fields every rule file has, whichever way it matches code."""
    go = data.get("go", {})
    return Rule(
        name=data["name"],
        summary=data.get("summary", message),
        run=run,
        severity=Severity.parse(data.get("severity", "warning")),
        query=query,
        tags=tuple(data.get("tags", ())),
        doc=data.get("doc", ""),
        equivalents=tuple(data.get("equivalents", ())),
        enabled_by_default=bool(data.get("enabled", True)),
        go_versions=GoVersionRange(
            parse_go_version(go["min"]) if "min" in go else None,
            parse_go_version(go["below"]) if "below" in go else None,
        ),
    )

