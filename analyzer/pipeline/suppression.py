"""Suppression comments: golangci-lint's `//nolint` and staticcheck's `//lint:ignore`.

golangci-lint syntax and scope:

- `//nolint` or `//nolint:all` suppresses every rule; `//nolint:a,b // reason` the named
  ones. Names may be namespaced (`acme/http-safety/insecure-tls`); a pack name
  (`acme/http-safety`) covers all of that pack's rules.
- At the end of a line it covers that line. On its own line (as the last line of a comment
  group) directly above a declaration or statement it covers that whole node, e.g. a whole
  function; directly above `package` it covers the whole file.

staticcheck syntax and scope:

- `//lint:ignore NAME[,NAME] reason` on its own line covers the next line, and the whole
  statement that starts there; for a statement with a body (`if`, `for`, `func`, ...) only
  its header up to the opening brace, never the body. At the end of a line it covers that
  line.
- `//lint:file-ignore NAME[,NAME] reason` covers the whole file, wherever it is.
- NAME may also be a staticcheck check ID (`SA5011`): it covers the gocheck rules that list
  that check among their equivalents (`staticcheck:SA5011` for nilcheck), so code migrated
  from staticcheck keeps its suppressions. Only exact IDs; `//nolint:staticcheck` (a whole
  linter) is not mapped, since it would hide rules unrelated to what it was written for.

`internal` (gocheck's own failures) and `syntax` (parse errors) findings are suppressed only
by a directive that names them: a bare `//nolint` or `//nolint:all` must not hide a crash
or a file that does not parse.

A directive that suppresses nothing is "unused"; `filter_suppressed` returns one
`unused-suppression` finding per unused directive (per unused name for lists), which the
CLI shows with `--report-unused-nolint`, like golangci-lint's nolintlint.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Collection, Iterable, Mapping

import tree_sitter

from analyzer.api.analysis_pass import delete_fix
from analyzer.pipeline.builtin_rules import INTERNAL, SYNTAX
from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.api.rule import Rule
from analyzer.golang.source import GO_LANGUAGE, GoFile

UNUSED_DOC = """A suppression comment that suppresses nothing.

## What it does
Reports `//nolint`, `//lint:ignore` and `//lint:file-ignore` comments that matched no
finding in this run, per rule name for lists (`//nolint:a,b` where only `a` fires). Only
rules that ran are considered, so disabling a rule does not make its directives "unused".
A name that is no gocheck rule but close to one (`//nolint:selfasign`) is reported with a
"did you mean"; other linters' names (`//nolint:errcheck`) are left alone. Shown with `--report-unused-nolint`, or by enabling this rule in `.gocheck.toml`.

## Why is this bad?
Stale suppressions hide the next real finding on that line or in that function, and tell
readers about a problem that no longer exists.

## Example
```go
x := compute() //nolint:selfassign // nothing here is a self-assignment
```

## Use instead
```go
x := compute()
```

## Fix safety
The fix deletes the comment; it is safe because the comment suppresses nothing.
"""


def _not_run(pass_) -> None:  # reported by filter_suppressed, not by the engine
    return None


UNUSED_SUPPRESSION = Rule(
    name="unused-suppression",
    summary="a //nolint or //lint:ignore comment that suppresses nothing",
    run=_not_run,
    severity=Severity.WARNING,
    doc=UNUSED_DOC,
    tags=("style",),
    equivalents=("golangci-lint:nolintlint",),
    enabled_by_default=False,
)

# Never suppressed by a directive that does not name them.
EXPLICIT_ONLY = frozenset({INTERNAL.name, SYNTAX.name})

_NOLINT = re.compile(r"^nolint(?=[ :]|$)")
_LINT_DIRECTIVE = re.compile(r"^//lint:(ignore|file-ignore)(?:\s+(\S+))?(?:\s+(.*))?$")
# Nodes that start where their first child starts but stand for many siblings.
_CONTAINERS = frozenset({"source_file", "statement_list"})
_COMMENT_QUERY = tree_sitter.Query(GO_LANGUAGE, "(comment) @c")


@dataclass(eq=False)
class Directive:
    """One suppression comment. `names` empty means every rule (bar EXPLICIT_ONLY);
    `first_line`..`last_line` (1-based, inclusive) is the range it covers."""

    file: GoFile
    kind: str  # "nolint", "lint:ignore" or "lint:file-ignore"
    names: tuple[str, ...]
    first_line: int
    last_line: int
    comment: tree_sitter.Node
    reason: str = ""
    used: set[str] = field(default_factory=set)  # names that matched; "" for a bare directive

    def matches(self, d: Diagnostic, aliases: Mapping[str, frozenset[str]] | None = None) -> str | None:
        """The name that suppresses `d` ("" for a bare directive), or None. `aliases`: rule
        name -> other names a `//lint:ignore` may use for it (see `staticcheck_aliases`)."""
        if not (self.first_line <= d.line <= self.last_line):
            return None
        rule = d.rule.lower()
        if not self.names:
            return None if d.rule in EXPLICIT_ONLY else ""
        other_names = aliases.get(d.rule, ()) if aliases and self.kind != "nolint" else ()
        for name in self.names:
            if name == "all":
                if d.rule not in EXPLICIT_ONLY:
                    return name
            elif rule == name or rule.startswith(name.rstrip("/") + "/") or name in other_names:
                return name
        return None

    @property
    def text(self) -> str:
        return self.file.text(self.comment)


@dataclass
class SuppressionResult:
    kept: list[Diagnostic]
    suppressed: list[Diagnostic]
    unused: list[Diagnostic]


def staticcheck_aliases(rules: Iterable[Rule]) -> dict[str, frozenset[str]]:
    """Rule name -> the staticcheck check IDs (lower case) it lists as equivalents."""
    out: dict[str, frozenset[str]] = {}
    for rule in rules:
        ids = frozenset(e.split(":", 1)[1].lower() for e in rule.equivalents if e.lower().startswith("staticcheck:"))
        if ids:
            out[rule.name] = ids
    return out


@dataclass(frozen=True)
class SuppressionStep:
    """The step after the engine, one package at a time, the same for the CLI and the editor:
    drop findings of engine-reported rules the run did not select (syntax errors are
    reported whatever the selection), apply //nolint and //lint:ignore, and add
    unused-suppression findings when that rule is selected."""

    selected: frozenset[str]
    aliases: Mapping[str, frozenset[str]]
    report_unused: bool
    known: frozenset[str] = frozenset()  # every rule name gocheck knows: misspelt directives are checked against them

    @classmethod
    def for_rules(cls, selected_rules: Iterable[Rule], report_unused: bool = False, known_rules: Iterable[Rule] = ()) -> SuppressionStep:
        """`report_unused`: also when the unused-suppression rule is not selected (the CLI's
        --report-unused-nolint). `known_rules`: every available rule, run or not."""
        rules = list(selected_rules)
        selected = frozenset(r.name for r in rules)
        known = frozenset(r.name for r in known_rules) | selected
        return cls(selected, staticcheck_aliases(rules), report_unused or UNUSED_SUPPRESSION.name in selected, known)

    def apply(self, diagnostics: Iterable[Diagnostic], files: Iterable[GoFile]) -> list[Diagnostic]:
        found = [d for d in diagnostics if d.rule in self.selected or d.rule == INTERNAL.name]
        known = sorted(self.known) if self.report_unused else None
        result = filter_suppressed(found, files, enabled=self.selected, aliases=self.aliases, known=known)
        return result.kept + (result.unused if self.report_unused else [])


def filter_suppressed(
    diagnostics: Iterable[Diagnostic],
    files: Iterable[GoFile],
    *,
    enabled: Collection[str] | None = None,
    aliases: Mapping[str, frozenset[str]] | None = None,
    known: Collection[str] | None = None,
) -> SuppressionResult:
    """Split findings into kept and suppressed; list the directives that matched nothing.

    `enabled`: names of the rules that ran; a directive naming only other rules is not
    reported as unused (it may be for a rule this run left out). None: every name counts.
    `aliases`: from `staticcheck_aliases`, so `//lint:ignore SA5011` covers nilcheck.
    `known`: every rule name gocheck knows (run or not); a name in a directive that is close
    to one of them but names nothing (`//nolint:selfasign`) is reported as a misspelling."""
    by_path: dict[str, list[Directive]] = {}
    for f in files:
        directives = parse_directives(f)
        if directives:
            by_path[f.path] = directives
    kept: list[Diagnostic] = []
    suppressed: list[Diagnostic] = []
    for d in diagnostics:
        hit = False
        for directive in by_path.get(d.path, ()):
            name = directive.matches(d, aliases)
            if name is not None:
                directive.used.add(name)
                hit = True
        (suppressed if hit else kept).append(d)
    unused = [u for directives in by_path.values() for directive in directives for u in _unused(directive, enabled)]
    if known is not None:
        unused += [u for directives in by_path.values() for directive in directives for u in _misspelt(directive, known, aliases)]
    return SuppressionResult(kept, suppressed, unused)


def _misspelt(directive: Directive, known: Collection[str], aliases: Mapping[str, frozenset[str]] | None) -> list[Diagnostic]:
    """Names that are no rule, pack or (for lint:ignore) staticcheck ID but look like a
    typo of one. Names far from every gocheck rule are left alone: `//nolint` is
    golangci-lint's syntax, and its other linters' names are not gocheck's to judge."""
    rules = {k.lower() for k in known}
    packs = {r.rsplit("/", 1)[0] for r in rules if "/" in r}
    ids = {i for ids in (aliases or {}).values() for i in ids} if directive.kind != "nolint" else set()
    out = []
    for name in directive.names:
        bare = name.rstrip("/")
        if name == "all" or bare in rules or bare in packs or bare in ids or any(r.startswith(bare + "/") for r in rules):
            continue
        close = difflib.get_close_matches(bare, sorted(rules | packs), n=1, cutoff=0.8)
        if close:
            message = f"{_short(directive.text)} names no rule {name!r}; did you mean {close[0]!r}?"
            out.append(_unused_diagnostic(directive, message, whole=False))
    return out


def parse_directives(file: GoFile) -> list[Directive]:
    """Every suppression directive in `file`, with the line range it covers."""
    source = file.source
    if b"nolint" not in source and b"lint:" not in source:
        return []
    comments = sorted(tree_sitter.QueryCursor(_COMMENT_QUERY).captures(file.root).get("c", []), key=lambda n: n.start_byte)
    # Own-line comments on consecutive lines form a group, as go/ast groups them; a
    # directive anywhere in a group covers the node below the group.
    own_line = [c for c in comments if _is_own_line(file, c)]
    group_end: dict[int, int] = {}  # comment start byte -> last line (0-based) of its group
    run: list[tree_sitter.Node] = []
    for c in own_line + [None]:
        if c is not None and run and c.start_point[0] == run[-1].end_point[0] + 1:
            run.append(c)
            continue
        for member in run:
            group_end[member.start_byte] = run[-1].end_point[0]
        run = [c] if c is not None else []
    out: list[Directive] = []
    for c in comments:
        text = file.text(c)
        if not text.startswith("//"):
            continue
        parsed = _parse_nolint(text) if "nolint" in text else None
        if parsed is not None:
            names, reason = parsed
            first, last = _nolint_range(file, c, group_end.get(c.start_byte))
            out.append(Directive(file, "nolint", names, first, last, c, reason))
            continue
        m = _LINT_DIRECTIVE.match(text.rstrip())
        if m is None:
            continue
        kind, names_text, reason = m.group(1), m.group(2) or "", (m.group(3) or "").strip()
        names = tuple(n.strip().lower() for n in names_text.split(",") if n.strip())
        if not names:
            continue  # staticcheck rejects a directive without checks; so do we
        if kind == "file-ignore":
            out.append(Directive(file, "lint:file-ignore", names, 1, file.lines.line_count, c, reason))
        else:
            first, last = _lint_ignore_range(file, c, c.start_byte in group_end)
            out.append(Directive(file, "lint:ignore", names, first, last, c, reason))
    return out


def _parse_nolint(text: str) -> tuple[tuple[str, ...], str] | None:
    """golangci-lint's reading: `//nolint`, `// nolint`, `//nolint:a,b // reason`."""
    body = text.lstrip("/ ")
    if not _NOLINT.match(body):
        return None
    code, _, reason = body.partition("//")
    if not code.startswith("nolint:"):
        return (), reason.strip()
    names = tuple(n.strip().lower() for n in code[len("nolint:") :].split(",") if n.strip())
    if "all" in names:
        names = ("all",)
    return names, reason.strip()


def _is_own_line(file: GoFile, comment: tree_sitter.Node) -> bool:
    line_start = file.source.rfind(b"\n", 0, comment.start_byte) + 1
    prefix = file.source[line_start : comment.start_byte].replace(b"\xef\xbb\xbf", b"")
    return not prefix.strip(b" \t\r")


def _nolint_range(file: GoFile, comment: tree_sitter.Node, group_last_line: int | None) -> tuple[int, int]:
    line = comment.start_point[0]
    if group_last_line is None:
        return line + 1, comment.end_point[0] + 1
    node = _node_starting_on(file, group_last_line + 1)
    if node is None:
        return line + 1, group_last_line + 1
    if node.type == "package_clause":
        return 1, file.lines.line_count
    return line + 1, node.end_point[0] + 1


def _lint_ignore_range(file: GoFile, comment: tree_sitter.Node, own_line: bool) -> tuple[int, int]:
    line = comment.start_point[0]
    if not own_line:
        return line + 1, line + 1
    # The directive may sit above further comment lines of its group: skip to the code.
    target = comment.end_point[0] + 1
    while target < file.lines.line_count and file.lines.line_text(target).lstrip().startswith(b"//"):
        target += 1
    node = _node_starting_on(file, target)
    if node is None:
        return target + 1, target + 1
    end = node.end_point[0]
    for child in node.children:
        if child.type in ("block", "{", "field_declaration_list", "literal_value") and child.start_point[0] >= target:
            end = child.start_point[0]
            break
    return target + 1, end + 1


def _node_starting_on(file: GoFile, line: int) -> tree_sitter.Node | None:
    """The outermost node (below the file and statement lists) that starts at the first
    code on 0-based `line`; None for a blank line, a closing brace or a comment."""
    text = file.lines.line_text(line)
    stripped = text.lstrip(b" \t")
    if not stripped or stripped.startswith((b"}", b")", b"//", b"/*")):
        return None
    pos = file.lines.offset(line, len(text) - len(stripped))
    node = file.root.named_descendant_for_byte_range(pos, pos)
    if node is None or node.start_byte != pos:
        return None
    while True:  # iterative climb: nesting can be thousands deep
        parent = node.parent
        if parent is None or parent.start_byte != pos or parent.type in _CONTAINERS:
            break
        node = parent
    return None if node.type in _CONTAINERS else node


def _unused(directive: Directive, enabled: Collection[str] | None) -> list[Diagnostic]:
    if not directive.names:
        if directive.used:
            return []
        return [_unused_diagnostic(directive, f"{_short(directive.text)} suppresses nothing; remove it", whole=True)]
    names = [n for n in directive.names if n not in directive.used]
    if enabled is not None:
        enabled_lower = {e.lower() for e in enabled}
        names = [n for n in names if n == "all" or any(e == n or e.startswith(n.rstrip("/") + "/") for e in enabled_lower)]
    if not names:
        return []
    whole = len(names) == len(directive.names)
    return [
        _unused_diagnostic(directive, f"{_short(directive.text)} is unused for {name!r}; remove {'it' if whole else 'the name'}", whole=whole)
        for name in names
    ]


def _unused_diagnostic(directive: Directive, message: str, whole: bool) -> Diagnostic:
    file, comment = directive.file, directive.comment
    line, col = file.lines.position(comment.start_byte)
    end_line, end_col = file.lines.position(comment.end_byte)
    fixes = (delete_fix("remove the unused suppression", file, comment),) if whole else ()
    return Diagnostic(
        UNUSED_SUPPRESSION.name,
        UNUSED_SUPPRESSION.severity,
        file.path,
        line + 1,
        col + 1,
        end_line + 1,
        end_col + 1,
        comment.start_byte,
        comment.end_byte,
        message,
        fixes,
    )


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 60 else text[:57] + "..."
