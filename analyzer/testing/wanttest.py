"""The analysistest convention for rule tests, as go/analysis has it.

A rule's testdata is `testdata/<rule>/`: Go files (a package; subdirectories are further
packages) whose comments `// want "regexp"` (or `// want `+"`regexp`"+`) say which findings
must appear on that line. Each string is a regexp that must match part of one finding's
message there; every finding must be wanted and every want met. A `.go.golden` file beside
a `.go` file holds the file's text after all fixes are applied.

Used by the pytest suite and by `gocheck pack test`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.api.analysis_pass import Package
from analyzer.api.diagnostics import Diagnostic, Edit
from analyzer.golang.gomod import find_module
from analyzer.api.rule import Rule
from analyzer.pipeline.package_loader import group_by_package
from analyzer.pipeline.runner import Engine, EngineOptions
from analyzer.golang.source import GoFile

_WANT = re.compile(r"//\s*want\s+(.*)$")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')


@dataclass
class RuleTestResult:
    rule: str
    packages: int = 0
    findings: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def parse_wants(file: GoFile) -> dict[int, list[re.Pattern]]:
    """1-based line -> wanted message regexps, from `// want` comments."""
    wants: dict[int, list[re.Pattern]] = {}
    for comment in file.comments():
        text = file.text(comment)
        m = _WANT.search(text)
        if not m:
            continue
        line = comment.start_point[0] + 1
        for lit in _STRINGS.findall(m.group(1)):
            pattern = lit[1:-1] if lit.startswith("`") else ast.literal_eval(lit)
            wants.setdefault(line, []).append(re.compile(pattern))
    return wants


def apply_fixes(source: bytes, diagnostics: list[Diagnostic]) -> bytes:
    """Apply every fix's edits (first fix per finding), skipping edits that overlap an earlier one."""
    edits: list[Edit] = []
    for d in diagnostics:
        if d.fixes:
            edits.extend(d.fixes[0].edits)
    edits.sort(key=lambda e: (e.start, e.end))
    out, pos = [], 0
    for e in edits:
        if e.start < pos:
            continue
        out.append(source[pos : e.start])
        out.append(e.new_text.encode())
        pos = e.end
    out.append(source[pos:])
    return b"".join(out)


def check_rule_testdata(rule: Rule, testdata_dir: Path) -> RuleTestResult:
    result = RuleTestResult(rule.name)
    engine = Engine([rule], EngineOptions(include_generated=True))
    dirs = sorted({p.parent for p in testdata_dir.rglob("*.go")})
    if not dirs:
        result.failures.append(f"{testdata_dir}: no Go files")
        return result
    for d in dirs:
        by_pkg = group_by_package((str(p), p.read_bytes()) for p in sorted(d.glob("*.go")))
        module = find_module(d)
        for pkg_files in by_pkg.values():
            result.packages += 1
            diags = [x for x in engine.check_package(Package(str(d), pkg_files, module.go_version if module else None)) if x.rule in (rule.name, "internal")]
            result.findings += len(diags)
            result.failures.extend(_compare(pkg_files, diags))
    return result


def _compare(files: list[GoFile], diags: list[Diagnostic]) -> list[str]:
    failures: list[str] = []
    for f in files:
        wants = parse_wants(f)
        mine = [d for d in diags if d.path == f.path]
        for d in mine:
            patterns = wants.get(d.line, [])
            for i, p in enumerate(patterns):
                if p.search(d.message):
                    del patterns[i]
                    break
            else:
                failures.append(f"{f.path}:{d.line}:{d.column}: unexpected finding [{d.rule}] {d.message}")
        for line, patterns in sorted(wants.items()):
            for p in patterns:
                failures.append(f"{f.path}:{line}: no finding matched want {p.pattern!r}")
        golden = Path(f.path + ".golden")
        if golden.exists():
            fixed = apply_fixes(f.source, mine)
            expected = golden.read_bytes()
            if fixed != expected:
                failures.append(f"{f.path}: fixed text differs from {golden.name}:\n" + _diff(expected, fixed, golden.name))
    return failures


def _diff(expected: bytes, actual: bytes, name: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(True), actual.decode("utf-8", "replace").splitlines(True), name, "fixed")
    )


def check_pack(pack_dir: Path, rules: list[Rule]) -> list[RuleTestResult]:
    """Run every rule's testdata; a rule without testdata is a failure (docs and tests go together)."""
    results = []
    for rule in rules:
        short = rule.name.rsplit("/", 1)[-1]
        td = pack_dir / "testdata" / short
        if not td.is_dir():
            r = RuleTestResult(rule.name)
            r.failures.append(f"{rule.name}: no testdata directory {td}")
            results.append(r)
            continue
        results.append(check_rule_testdata(rule, td))
    return results
