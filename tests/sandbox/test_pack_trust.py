"""A repository cannot make gocheck run a pack's Python code: only the user's own
`gocheck packs trust PUBLISHER` (user config) can, end to end against a real hub."""

from __future__ import annotations

import stat

from tests.loader.conftest import gocheck
from tests.sandbox.attack_packs import CORE_FINDING, project_using, publish, rule_finding, rule_module


def test_a_pack_of_an_untrusted_publisher_stops_the_run_before_its_code_runs(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    marker = tmp_path / "evil-ran"
    evil = rule_module("evil", "pass", imports=f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')")
    name = publish(hub, sub, tmp_path, "evil", {"evil": evil})
    marker.unlink()  # `gocheck pack build` ran it on the author's machine
    project = project_using(hub, sub, tmp_path / "victim", name)

    r = gocheck("--locked", "--no-cache", "./...", cwd=project)

    assert r.returncode == 2, r.stdout + r.stderr
    assert not marker.exists(), "the untrusted pack's code ran"
    assert name in r.stderr and f"gocheck packs trust {sub.namespace}" in r.stderr, r.stderr
    # `gocheck rules` lists the rest and says why the pack is not there, still without running it
    r = gocheck("rules", cwd=project)
    assert r.returncode == 0 and "selfassign" in r.stdout and name not in r.stdout, r.stdout + r.stderr
    assert f"gocheck packs trust {sub.namespace}" in r.stderr
    assert not marker.exists()


def test_trusting_the_publisher_runs_its_rules_and_untrusting_stops_them(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    name = publish(hub, sub, tmp_path, "demo", {})
    project = project_using(hub, sub, tmp_path / "project", name)

    r = gocheck("packs", "trust", sub.namespace, cwd=project)
    assert r.returncode == 0, r.stderr
    store = user_dirs["config"] / "trusted-publishers.json"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert gocheck("packs", "trusted", cwd=project).stdout.split() == [sub.namespace]

    r = gocheck("--locked", "--no-cache", "./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert rule_finding(r.stdout, f"{name}/boolcompare") and CORE_FINDING in r.stdout, r.stdout

    assert gocheck("packs", "untrust", sub.namespace, cwd=project).returncode == 0
    r = gocheck("--locked", "--no-cache", "./...", cwd=project)
    assert r.returncode == 2 and f"gocheck packs trust {sub.namespace}" in r.stderr, r.stdout + r.stderr


def test_a_declarative_pack_needs_no_trust(hub, tmp_path, user_dirs):
    sub = hub.subscriber()
    rule = (
        'name = "nopanic"\nsummary = "no panic"\nseverity = "warning"\nmessage = "selfassign seen"\n'
        'query = """(assignment_statement) @hit"""\n'
    )
    name = publish(hub, sub, tmp_path, "decl", {}, keep_boolcompare=False, files={"nopanic.toml": rule})
    project = project_using(hub, sub, tmp_path / "project", name)
    r = gocheck("--locked", "--no-cache", "./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert rule_finding(r.stdout, f"{name}/nopanic"), r.stdout


def test_a_rule_package_alone_is_code_too(hub, tmp_path, user_dirs):
    """A pack whose only Python is a rule package (`evil/__init__.py`, as rules/core/nilcheck
    is) is not declarative: it needs trust like any other Python pack."""
    sub = hub.subscriber()
    marker = tmp_path / "evil-ran"
    evil = rule_module("evil", "pass", imports=f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')")
    name = publish(hub, sub, tmp_path, "pkgonly", {}, keep_boolcompare=False, files={"evil/__init__.py": evil})
    marker.unlink(missing_ok=True)  # `gocheck pack build` ran it on the author's machine
    project = project_using(hub, sub, tmp_path / "victim", name)

    r = gocheck("--locked", "--no-cache", "./...", cwd=project)

    assert r.returncode == 2, r.stdout + r.stderr
    assert f"gocheck packs trust {sub.namespace}" in r.stderr, r.stderr
    assert not marker.exists(), "the untrusted pack's code ran"
