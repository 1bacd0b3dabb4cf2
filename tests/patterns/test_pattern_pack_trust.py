"""A pattern pack runs no publisher code, so it needs no trust: published by a publisher
nobody trusts, installed and run end to end against a real hub, its rules report, and
nothing in it (templates, regexes, file names) runs code or stalls the run."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline.rulepack import load_downloaded_packs, runs_python
from tests.loader.conftest import gocheck
from tests.sandbox.attack_packs import project_using, publish, rule_finding


def hostile_rules(marker: Path) -> dict[str, str]:
    shell = f"$(touch {marker})"
    python = f"{{__import__('os').system('touch {marker}')}}"
    return {
        # a working rule whose message and fix try shell and Python format injection
        "returnone.toml": (
            'name = "return-one"\nsummary = "return 1"\nseverity = "warning"\n'
            f'message = "returns $N {python} {shell}"\n'
            f'pattern = "return $N"\nfix = "return {python}"\n[metavariables.N]\nregex = "^1$"\n'
        ),
        # a regex that backtracks for ever on the string in q.go: must time out, not hang
        "redos.toml": (
            'name = "redos"\nmessage = "slow"\npattern = "var $N = $S"\n'
            '[metavariables.S]\nregex = \'^"(a+)+$\'\n'
        ),
        # a rule file that looks like Python by name only
        "evil.py.toml": 'name = "evil-py"\nmessage = "found $F"\npattern = "$F(__import__)"\n',
    }


def test_a_pattern_pack_from_an_untrusted_publisher_runs_without_consent_and_runs_no_code(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    marker = tmp_path / "pwned"
    name = publish(hub, sub, tmp_path, "patterns", {}, keep_boolcompare=False, files=hostile_rules(marker))
    project = project_using(hub, sub, tmp_path / "project", name)
    (project / "q.go").write_text('package p\n\nvar s = "' + "a" * 40 + '!"\n')

    assert gocheck("packs", "trusted", cwd=project).stdout.split() == []  # no consent given
    r = gocheck("--locked", "--no-cache", "./...", cwd=project)

    assert r.returncode == 1, r.stdout + r.stderr
    findings = rule_finding(r.stdout, f"{name}/return-one")
    assert len(findings) == 1 and "returns 1 {__import__" in findings[0], r.stdout
    assert "redos" not in r.stdout and "(internal)" not in r.stdout, r.stdout
    assert not marker.exists(), "a pattern pack ran code"

    r = gocheck("--locked", "--no-cache", "--fix", "./...", cwd=project)
    assert "{__import__('os')" in (project / "p.go").read_text()  # the fix is text, inserted as is
    assert not marker.exists(), "a pattern pack's fix ran code"


def test_the_loader_sees_no_code_in_a_pattern_pack(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.toml").write_text('[pack]\nname = "stranger/patterns"\nversion = "1.0.0"\n')
    for file_name, text in hostile_rules(tmp_path / "pwned").items():
        (pack / file_name).write_text(text)
    assert not runs_python(pack)
    [loaded] = load_downloaded_packs([pack], trusted_publishers=frozenset())
    assert sorted(r.name for r in loaded.rules) == ["stranger/patterns/evil-py", "stranger/patterns/redos", "stranger/patterns/return-one"]
