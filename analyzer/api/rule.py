"""The rule API: a rule is a value with a name, docs, an optional query and `run(pass_)`.

A rule module defines one `RULE = Rule(...)`; its module docstring is the rule's
documentation, written in fixed sections so `gocheck explain`, SARIF help and the portal
all render the same text:

    One-line summary.

    ## What it does
    ## Why is this bad?
    ## Example
    ## Use instead
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from analyzer.api.diagnostics import Severity

if TYPE_CHECKING:
    from analyzer.api.analysis_pass import Pass

# Each rule's page in the RuleHub catalogue (namespaced pack rules keep their slashes);
# `gocheck explain NAME` prints the same text. GOCHECK_DOCS_URL points at another hub.
DEFAULT_DOCS_URL = "https://rulehub.dev/rules/{rule}"


def docs_url(rule_name: str) -> str:
    """The web page of a rule's docs, used by SARIF helpUri and the LSP's codeDescription."""
    import os
    from urllib.parse import quote

    return os.environ.get("GOCHECK_DOCS_URL", DEFAULT_DOCS_URL).format(rule=quote(rule_name, safe="/"))


DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


@dataclass(frozen=True)
class GoVersionRange:
    """Which Go language versions (from go.mod's `go` line) a rule applies to; bounds inclusive-exclusive."""

    min: tuple[int, int] | None = None
    max_exclusive: tuple[int, int] | None = None

    def contains(self, version: tuple[int, int] | None) -> bool:
        if version is None:
            return True
        if self.min is not None and version < self.min:
            return False
        if self.max_exclusive is not None and version >= self.max_exclusive:
            return False
        return True


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str
    run: Callable[["Pass"], None]
    severity: Severity = Severity.WARNING
    query: str | None = None
    tags: tuple[str, ...] = ()
    go_versions: GoVersionRange = field(default_factory=GoVersionRange)
    equivalents: tuple[str, ...] = ()  # e.g. ("staticcheck:SA4018", "vet:assign")
    doc: str = ""
    enabled_by_default: bool = True
    # Pack the rule came from ("core" for built-ins); set by the pack loader.
    pack: str = "core"
    # The rule's findings in a file depend only on that file's text, the package outline (its
    # text outside function bodies), which package functions never return and the Go version,
    # and it reads files through its query matches: the editor then re-runs it on edited files
    # only and keeps its findings in the others.
    per_file: bool = False

    def docs(self) -> "RuleDocs":
        return RuleDocs.parse(self.doc or self.summary)


@dataclass(frozen=True)
class RuleDocs:
    summary: str
    sections: dict[str, str]

    @classmethod
    def parse(cls, doc: str) -> "RuleDocs":
        text = _dedent(doc).strip()
        parts = re.split(r"^##\s+(.+?)\s*$", text, flags=re.MULTILINE)
        summary = parts[0].strip()
        sections = {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
        return cls(summary, sections)

    def markdown(self, title: str | None = None) -> str:
        out = []
        if title:
            out.append(f"# {title}\n")
        out.append(self.summary + "\n")
        for name, body in self.sections.items():
            out.append(f"## {name}\n\n{body}\n")
        return "\n".join(out).rstrip() + "\n"

    def plain(self) -> str:
        return self.markdown()


def _dedent(doc: str) -> str:
    import textwrap

    lines = doc.expandtabs().splitlines()
    if not lines:
        return ""
    return lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))
