"""A pattern rule: the operators and constraints of a rule file, compiled to the query the
engine merges and the `run` that checks each candidate.

```toml
name = "insecure-skip-verify"
message = "TLS certificate verification is turned off ($VALUE)"
severity = "error"
pattern = "tls.Config{..., InsecureSkipVerify: $VALUE, ...}"
pattern-not = ["tls.Config{..., InsecureSkipVerify: false, ...}"]
pattern-not-inside = ["func $TEST(t *testing.T) { ... }"]
imports = ["crypto/tls"]

[metavariables.VALUE]
kind = ["true", "identifier"]
```

Operators (each a string or a list of strings):

- `pattern`: the code to find; `pattern-either`: any of these; `patterns`: all of these
  must match the same code (the first finds candidates). Exactly one of the three.
- `pattern-not`: drop a match that one of these also matches (same code, same range).
- `pattern-inside` / `pattern-not-inside`: keep / drop a match lying inside code one of
  these matches (with the metavariables they share bound to the same code).

`[metavariables.X]` constraints, all of which must hold: `regex` (Python regex searched in
the bound code's text), `not-regex`, `kind` (tree-sitter node kinds, see `gocheck tree`),
`import` (the identifier, or the package of `pkg.Name`, resolves to one of these import
paths), `type` (the engine's declared type: a basic kind such as `string` or
`import/path.Name`, pointer or not; an unknown type fails the constraint: silent when
unsure) and `constant` (true: a compile-time constant; false: not known to be one).

`[transform.Y]` (ast-grep's `transform: replace`) makes `$Y` for the message and the fix
from the text `$X` bound: `source = "X"`, every match of the regex `replace` turned into
`by` (`\\1` refers to a group): `Lock` → `Unlock` from `source = "M"`, `replace = 'Lock$'`,
`by = "Unlock"`.

`focus = "X"` reports at the code `$X` bound instead of the whole match (semgrep's
focus-metavariable). `message` and `fix` may use `$X` and `$...X`; the fix replaces the
reported code; `${X:import}` is the import path of the package `$X` names. A fix is applied
by `gocheck --fix` unless `fix_safe = false` (then only on request, in the editor)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import regex  # type: ignore[import-untyped]
from tree_sitter import Node

from analyzer.api.analysis_pass import Pass, replace_fix
from analyzer.api.diagnostics import Severity
from analyzer.api.rule import Rule
from analyzer.golang.source import GoFile
from analyzer.patterns.compile import MATCH_CAPTURE, CompiledPattern, Found
from analyzer.patterns.match import Bindings, Bound, Imports, Matcher, StepsExceeded
from analyzer.patterns.parse import PatternSyntaxError, metavariable_names

POSITIVE_KEYS = ("pattern", "pattern-either", "patterns")
FILTER_KEYS = ("pattern-not", "pattern-inside", "pattern-not-inside")
CONSTRAINT_KEYS = ("regex", "not-regex", "kind", "import", "type", "constant")
_TEMPLATE_HOLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*):import\}|\$(\.\.\.)?([A-Z_][A-Z0-9_]*)")
MAX_CONSTRAINED_TEXT = 10_000  # a regex runs on at most this much of the bound code
# A pack's regex runs with a time limit (the `regex` module's timeout; `re` has none), so a
# pattern that backtracks for ever on some code cannot stall a run: past it, the constraint
# does not hold and the match is dropped (silent when unsure).
REGEX_TIMEOUT_SECONDS = 0.25


def is_pattern_rule(data: dict[str, Any]) -> bool:
    return any(k in data for k in POSITIVE_KEYS)


@dataclass(frozen=True)
class Constraint:
    name: str
    regex: Any = None  # a compiled `regex` pattern
    not_regex: Any = None  # a compiled `regex` pattern
    kinds: frozenset[str] = frozenset()
    imports: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    constant: bool | None = None

    def holds(self, pass_: Pass, file: GoFile, value: Bound) -> bool:
        nodes = value if isinstance(value, tuple) else (value,)
        text = bound_text(file, value)[:MAX_CONSTRAINED_TEXT]
        if self.regex is not None and not _search(self.regex, text):
            return False
        if self.not_regex is not None and _search(self.not_regex, text) is not False:
            return False
        if self.kinds and not all(n.type in self.kinds for n in nodes):
            return False
        if self.imports and not all(_import_of(pass_, file, n) in self.imports for n in nodes):
            return False
        if self.types and not all(_type_names(pass_, file, n) & self.types for n in nodes):
            return False
        if self.constant is not None:
            from analyzer.golang.constant import is_constant

            if not nodes or any(is_constant(pass_, file, n) != self.constant for n in nodes):
                return False
        return True


@dataclass(frozen=True)
class Transform:
    """`$name` = the text `$source` bound with every match of `replace` turned into `by`."""

    name: str
    source: str
    replace: Any  # a compiled `regex` pattern
    by: str

    def apply(self, file: GoFile, bindings: Bindings, texts: dict[str, str]) -> str | None:
        """The new text (empty when this match did not bind `$source`: one
        `pattern-either` alternative may bind what another does not, as in ast-grep); None
        when the regex ran out of time."""
        if self.source in texts:
            text = texts[self.source]
        elif self.source in bindings:
            text = bound_text(file, bindings[self.source])[:MAX_CONSTRAINED_TEXT]
        else:
            return ""
        try:
            return str(self.replace.sub(self.by, text, timeout=REGEX_TIMEOUT_SECONDS))
        except TimeoutError:
            return None


@dataclass(frozen=True)
class PatternRule:
    """The compiled operators of one rule."""

    positives: tuple[CompiledPattern, ...]
    all_of: tuple[CompiledPattern, ...] = ()  # further `patterns` that must match the same code
    nots: tuple[CompiledPattern, ...] = ()
    insides: tuple[CompiledPattern, ...] = ()
    not_insides: tuple[CompiledPattern, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    imports: Imports = field(default_factory=Imports)
    focus: str | None = None  # report at this metavariable's code, not the whole match
    transforms: tuple[Transform, ...] = ()  # texts made from holes for the message and fix
    digest: str = ""  # of the whole rule table, so the result cache sees every operator

    @property
    def query(self) -> str:
        """The positive patterns' queries, then a query comment naming the rule's digest:
        the result cache's fingerprint hashes each rule's query, and a changed
        `pattern-not` or constraint must not replay results of the old rule."""
        return "\n".join(p.query for p in self.positives) + f"\n; pattern rule {self.digest}"

    def findings(self, pass_: Pass, file: GoFile, candidate: Node, which: int) -> Iterator[Found]:
        """The matches at `candidate` (found by positive pattern `which`) that pass every
        operator and constraint; a candidate too costly to decide gives none."""
        matcher = Matcher(file, pass_.scopes, self.imports)
        try:
            for found in list(self.positives[which].find(matcher, candidate, {})):
                result = self._filtered(pass_, file, matcher, found)
                if result is not None:
                    yield result
        except StepsExceeded:
            return

    def _filtered(self, pass_: Pass, file: GoFile, matcher: Matcher, found: Found) -> Found | None:
        for extra in self.all_of:
            found = next(_same_range(matcher, extra, found), None)  # type: ignore[assignment]
            if found is None:
                return None
        for inside in self.insides:
            found = next(_enclosing(matcher, inside, found), None)  # type: ignore[assignment]
            if found is None:
                return None
        if any(next(_same_range(matcher, p, found), None) is not None for p in self.nots):
            return None
        if any(next(_enclosing(matcher, p, found), None) is not None for p in self.not_insides):
            return None
        for c in self.constraints:
            value = found.bindings.get(c.name)
            if value is None or not c.holds(pass_, file, value):
                return None
        if self.focus is not None:
            value = found.bindings.get(self.focus)
            nodes = value if isinstance(value, tuple) else (value,) if value is not None else ()
            if not nodes:
                return None
            return Found(nodes[0].start_byte, nodes[-1].end_byte, nodes[0], found.bindings)
        return found


def _search(pattern: Any, text: str) -> bool | None:
    """Whether `pattern` is found in `text`; None when it ran out of time."""
    try:
        return pattern.search(text, timeout=REGEX_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        return None


def _same_range(matcher: Matcher, pattern: CompiledPattern, found: Found) -> Iterator[Found]:
    """Matches of `pattern` covering exactly `found`'s code, its bindings kept."""
    for node in _nodes_spanning(found):
        matcher.steps = 0
        for other in pattern.find(matcher, node, found.bindings):
            if (other.start, other.end) == (found.start, found.end):
                yield Found(found.start, found.end, found.node, other.bindings)


def _nodes_spanning(found: Found) -> Iterator[Node]:
    node: Node | None = found.node
    if node is not None and (node.start_byte, node.end_byte) != (found.start, found.end):
        if node.parent is not None:  # a run of statements: the list holding it
            yield node.parent
        return
    top = node
    while top is not None and top.parent is not None and (top.parent.start_byte, top.parent.end_byte) == (found.start, found.end):
        top = top.parent
    while top is not None:
        yield top
        if top.type == "expression_statement" or top.named_child_count == 1:
            top = top.named_children[0] if top.named_child_count else None
            if top is not None and (top.start_byte, top.end_byte) != (found.start, found.end):
                return
        else:
            return


def _enclosing(matcher: Matcher, pattern: CompiledPattern, found: Found) -> Iterator[Found]:
    """Matches of `pattern` on code around (or equal to) `found`, bindings merged."""
    node: Node | None = found.node
    while node is not None:
        matcher.steps = 0
        for outer in pattern.find(matcher, node, found.bindings):
            if outer.start <= found.start and found.end <= outer.end:
                yield Found(found.start, found.end, found.node, outer.bindings)
        node = node.parent


def bound_text(file: GoFile, value: Bound) -> str:
    if isinstance(value, tuple):
        return file.source[value[0].start_byte : value[-1].end_byte].decode("utf-8", "replace") if value else ""
    return file.text(value)


def fill_template(template: str, pass_: Pass, file: GoFile, bindings: Bindings, one_line: bool, texts: dict[str, str] | None = None) -> str:
    """`$X` and `$...X` become the code they bound; `${X:import}` the import path of the
    package `$X` names (`strings` for `str.Replace` under `import str "strings"`); `$Y` of a
    `[transform.Y]` the text it made (`texts`)."""

    def hole(m: re.Match) -> str:
        if texts and m.group(3) in texts and not m.group(1) and not m.group(2):
            return texts[m.group(3)]
        value = bindings.get(m.group(1) or m.group(3))
        if value is None:
            return m.group(0)
        if m.group(1):
            nodes = value if isinstance(value, tuple) else (value,)
            path = _import_of(pass_, file, nodes[0]) if nodes else None
            return path if path is not None else bound_text(file, value)
        text = bound_text(file, value)
        return " ".join(text.split()) if one_line else text

    return _TEMPLATE_HOLE.sub(hole, template)


def _import_of(pass_: Pass, file: GoFile, node: Node) -> str | None:
    """The import path of an identifier naming a package, or of the package in
    `pkg.Name`, `pkg.Name(...)`, `pkg.Type{...}`."""
    for _ in range(8):
        if node.type in ("identifier", "package_identifier"):
            return pass_.import_path(file, node)
        nxt = node.child_by_field_name("function") or node.child_by_field_name("operand") or node.child_by_field_name("package") or node.child_by_field_name("type")
        if nxt is None:
            return None
        node = nxt
    return None


def _type_names(pass_: Pass, file: GoFile, node: Node) -> set[str]:
    from analyzer.golang.exprtype import basic_kind, declared_type, qualified_name

    ref = declared_type(pass_, file, node)
    names: set[str] = set()
    qualified = qualified_name(pass_, ref)
    if qualified is not None:
        names.add(f"{qualified[0]}.{qualified[1]}")
    basic = basic_kind(pass_, ref)
    if basic is not None:
        names.add(basic.removeprefix("untyped "))
    return names


# -- reading a rule file -----------------------------------------------------------------


def _strings(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a string or a list of strings")
    return value


def _compile_all(data: dict[str, Any], key: str, kinds: dict[str, frozenset[str]] | None = None) -> tuple[CompiledPattern, ...]:
    out = []
    for text in _strings(data, key):
        try:
            out.append(CompiledPattern.of(text, kinds, finds_candidates=key not in ("pattern-inside", "pattern-not-inside")))
        except PatternSyntaxError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return tuple(out)


def _constraint(name: str, spec: Any) -> Constraint:
    if not isinstance(spec, dict):
        raise TypeError(f"[metavariables.{name}] must be a table")
    unknown = set(spec) - set(CONSTRAINT_KEYS)
    if unknown:
        raise ValueError(f"[metavariables.{name}]: unknown constraint(s) {sorted(unknown)}; known: {', '.join(CONSTRAINT_KEYS)}")

    def compiled(key: str) -> Any:
        if key not in spec:
            return None
        try:
            return regex.compile(spec[key])
        except (regex.error, TypeError) as exc:
            raise ValueError(f"[metavariables.{name}] {key}: {exc}") from None

    constant = spec.get("constant")
    if constant is not None and not isinstance(constant, bool):
        raise ValueError(f"[metavariables.{name}] constant must be true or false")
    from analyzer.golang.source import GO_LANGUAGE

    unknown_kinds = [k for k in _strings(spec, "kind") if GO_LANGUAGE.id_for_node_kind(k, True) is None]
    if unknown_kinds:
        raise ValueError(f"[metavariables.{name}] kind: no such node kind {', '.join(unknown_kinds)} (see `gocheck tree FILE`)")
    return Constraint(
        name,
        regex=compiled("regex"),
        not_regex=compiled("not-regex"),
        kinds=frozenset(_strings(spec, "kind")),
        imports=frozenset(_strings(spec, "import")),
        types=frozenset(t.lstrip("*") for t in _strings(spec, "type")),
        constant=constant,
    )


def _transforms(table: Any, bound: set[str]) -> tuple[Transform, ...]:
    if not isinstance(table, dict):
        raise TypeError("[transform] must be a table of tables")
    out: list[Transform] = []
    for name, spec in table.items():
        if not isinstance(spec, dict) or set(spec) != {"source", "replace", "by"} or not all(isinstance(v, str) for v in spec.values()):
            raise ValueError(f"[transform.{name}] needs exactly the strings source, replace and by")
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) or name in bound:
            raise ValueError(f"[transform.{name}]: the name must be capitals and not a hole of the patterns")
        source = spec["source"].removeprefix("$")
        if source not in bound and source not in {t.name for t in out}:
            raise ValueError(f"[transform.{name}] source: no pattern binds ${source} (nor an earlier transform)")
        try:
            replace = regex.compile(spec["replace"])
        except regex.error as exc:
            raise ValueError(f"[transform.{name}] replace: {exc}") from None
        out.append(Transform(name, source, replace, spec["by"]))
    return tuple(out)


def compile_pattern_rule(data: dict[str, Any]) -> PatternRule:
    """The operators of a rule file's table; ValueError names what is wrong."""
    given = [k for k in POSITIVE_KEYS if k in data]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(POSITIVE_KEYS)} (found {', '.join(given) or 'none'})")
    metavariables = data.get("metavariables", {})
    if not isinstance(metavariables, dict):
        raise TypeError("[metavariables] must be a table of tables")
    constraints = tuple(_constraint(k, v) for k, v in metavariables.items())
    # the candidate query checks `kind` constraints as it walks the file
    compiled = _compile_all(data, given[0], {c.name: c.kinds for c in constraints if c.kinds})
    if not compiled:
        raise ValueError(f"{given[0]!r} is empty")
    positives, all_of = (compiled[:1], compiled[1:]) if given[0] == "patterns" else (compiled, ())
    insides = _compile_all(data, "pattern-inside")
    bound = set().union(*(metavariable_names(p.parsed) for p in (*compiled, *insides)))
    for name in metavariables:
        if name not in bound:
            raise ValueError(f"[metavariables.{name}]: no positive pattern or pattern-inside binds ${name}")
    focus = data.get("focus")
    if focus is not None:
        focus = str(focus).removeprefix("$")
        if focus not in bound:
            raise ValueError(f"focus: no positive pattern or pattern-inside binds ${focus}")
    transforms = _transforms(data.get("transform", {}), bound)
    return PatternRule(
        positives=positives,
        all_of=all_of,
        nots=_compile_all(data, "pattern-not"),
        insides=insides,
        not_insides=_compile_all(data, "pattern-not-inside"),
        constraints=constraints,
        imports=Imports.of(_strings(data, "imports")),
        focus=focus,
        transforms=transforms,
        digest=hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16],
    )


def transformed(transforms: tuple[Transform, ...], file: GoFile, bindings: Bindings) -> dict[str, str] | None:
    """Each transform's text, in file order (a transform may start from an earlier one);
    None when one cannot be made."""
    texts: dict[str, str] = {}
    for t in transforms:
        text = t.apply(file, bindings, texts)
        if text is None:
            return None
        texts[t.name] = text
    return texts


def pattern_run(rule: PatternRule, message: str, fix_template: str | None, fix_message: str, fix_safe: bool = True) -> Callable[[Pass], None]:
    """The rule's `run`: every candidate the merged query found, checked and reported once."""

    def run(pass_: Pass) -> None:
        # one finding per file and range; when several `pattern-either` alternatives match
        # the same code, the first alternative's bindings fill the message
        chosen: dict[tuple[str, int, int], tuple[int, GoFile, Found]] = {}
        for m in pass_.matches:
            candidate = m.get(MATCH_CAPTURE)
            if candidate is None:
                continue
            pass_.current_file = m.file
            for found in rule.findings(pass_, m.file, candidate, m.pattern):
                key = (m.file.path, found.start, found.end)
                if key not in chosen or m.pattern < chosen[key][0]:
                    chosen[key] = (m.pattern, m.file, found)
        for _which, file, found in chosen.values():
            pass_.current_file = file
            texts = transformed(rule.transforms, file, found.bindings)
            if texts is None:
                continue  # a transform's regex ran out of time: silent when unsure
            fix = None
            new_text = fill_template(fix_template, pass_, file, found.bindings, False, texts) if fix_template is not None else None
            # a fix that would write back the very code it replaces changes nothing: none
            if new_text is not None and new_text.encode() != file.source[found.start : found.end]:
                fix = replace_fix(fill_template(fix_message, pass_, file, found.bindings, True, texts), (found.start, found.end), new_text, safe=fix_safe)
            pass_.report(file, (found.start, found.end), fill_template(message, pass_, file, found.bindings, True, texts), fix)

    return run


def search_rule(pattern: str, name: str = "pattern", imports: tuple[str, ...] = ()) -> Rule:
    """The rule behind `gocheck pattern 'PATTERN'`: every match, reported as `name`."""
    compiled = compile_pattern_rule({"pattern": pattern, "imports": list(imports)})
    message = "matches the pattern"
    return Rule(name=name, summary=f"code matching {pattern}", run=pattern_run(compiled, message, None, ""), severity=Severity.INFO, query=compiled.query)
