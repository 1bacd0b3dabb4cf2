"""The hub's rules from the command line: `gocheck rules --hub` and `gocheck explain NS/PACK/RULE`
for a rule that is not installed (check_command's `rules` and `explain` call in here).

    gocheck rules --hub [TEXT] [--tag T] [--go 1.22] [--format json]
    gocheck explain acme/http-safety/insecure-tls

The hub is the user's (login, GOCHECK_HUB_URL, or the project's [hub] url when the user chose
it).  What is shown about pack, version, tier and Go range comes from the hub's signed TUF
targets; the hub's `GET /v1/rules` answer adds summaries and is refused if it claims anything
the signed data does not back (rulehub.loader.rule_index).  A rule's docs come from the
verified artifact, downloaded into the pack cache; nothing is written to the project.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from analyzer.api.rule_ids import rule_id
from analyzer.cli.errors import EXIT_CLEAN, UsageError
from analyzer.reporters import terminal_safe


def _session(project: Path):
    """(hub URL, hub sessions trusting what the project's lock pins); close the sessions after use."""
    from rulehub.loader import lockfile, sync
    from rulehub.loader.credentials import default_hub
    from rulehub.loader.projectconfig import load_project

    config = load_project(project)
    url = config.hub_url or default_hub()
    if not url:
        raise UsageError("no hub: run `gocheck login --hub URL` (or set GOCHECK_HUB_URL) to list and explain its rules")
    return url, sync.hub_sessions(lockfile.read(config.lock_path))


def _signed_answer(hubs, url: str, **query):
    """The hub's rule index answer, every claim of it checked against the signed targets."""
    from rulehub.loader import rule_index

    answer = hubs.client(url).rules(**query)
    versions = rule_index.signed_versions(hubs.tuf(url).signed_targets())
    rule_index.check_claims(answer, versions, url)
    return answer, versions


def list_hub_rules(text: str, tag: str, go: str | None, fmt: str) -> int:
    url, hubs = _session(Path.cwd())
    try:
        answer, _ = _signed_answer(hubs, url, text=text, tag=tag, go=go)
    finally:
        hubs.close()
    entries = [e for e in answer["rules"] if isinstance(e, dict) and e.get("versions")]
    if fmt == "json":
        json.dump(entries, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    if not entries:
        print(f"no rules on {url} match" + (f" {text!r}" if text else ""))
        return EXIT_CLEAN
    rows = []
    for e in entries:
        versions = [v for v in e["versions"] if v.get("go_ok") is not False] or e["versions"]
        v = versions[0]  # newest first; with --go the newest that admits it
        fits = "" if v.get("tier_ok") is not False else " (not in your plan)"
        rows.append((str(e.get("id")), str(e.get("pack")), str(v.get("version")), f"{v.get('tier')}{fits}", v.get("go") or "any", str(e.get("summary", ""))))
    widths = [max(len(r[i]) for r in [*rows, ("RULE", "PACK", "VERSION", "TIER", "GO", "")]) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(("RULE", "PACK", "VERSION", "TIER", "GO"), widths)) + "  SUMMARY")
    for row in rows:  # the hub's text drives no terminal
        print(terminal_safe("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[5]))
    print("\nenable one with `gocheck packs add RULE` (or add it to [rules] enable in .gocheck.toml)")
    return EXIT_CLEAN


def _verified_docs(hubs, url: str, chosen, rid: str) -> str | None:
    """The rule's docs from rules.json of the verified artifact (downloaded into the pack cache),
    or None with the reason printed when the hub refuses the download."""
    from rulehub.loader.cache import PackCache
    from rulehub.loader.errors import HubError

    session = hubs.tuf(url)
    try:
        pack_dir = PackCache().ensure(chosen.pack, chosen.version, chosen.sha256,
                                      lambda dest: session.download(chosen.pack, chosen.target, chosen.sha256, dest))
    except HubError as exc:
        sys.stderr.write(f"gocheck: the docs are in the pack, which the hub does not let you download: {exc}\n")
        return None
    try:
        index = json.loads((pack_dir / "rules.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    items = index.get("rules") if isinstance(index, dict) else index
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and rule_id(chosen.pack, item["name"]) == rid:
            docs = item.get("docs") or item.get("summary")
            return docs if isinstance(docs, str) else None
    return None


def explain_hub_rule(rid: str) -> int:
    """`gocheck explain` for a rule ID the installed packs do not have."""
    from rulehub.loader import rule_index, sync
    from rulehub.loader.projectconfig import load_project

    project = Path.cwd()
    url, hubs = _session(project)
    try:
        answer, versions = _signed_answer(hubs, url, rule=rid)
        claims = rule_index.pack_versions_for(rid, versions, url)
        go, go_source = sync.module_go(load_project(project))
        fitting = [v for v in claims if v.admits_go(go)]
        chosen = rule_index.newest(fitting or claims)
        assert chosen is not None
        docs = _verified_docs(hubs, url, chosen, rid)
    finally:
        hubs.close()
    summary = next((str(e.get("summary", "")) for e in answer["rules"] if isinstance(e, dict) and e.get("id") == rid), "")
    unverified = f"{summary}\n\n(a summary from the hub's catalogue; " if summary else "("
    text = docs or unverified + "the docs are in the pack, which could not be downloaded)"
    facts = [f"pack: {chosen.pack} {chosen.version}", f"tier: {chosen.tier}", f"Go: {chosen.go or 'any'}", f"hub: {url}"]
    lines = [text.rstrip("\n"), "", " | ".join(facts)]
    if go and not fitting:
        lines.append(f"this module is Go {go} ({go_source}): no version that has the rule admits it")
    enabled = rid in load_project(project).rule_ids
    lines.append("enabled in this project (not yet fetched: run `gocheck packs update`)" if enabled else
                 f"not enabled in this project: run `gocheck packs add {rid}`, or add \"{rid}\" to [rules] enable in .gocheck.toml")
    sys.stdout.write(terminal_safe("\n".join(lines), keep="\n\t") + "\n")  # a pack's docs drive no terminal
    return EXIT_CLEAN
