"""`gocheck [check] PATTERNS`, `gocheck rules`, `gocheck explain NAME`.

A check runs in three steps, each its own function so later flags slot in without
touching the others: `plan_check` (config + flags -> rules, engine options, outputs),
`run_check` (engine, then suppression, `--new-from-rev` and baseline filters) and
`report_check` (reporters, summary, exit code). The data flow is DESIGN.md's:
config -> rule set -> packages -> diagnostics -> suppression -> baseline -> reporters.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Sequence

from analyzer.api.diagnostics import Diagnostic, Severity
from analyzer.api.rule import Rule
from analyzer.api.rule_ids import is_rule_id
from analyzer.cli.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, UsageError
from analyzer.cli.progress import ProgressBar, interactive, summary_line
from analyzer.golang.gomod import parse_go_version
from analyzer.pipeline.baseline import BaselineError, load_baseline, write_baseline
from analyzer.pipeline.builtin_rules import ENGINE_RULES, INTERNAL
from analyzer.pipeline.checker import CheckResult, check_patterns, default_jobs
from analyzer.pipeline.config import Config, ConfigError, load_for, parse_size
from analyzer.pipeline.discovery import PatternError
from analyzer.pipeline.newfromrev import NewFromRevError, changed_lines, filter_new
from analyzer.pipeline.rulepack import PackLoadError, UntrustedPackError, pack_name
from analyzer.pipeline.ruleset import available_rules
from analyzer.pipeline.runner import EngineOptions, RuleLoadError
from analyzer.pipeline.suppression import UNUSED_SUPPRESSION, SuppressionStep
from analyzer.reporters import FormatError, OutputSpec, Report, terminal_safe, write_all
from analyzer.safe_files import DEFAULT_MAX_FILE_BYTES
from rulehub.loader.errors import LoaderError

if TYPE_CHECKING:
    from analyzer.pipeline.result_cache import ResultCache  # imported when used: a run without the cache skips it

# Errors of the check's own inputs; all are usage errors (exit 2) at this edge.
_INPUT_ERRORS = (ConfigError, NewFromRevError, BaselineError, FormatError)
# Typed errors that `analyzer.cli.main` maps to exit codes itself.
_MAPPED_BY_MAIN = (UsageError, PatternError, PackLoadError, RuleLoadError, LoaderError)


def _available_rules(pack_dirs: Sequence[Path] = (), downloaded_dirs: Sequence[Path] = ()) -> list[Rule]:
    """The run's rule set (analyzer.pipeline.ruleset), with the user's trusted publishers
    read through rulehub.loader when there are downloaded packs."""
    trusted: frozenset[str] = frozenset()
    if downloaded_dirs:
        from rulehub.loader.trusted_publishers import trusted_publishers

        trusted = trusted_publishers()
    return available_rules(pack_dirs, downloaded_dirs, trusted)


# -- gocheck check ----------------------------------------------------------------


@dataclass
class CheckPlan:
    cwd: Path
    config: Config
    patterns: list[str]
    all_rules: list[Rule]
    rules: list[Rule]  # selected
    options: EngineOptions
    outputs: list[OutputSpec]
    fail_on: Severity
    exclude: tuple[str, ...] = ()
    report_unused: bool = False
    new_from_rev: str | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    color: bool = False
    jobs: int = 1
    cache: ResultCache | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass
class CheckOutcome:
    result: CheckResult
    diagnostics: list[Diagnostic]
    baselined: int = 0
    seconds: float = 0.0
    wrote_baseline: int | None = None
    extra_rules: list[Rule] = field(default_factory=list)


def plan_check(args: argparse.Namespace, cwd: Path | None = None) -> CheckPlan:
    """Config file, then flags over it: which rules, options and outputs this run uses."""
    cwd = Path(cwd or os.getcwd())
    config = load_for(cwd, args.config, args.no_config)
    config = config.with_rule_flags(_names(args.enable), _names(args.disable))
    pack_dirs = [Path(p) if os.path.isabs(p) else cwd / p for p in (args.pack_dir or [])]
    config = replace(config, local_packs=tuple(pack_name(d) for d in pack_dirs))
    downloaded_dirs: list[Path] = []
    if not args.no_config:  # [packs] and rule IDs enabled alone, verified by rulehub.loader (issues 5, 21)
        from rulehub.loader import verified_pack_dirs

        downloaded_dirs = verified_pack_dirs(cwd, locked=getattr(args, "locked", False),
                                             extra_rules=_names(args.enable), local_packs=config.local_packs)
    all_rules = _available_rules(pack_dirs, downloaded_dirs)
    rules = config.select_rules(all_rules)
    go_version = config.go_version
    if args.go:
        try:
            go_version = parse_go_version(args.go)
        except ValueError as exc:
            raise UsageError(f"--go: {exc}") from None
    fail_on = config.fail_on
    if args.fail_on:
        try:
            fail_on = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    if args.format:  # the command line may write anywhere
        outputs = [OutputSpec.parse(spec) for spec in args.format]
    else:  # a repository's config only inside the project
        outputs = [OutputSpec.parse(spec).confined_to(config.root, config.where("[output] format")) for spec in config.formats or ["text"]]
    if sum(1 for o in outputs if o.path is None) > 1:
        raise UsageError("--format: only one format can go to standard output; give the others a file, e.g. --format sarif:gocheck.sarif")
    if (getattr(args, "fix", False) or getattr(args, "diff", False)) and args.write_baseline:
        raise UsageError("--fix/--diff and --write-baseline do not go together: fix first, then record the rest")
    report_unused = args.report_unused_nolint or any(r.name == UNUSED_SUPPRESSION.name for r in rules)
    options = EngineOptions(
        include_generated=args.include_generated or config.include_generated,
        severities=dict(config.severity_overrides),
        go_version=go_version,
    )
    return CheckPlan(
        cwd=cwd,
        config=config,
        patterns=list(args.patterns or ["./..."]),
        all_rules=all_rules,
        rules=rules,
        options=options,
        outputs=outputs,
        fail_on=fail_on,
        exclude=tuple(config.exclude) + tuple(_flag_globs(args.exclude or [], cwd, config.root)),
        report_unused=report_unused,
        new_from_rev=args.new_from_rev,
        baseline=_path(args.baseline, cwd),
        write_baseline=_path(args.write_baseline, cwd),
        color=_use_color(args.color, sys.stdout),
        jobs=getattr(args, "jobs", None) or 1,
        cache=getattr(args, "result_cache", None) or _result_cache(args),
        max_file_bytes=_max_file_bytes(args, config),
    )


def _max_file_bytes(args: argparse.Namespace, config: Config) -> int:
    if not getattr(args, "max_file_size", None):
        return config.max_file_bytes
    try:
        return parse_size(args.max_file_size)
    except ValueError as exc:
        raise UsageError(f"--max-file-size: {exc}") from None


def _result_cache(args: argparse.Namespace):
    """The on-disk result cache: on by default in the user cache dir; `--no-cache` turns it off."""
    if getattr(args, "no_cache", False):
        return None
    from analyzer.pipeline.result_cache import ResultCache

    return ResultCache(getattr(args, "cache_dir", None) or None)


def run_check(plan: CheckPlan, progress=None) -> CheckOutcome:
    """Engine, then suppression (per package, where the parsed files are), then the
    new-code filters."""
    started = time.monotonic()
    suppression = SuppressionStep.for_rules(plan.rules, plan.report_unused, known_rules=plan.all_rules)

    def suppress(found: list[Diagnostic], package) -> list[Diagnostic]:
        return suppression.apply(found, package.files)

    result = check_patterns(
        plan.patterns,
        plan.rules,
        plan.options,
        cwd=plan.cwd,
        progress=progress,
        jobs=plan.jobs,
        cache=plan.cache,
        package_filter=suppress,
        fingerprint_extra=[f"unused={suppression.report_unused}", "selected=" + ",".join(sorted(suppression.selected)), "known=" + ",".join(sorted(suppression.known))],
        exclude=plan.exclude,
        exclude_root=plan.config.root,
        max_file_bytes=plan.max_file_bytes,
    )
    diagnostics = list(result.diagnostics)
    outcome = CheckOutcome(result, diagnostics)
    if plan.new_from_rev:
        outcome.diagnostics = filter_new(diagnostics, changed_lines(plan.new_from_rev, plan.cwd), plan.cwd)
    line_text = _line_text(result)
    if plan.write_baseline is not None:
        outcome.wrote_baseline = write_baseline(plan.write_baseline, outcome.diagnostics, line_text, plan.cwd)
    elif plan.baseline is not None:
        new, known = load_baseline(plan.baseline).filter(outcome.diagnostics, line_text, plan.cwd)
        outcome.diagnostics, outcome.baselined = new, len(known)
    outcome.seconds = time.monotonic() - started
    return outcome


def report_check(plan: CheckPlan, outcome: CheckOutcome, stdout: IO[str], stderr: IO[str]) -> int:
    """Write every requested output and return the exit code."""
    if outcome.wrote_baseline is not None:
        stderr.write(f"gocheck: wrote {outcome.wrote_baseline} findings to {plan.write_baseline}; use it with --baseline {plan.write_baseline}\n")
        internal = any(d.rule == INTERNAL.name for d in outcome.diagnostics)
        return EXIT_INTERNAL if internal else EXIT_CLEAN
    shown = {r.name: r for r in plan.rules}
    for rule in (*ENGINE_RULES, UNUSED_SUPPRESSION):
        if rule.name in shown or any(d.rule == rule.name for d in outcome.diagnostics):
            shown[rule.name] = rule
    report = Report(
        diagnostics=outcome.diagnostics,
        sources=outcome.result.sources,
        rules=shown,
        files=list(outcome.result.sources),
        cwd=plan.cwd,
        color=plan.color,
    )
    write_all(report, plan.outputs, stdout)
    if interactive(stderr) and not any(o.is_machine and o.path is None for o in plan.outputs):
        stderr.write(summary_line(outcome.result.files, outcome.result.packages, len(outcome.diagnostics), outcome.seconds, baselined=outcome.baselined) + "\n")
    return exit_code(outcome.diagnostics, plan.fail_on)


# -- gocheck --fix / --diff ----------------------------------------------------------

# A pass leaves out fixes that overlap one it took; the next pass, on the new text, offers
# them again. A few passes settle any real tree; the bound keeps a rule whose fix undoes
# another's from looping.
MAX_FIX_PASSES = 4


def show_fixes(outcome: CheckOutcome, stdout: IO[str], stderr: IO[str]) -> int:
    """`--diff`: print the safe fixes as a unified diff, write nothing. Exit 1 if any."""
    from analyzer.fixes import plan_fixes, unified_diff

    fixes = plan_fixes(outcome.diagnostics, outcome.result.sources)
    for path, new in sorted(fixes.new_sources.items()):
        stdout.write(unified_diff(path, outcome.result.sources[path], new))
    stderr.write(f"gocheck: {fixes.applied} safe fix(es) in {len(fixes.new_sources)} file(s); --fix writes them\n")
    return EXIT_FINDINGS if fixes.applied else EXIT_CLEAN


def apply_fixes(plan: CheckPlan, outcome: CheckOutcome, stderr: IO[str]) -> CheckOutcome:
    """`--fix`: write the safe fixes, check again, repeat while a pass fixes something;
    returns the last check's outcome, so the report shows what is left."""
    from analyzer.fixes import plan_fixes, write_atomically

    applied, files = 0, set()
    for _ in range(MAX_FIX_PASSES):
        fixes = plan_fixes(outcome.diagnostics, outcome.result.sources)
        if not fixes.new_sources:
            break
        for path, new in fixes.new_sources.items():
            write_atomically(path if os.path.isabs(path) else str(plan.cwd / path), new)
            files.add(path)
        applied += fixes.applied
        outcome = run_check(plan)
    stderr.write(f"gocheck: applied {applied} fix(es) to {len(files)} file(s)\n")
    return outcome


def exit_code(diagnostics: Sequence[Diagnostic], fail_on: Severity) -> int:
    if any(d.rule == INTERNAL.name for d in diagnostics):
        return EXIT_INTERNAL
    return EXIT_FINDINGS if any(d.severity >= fail_on for d in diagnostics) else EXIT_CLEAN


def cmd_check(args: argparse.Namespace) -> int:
    for stream in (sys.stdout, sys.stderr):  # file names need not be UTF-8; never crash printing one
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        plan = plan_check(args)
        bar = ProgressBar(sys.stderr) if interactive(sys.stderr) else None
        try:
            outcome = run_check(plan, bar.update if bar is not None else None)
        finally:
            if bar is not None:
                bar.clear()
        if getattr(args, "diff", False):
            return show_fixes(outcome, sys.stdout, sys.stderr)
        if getattr(args, "fix", False):
            outcome = apply_fixes(plan, outcome, sys.stderr)
        return report_check(plan, outcome, sys.stdout, sys.stderr)
    except _INPUT_ERRORS as exc:  # messages quote config values and paths: never raw to a terminal
        raise UsageError(terminal_safe(str(exc))) from exc
    except _MAPPED_BY_MAIN:
        raise
    except BrokenPipeError:  # the reader of our output left (`gocheck | head`); main handles it
        raise
    except Exception as exc:  # noqa: BLE001 - gocheck's own bug: say so, exit 3, never look like "findings"
        text = f"gocheck: internal error: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        sys.stderr.write("\n".join(terminal_safe(line, keep="\t") for line in text.split("\n")))
        return EXIT_INTERNAL


def _names(values: Sequence[str] | None) -> list[str]:
    return [n.strip() for v in values or () for n in v.split(",") if n.strip()]


def _path(value: str | None, cwd: Path) -> Path | None:
    if not value:
        return None
    return Path(value) if os.path.isabs(value) else cwd / value


def _flag_globs(globs: Sequence[str], cwd: Path, root: Path) -> list[str]:
    """`--exclude` globs are relative to the working directory; config ones to the config
    file's directory. Rebase the flag's anchored globs onto the config root."""
    try:
        prefix = Path(os.path.relpath(cwd.resolve(), root.resolve())).as_posix()
    except ValueError:
        prefix = "."
    out = []
    for g in globs:
        anchored = "/" in g.strip().rstrip("/")
        if anchored and prefix not in (".", "") and not prefix.startswith(".."):
            g = f"{prefix}/{g.strip().removeprefix('./').lstrip('/')}"
        out.append(g)
    return out


def _use_color(choice: str, stream: IO[str]) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _line_text(result: CheckResult):
    from analyzer.golang.source import LineIndex

    indexes: dict[str, LineIndex | None] = {}

    def line_text(d: Diagnostic) -> bytes:
        if d.path not in indexes:
            try:
                indexes[d.path] = LineIndex(result.sources[d.path])
            except (KeyError, OSError):
                indexes[d.path] = None
        index = indexes[d.path]
        return index.line_text(d.line - 1) if index is not None else b""

    return line_text


# -- gocheck rules / explain ----------------------------------------------------------


def _listing_rules(args: argparse.Namespace) -> list[Rule]:
    """Rules of the core pack, `--pack-dir` packs and the project's verified `[packs]`,
    offline: listing rules must never download. A project whose packs are not synced yet,
    or that lists a pack of an untrusted publisher, still lists the rest."""
    downloaded: list[Path] = []
    try:
        from rulehub.loader import verified_pack_dirs

        downloaded = verified_pack_dirs(Path.cwd(), locked=True, offline=True)
    except LoaderError as exc:
        sys.stderr.write(f"gocheck: the project's rule packs are not included: {exc}\n")
    try:
        return _available_rules([Path(p) for p in (args.pack_dir or [])], downloaded)
    except UntrustedPackError as exc:
        sys.stderr.write(f"gocheck: the project's rule packs are not included: {exc}\n")
        return _available_rules([Path(p) for p in (args.pack_dir or [])])


def cmd_rules(args: argparse.Namespace) -> int:
    if args.hub:
        from analyzer.cli.rules_command import list_hub_rules

        return list_hub_rules(args.text or "", args.tag or "", args.go, args.format)
    if args.text or args.tag or args.go:
        raise UsageError("TEXT, --tag and --go filter the hub's rules: add --hub")
    rules = sorted(_listing_rules(args), key=lambda r: r.name)
    if args.format == "json":
        doc = [
            {
                "name": r.name,
                "pack": r.pack,
                "severity": str(r.severity),
                "enabled_by_default": r.enabled_by_default,
                "summary": r.summary,
                "tags": list(r.tags),
                "equivalents": list(r.equivalents),
            }
            for r in rules
        ]
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    width = max([len(r.name) for r in rules] + [4])
    print(f"{'NAME':{width}}  {'SEVERITY':8}  {'DEFAULT':7}  SUMMARY")
    for r in rules:
        equivalents = f" [{', '.join(r.equivalents)}]" if r.equivalents else ""
        print(terminal_safe(f"{r.name:{width}}  {str(r.severity):8}  {'on' if r.enabled_by_default else 'off':7}  {r.summary}{equivalents}"))  # pack text
    return EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    rules = _listing_rules(args)
    by_name = {r.name: r for r in rules}
    rule = by_name.get(args.name) or by_name.get(args.name.lower())
    if rule is None:
        # staticcheck/vet users may ask by the other tool's name: SA4018, vet:assign
        wanted = args.name.lower()
        rule = next((r for r in rules if any(e.lower() == wanted or e.lower().split(":")[-1] == wanted for e in r.equivalents)), None)
    if rule is None and is_rule_id(args.name):  # not installed: the hub's signed index and the verified pack
        from analyzer.cli.rules_command import explain_hub_rule

        return explain_hub_rule(args.name.strip())
    if rule is None:
        close = difflib.get_close_matches(args.name, list(by_name), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"unknown rule {args.name!r}{hint} (`gocheck rules` lists them)")
    text = rule.docs().markdown(rule.name)
    facts = [f"severity: {rule.severity}", f"default: {'on' if rule.enabled_by_default else 'off'}", f"pack: {rule.pack}"]
    if rule.equivalents:
        facts.append(f"equivalents: {', '.join(rule.equivalents)}")
    sys.stdout.write(terminal_safe(text.rstrip("\n") + "\n\n" + " | ".join(facts), keep="\n\t") + "\n")  # a pack's docs drive no terminal
    return EXIT_CLEAN


# -- argument parsing -----------------------------------------------------------------


def register(sub) -> None:
    check = sub.add_parser(
        "check",
        help="check Go packages (the default command)",
        description="Check Go packages. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error, 3 internal error.",
    )
    add_check_arguments(check)
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="list the rules (--hub: the hub's rules, installed or not)")
    rules.add_argument("text", nargs="?", help="with --hub: only rules whose ID or summary contains TEXT")
    rules.add_argument("--hub", action="store_true", help="list the rules on your hub (login or GOCHECK_HUB_URL) with pack, tier and Go range")
    rules.add_argument("--tag", help="with --hub: only rules with this tag")
    rules.add_argument("--go", metavar="VERSION", help="with --hub: only rules a version of which supports this Go version")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    rules.add_argument("--pack-dir", action="append", metavar="DIR", help="also list the rules of a local pack directory")
    rules.set_defaults(func=cmd_rules)

    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("name", help="rule name (or another tool's name for it, e.g. SA4018); a hub rule ID ns/pack/rule works uninstalled")
    explain.add_argument("--pack-dir", action="append", metavar="DIR", help="also search a local pack directory")
    explain.set_defaults(func=cmd_explain)


def add_check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("patterns", nargs="*", help="./... (default), dir/..., directories or .go files")
    group = check.add_argument_group("configuration")
    group.add_argument("--config", metavar="PATH", help="use this config file instead of the nearest .gocheck.toml")
    group.add_argument("--no-config", action="store_true", help="ignore .gocheck.toml files")
    group.add_argument("--enable", action="append", metavar="NAME[,NAME]", help="run these rules (or packs) too")
    group.add_argument("--disable", action="append", metavar="NAME[,NAME]", help="do not run these rules (or packs)")
    group.add_argument("--fail-on", metavar="SEVERITY", help="info, warning (default) or error: findings at or above it exit 1")
    group.add_argument("--go", metavar="VERSION", help="Go language version, overriding go.mod (e.g. 1.21)")
    group.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching GLOB (e.g. 'gen/**'); repeatable")
    group.add_argument("--include-generated", action="store_true", help="also check files marked '// Code generated ... DO NOT EDIT.'")
    group.add_argument("--max-file-size", metavar="SIZE", help="do not read Go files larger than SIZE (default 4MiB, e.g. 16MiB); a finding names each")
    group.add_argument("--pack-dir", action="append", metavar="DIR", help="load rules from a local pack directory (trusted code)")
    group.add_argument("--locked", action="store_true", help="CI: fail if gocheck.lock would change; use the locked packs only")
    out = check.add_argument_group("output")
    out.add_argument("--format", action="append", metavar="FMT[:PATH]", help="text, json, sarif, github, checkstyle, junit or gitlab; repeatable; :PATH writes a file")
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour text output (auto: on a terminal without NO_COLOR)")
    out.add_argument("--report-unused-nolint", action="store_true", help="report //nolint and //lint:ignore comments that suppress nothing")
    fix = check.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply the findings' safe fixes to the files, then report what is left")
    fix.add_argument("--diff", action="store_true", help="print the safe fixes as a unified diff; write nothing (exit 1 if there are any)")
    new = check.add_argument_group("new code only")
    new.add_argument("--new-from-rev", metavar="REV", help="only findings on lines changed since the git revision REV")
    new.add_argument("--baseline", metavar="FILE", help="hide findings recorded in FILE")
    new.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    perf = check.add_argument_group("performance")
    perf.add_argument("-j", "--jobs", type=int, default=default_jobs(), metavar="N", help="check packages in N worker processes (default: the CPUs available)")
    perf.add_argument("--cache-dir", metavar="DIR", help="result cache directory (default: the user cache dir, or $GOCHECK_CACHE_DIR)")
    perf.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
