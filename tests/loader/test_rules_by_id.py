"""Rules by ID, end to end against a real RuleHub on loopback: a rule ID enabled in
`.gocheck.toml`, `--enable` or `gocheck packs add RULE_ID` is resolved through the hub's signed
rule index to a pack version, locked, fetched and run (only the asked-for rules), offline with
--locked too; a Go version outside the rule's range, a tier the plan lacks, an unknown rule and
a hub whose unsigned answer claims what its signed metadata does not are each refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.loader.conftest import closed_port_url, go_project, gocheck
from tests.loader.test_loader_end_to_end import cache_entries, login
from tests.support.mitm_proxy import MitmProxy

FINDING = re.compile(r"p\.go:4:5: warning: comparison with true is redundant: use ok \((?P<rule>[^)]+)\)")


def publish(hub, sub, tmp: Path, short: str, version: str = "1.0.0", *, go: str = ">=1.18", tier: str = "free",
            second_rule: bool = True) -> str:
    """An author's pack with rules `boolcompare` and (a copy) `boolcompare-copy`, published with
    the given Go range and tier; returns the pack name."""
    name = f"{sub.namespace}/{short}"
    work = tmp / f"author-{short}-{version}"
    work.mkdir(parents=True)
    assert gocheck("pack", "new", name, cwd=work).returncode == 0
    pack = work / short
    manifest = (pack / "pack.toml").read_text()
    manifest = manifest.replace('version = "0.1.0"', f'version = "{version}"').replace('go = ">=1.18"', f'go = "{go}"')
    (pack / "pack.toml").write_text(manifest.replace('tier = "free"', f'tier = "{tier}"'))
    if second_rule:  # the scaffold is a pattern rule (boolcompare.toml): no publisher code, no trust needed
        rule = (pack / "boolcompare.toml").read_text()
        (pack / "boolcompare-copy.toml").write_text(rule.replace('name = "boolcompare"', 'name = "boolcompare-copy"', 1))
    r = gocheck("pack", "build", str(pack), cwd=work)
    assert r.returncode == 0, r.stderr
    r = gocheck("pack", "publish", str(pack), "--hub", hub.base_url, cwd=work, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0, r.stdout + r.stderr
    return name


def project_enabling(root: Path, *rule_ids: str, go: str = "1.22") -> Path:
    project = go_project(root)
    (project / "go.mod").write_text(f"module example.com/p\n\ngo {go}\n")
    (project / ".gocheck.toml").write_text(f"[rules]\nenable = {json.dumps(list(rule_ids))}\n")
    return project


def test_a_rule_enabled_by_id_is_locked_fetched_and_reported_then_runs_offline_locked(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    name = publish(hub, sub, tmp_path, "byid")
    rid = f"{name}/boolcompare"
    project = project_enabling(tmp_path / "project", rid)
    assert login(hub, sub, project).returncode == 0
    gocheck("packs", "trust", sub.namespace, cwd=project)  # its rules are Python: contained, for a trusted publisher

    r = gocheck("./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    # Only the asked-for rule runs: the pack's other rule (on by default) stays off.
    assert [m.group("rule") for m in FINDING.finditer(r.stdout)] == [rid], r.stdout
    lock = (project / "gocheck.lock").read_text()
    assert f'name = "{name}"' in lock and 'version = "1.0.0"' in lock and f'rules = ["{rid}"]' in lock, lock
    [sha] = cache_entries(user_dirs)
    assert f'sha256 = "{sha}"' in lock

    # Enabling the pack itself runs all of its rules.
    (project / ".gocheck.toml").write_text(f'[rules]\nenable = ["{rid}", "{name}"]\n')
    r = gocheck("./...", cwd=project)
    assert sorted(m.group("rule") for m in FINDING.finditer(r.stdout)) == [rid, f"{name}/boolcompare-copy"], r.stdout + r.stderr
    (project / ".gocheck.toml").write_text(f'[rules]\nenable = ["{rid}"]\n')

    # CI: the hub unreachable, --locked, CI set: the lock and the warm cache are enough.
    dead = closed_port_url()
    (project / ".gocheck.toml").write_text(f'[hub]\nurl = "{dead}"\n\n[rules]\nenable = ["{rid}"]\n')
    lock_path = project / "gocheck.lock"
    lock_path.write_text(lock_path.read_text().replace(hub.base_url, dead))
    r = gocheck("./...", "--locked", cwd=project, env={"CI": "true"})
    assert r.returncode == 1, r.stdout + r.stderr
    assert [m.group("rule") for m in FINDING.finditer(r.stdout)] == [rid], r.stdout + r.stderr


def test_packs_add_rule_id_and_enable_flag(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    name = publish(hub, sub, tmp_path, "addid")
    rid = f"{name}/boolcompare-copy"
    project = go_project(tmp_path / "project")
    assert login(hub, sub, project).returncode == 0
    gocheck("packs", "trust", sub.namespace, cwd=project)

    r = gocheck("packs", "add", rid, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"enabled {rid} (pack {name} 1.0.0)" in r.stdout
    config = (project / ".gocheck.toml").read_text()
    assert f'enable = ["{rid}"]' in config and "[packs]" not in config, config
    r = gocheck("packs", "list", cwd=project)
    assert re.search(rf"{re.escape(name)}\s+rules\s+1\.0\.0\s+cached .* for {re.escape(rid)}", r.stdout), r.stdout
    r = gocheck("./...", cwd=project)
    assert [m.group("rule") for m in FINDING.finditer(r.stdout)] == [rid], r.stdout + r.stderr

    # --enable on the command line resolves the same way.
    other = go_project(tmp_path / "other")
    r = gocheck("./...", "--enable", f"{name}/boolcompare", cwd=other)
    assert [m.group("rule") for m in FINDING.finditer(r.stdout)] == [f"{name}/boolcompare"], r.stdout + r.stderr


def test_go_version_outside_the_range_tier_not_in_plan_and_unknown_rule_are_refused(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    new_go = publish(hub, sub, tmp_path, "newgo", go=">=1.24", second_rule=False)
    paid = publish(hub, sub, tmp_path, "paid", tier="pro", second_rule=False)
    assert login(hub, sub, tmp_path).returncode == 0

    project = project_enabling(tmp_path / "old-go", f"{new_go}/boolcompare", go="1.22")
    r = gocheck("./...", cwd=project)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "needs another Go version: this module is Go 1.22 (go.mod)" in r.stderr and "1.0.0 (>=1.24)" in r.stderr, r.stderr

    project = project_enabling(tmp_path / "free-plan", f"{paid}/boolcompare")
    r = gocheck("./...", cwd=project)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "in a tier your plan does not include: 1.0.0 (pro tier)" in r.stderr and "covers free" in r.stderr, r.stderr

    project = project_enabling(tmp_path / "typo", f"{new_go}/boolcompar")
    r = gocheck("./...", cwd=project)
    assert r.returncode == 2 and f"unknown rule {new_go}/boolcompar" in r.stderr, r.stderr
    assert f"did you mean {new_go}/boolcompare" in r.stderr
    # explain still describes the paid rule from the signed index; its docs stay in the pack.
    r = gocheck("explain", f"{paid}/boolcompare", cwd=tmp_path / "free-plan")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"pack: {paid} 1.0.0 | tier: pro" in r.stdout and "could not be downloaded" in r.stdout, r.stdout
    assert "your plan does not include this pack's tier" in r.stderr, r.stderr
    for p in ("old-go", "free-plan", "typo"):
        assert not (tmp_path / p / "gocheck.lock").exists()
    assert cache_entries(user_dirs) == []

    # `go` in .gocheck.toml overrides go.mod, for the choice as for the engine.
    override = tmp_path / "override"
    project_enabling(override, go="1.22")
    (override / ".gocheck.toml").write_text('go = "1.24"\n')
    r = gocheck("packs", "add", f"{new_go}/boolcompare", cwd=override)
    assert r.returncode == 0 and f"enabled {new_go}/boolcompare (pack {new_go} 1.0.0)" in r.stdout, r.stdout + r.stderr
    (override / ".gocheck.toml").write_text('go = "1.23"\n')
    (override / "gocheck.lock").unlink()
    r = gocheck("packs", "add", f"{new_go}/boolcompare", cwd=override)
    assert r.returncode == 2 and "this module is Go 1.23 (go in .gocheck.toml)" in r.stderr, r.stdout + r.stderr


def test_a_hub_answer_claiming_what_its_signed_index_does_not_is_refused(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    real = publish(hub, sub, tmp_path, "realpack", second_rule=False)
    decoy = publish(hub, sub, tmp_path, "decoy", second_rule=False)
    rid = f"{real}/boolcompare"
    with MitmProxy(hub.base_url) as mitm:
        r = gocheck("login", "--hub", mitm.url, "--api-key-stdin", cwd=tmp_path, stdin=sub.api_key + "\n")
        assert r.returncode == 0, r.stderr

        def lie(body: bytes) -> bytes:  # "rule X is in the decoy pack", which the signed targets do not say
            doc = json.loads(body)
            for entry in doc["rules"]:
                entry["pack"] = decoy
            return json.dumps(doc).encode()

        mitm.rewrite["/v1/rules"] = lie
        project = project_enabling(tmp_path / "project", rid)
        r = gocheck("./...", cwd=project)
        assert r.returncode == 3, r.stdout + r.stderr
        assert f"says rule {rid} is in {decoy} 1.0.0, but its signed TUF metadata does not list {rid}" in r.stderr, r.stderr
        assert not (project / "gocheck.lock").exists() and cache_entries(user_dirs) == []
        r = gocheck("rules", "--hub", cwd=project)
        assert r.returncode == 3 and "signed TUF metadata does not list" in r.stderr, r.stdout + r.stderr


def test_discovery_and_explain_of_a_rule_that_is_not_installed(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    name = publish(hub, sub, tmp_path, "discover", go=">=1.21")
    rid = f"{name}/boolcompare"
    project = go_project(tmp_path / "project")
    assert login(hub, sub, project).returncode == 0

    r = gocheck("rules", "--hub", "discover", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith(rid + " "))
    assert name in line and "1.0.0" in line and "free" in line and ">=1.21" in line, r.stdout
    assert f"{name}/boolcompare-copy" in r.stdout
    r = gocheck("rules", "--hub", "--go", "1.20", "discover", cwd=project)
    assert r.returncode == 0 and rid not in r.stdout, r.stdout
    r = gocheck("rules", "--hub", "--format", "json", "--tag", "style", cwd=project)
    doc = json.loads(r.stdout)
    assert any(e["id"] == rid and e["pack"] == name and e["versions"][0]["go"] == ">=1.21" for e in doc), r.stdout

    r = gocheck("explain", rid, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Comparison of a boolean expression with `true`." in r.stdout  # the docs, from the verified artifact
    assert f"pack: {name} 1.0.0" in r.stdout and "tier: free" in r.stdout and "Go: >=1.21" in r.stdout
    assert "not enabled in this project" in r.stdout and f"gocheck packs add {rid}" in r.stdout
    assert not (project / "gocheck.lock").exists() and not (project / ".gocheck.toml").exists()


def test_a_repository_cannot_choose_the_hub_a_rule_id_is_resolved_on_and_ci_needs_the_lock(hub, tmp_path, user_dirs):
    sub = hub.subscriber(plan="free")
    name = publish(hub, sub, tmp_path, "hostile", second_rule=False)
    rid = f"{name}/boolcompare"
    with MitmProxy(hub.base_url) as attacker:  # a full hub, named only by the repository
        project = project_enabling(tmp_path / "hostile", rid)
        (project / ".gocheck.toml").write_text(f'[hub]\nurl = "{attacker.url}"\n\n[rules]\nenable = ["{rid}"]\n')
        r = gocheck("./...", cwd=project, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url})
        assert r.returncode == 2 and "which you have not chosen" in r.stderr, r.stdout + r.stderr
        assert attacker.seen() == b"" and sub.api_key.encode() not in attacker.seen()

    # CI with the user's hub but no lock for the rule: --locked refuses to resolve it.
    project = project_enabling(tmp_path / "ci", rid)
    r = gocheck("./...", "--locked", cwd=project, env={"CI": "true", "GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url})
    assert r.returncode == 2 and "--locked was given" in r.stderr and rid in r.stderr, r.stdout + r.stderr
    assert not (project / "gocheck.lock").exists()
