"""`gocheck packs add|remove|update|list|verify`: the project's rule packs from RuleHub.

    gocheck packs add acme/http-safety@^1.4   # .gocheck.toml [packs], resolve, lock, download
    gocheck packs add acme/http-safety/insecure-tls  # one rule by ID: [rules] enable, its pack locked for it
    gocheck packs remove acme/http-safety
    gocheck packs update [NAME ...]           # newest versions inside the ranges, rewrites the lock
    gocheck packs list                        # config range, locked version, cache state
    gocheck packs search TEXT                 # packs on the hub whose name or description has TEXT
    gocheck packs verify [--online]           # re-check cached artifacts against gocheck.lock (offline);
                                              # --online also asks each hub's signed TUF metadata

Errors from the loader (rulehub.loader.errors) reach `gocheck`'s main, which exits 2, or 3
when a pack failed verification.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.api.rule_ids import is_rule_id, pack_of
from analyzer.cli import trust_command
from analyzer.cli.errors import EXIT_CLEAN, EXIT_INTERNAL, UsageError


def _split(spec: str) -> tuple[str, str | None]:
    name, _, rng = spec.partition("@")
    return name.strip(), (rng.strip() or None)


def cmd_add(args) -> int:
    from rulehub.loader import projectconfig, sync
    from rulehub.loader.credentials import check_user_hub, default_hub
    from rulehub.loader.errors import LoaderError
    from rulehub.loader.hubclient import HubClient
    from rulehub.loader.userdirs import normalize_hub_url

    config = projectconfig.load_project(Path(args.project))
    hub_url = normalize_hub_url(args.hub) if args.hub else (config.hub_url or default_hub())
    if args.hub and config.hub_url and hub_url != config.hub_url:
        raise UsageError(f"{config.path} uses the hub {config.hub_url}; to switch hubs, change [hub] url there and run `gocheck packs update`")
    if not hub_url:
        raise UsageError("no hub configured: pass --hub URL, add [hub] url to .gocheck.toml, or run `gocheck login --hub URL`")
    check_user_hub(hub_url, named_by="--hub" if args.hub else f"{config.path} ([hub] url)")
    rule_ids = [s.strip() for s in args.packs if is_rule_id(s) and "@" not in s]
    pack_specs = [s for s in args.packs if s.strip() not in rule_ids]
    packs = dict(config.packs)
    with HubClient(hub_url) as hub:
        for spec in pack_specs:
            name, rng = _split(spec)
            projectconfig.check_pack_name(name)
            if rng is None:  # like `npm add`: pin the major (minor for 0.x) of the newest version
                res = hub.resolve(name, "*", go=sync.module_go(config)[0], engine=sync.engine_version())
                major, minor, _ = res.version.split("-")[0].split(".")
                rng = f"^{major}.{minor}" if major == "0" else f"^{major}"
            projectconfig.check_range(name, rng)
            packs[name] = rng
    before = config.path.read_bytes() if config.path.exists() else None
    if pack_specs or (args.hub and not config.hub_url):
        projectconfig.write_packs(config, packs, hub_url)  # [hub] url is written only where the file has none
    if rule_ids:  # a rule by ID: its pack is locked for it, and only it runs (rulehub.loader.rule_index)
        projectconfig.enable_rules(config, rule_ids)
    try:
        update = {_split(s)[0] for s in pack_specs} | {pack_of(r) or r for r in rule_ids}
        result = sync.sync(Path(args.project), update=frozenset(update))
    except LoaderError:
        # A pack that cannot be fetched or verified is not added: put .gocheck.toml back.
        if before is None:
            config.path.unlink(missing_ok=True)
        else:
            config.path.write_bytes(before)
        raise
    for rid in rule_ids:
        entry = result.lock.get(pack_of(rid) or "")
        if entry is not None:
            print(f"enabled {rid} (pack {entry.name} {entry.version})")
    _print_sync(result)
    return EXIT_CLEAN


def cmd_remove(args) -> int:
    from rulehub.loader import projectconfig, sync

    config = projectconfig.load_project(Path(args.project))
    packs = dict(config.packs)
    for name in args.packs:
        if name not in packs:
            raise UsageError(f"{name} is not in {config.path} [packs]; `gocheck packs list` shows what is")
        del packs[name]
    projectconfig.write_packs(config, packs)
    # Only the lock changes: no pack needs downloading, so this works offline.
    result = sync.sync(Path(args.project), offline=True)
    for name in args.packs:
        print(f"removed {name}")
    if result.lock_changed:
        print(f"updated {config.lock_path}")
    return EXIT_CLEAN


def cmd_update(args) -> int:
    from rulehub.loader import projectconfig, sync

    config = projectconfig.load_project(Path(args.project))
    unknown = [n for n in args.packs if n not in config.packs]
    if unknown:
        raise UsageError(f"not in {config.path} [packs]: {', '.join(unknown)}")
    result = sync.sync(Path(args.project), update=frozenset(args.packs))
    _print_sync(result)
    return EXIT_CLEAN


def _print_sync(result) -> None:
    for change in result.changes:
        print(change)
    for p in result.lock.packs:
        print(f"{p.name} {p.version} sha256:{p.sha256[:16]}... from {p.hub}")
    if result.lock_changed:
        print("wrote gocheck.lock")


def cmd_list(args) -> int:
    from rulehub.loader import lockfile, projectconfig
    from rulehub.loader.cache import PackCache

    config = projectconfig.load_project(Path(args.project))
    lock = lockfile.read(config.lock_path)
    cache = PackCache()
    rule_packs = config.rule_packs()
    if not config.packs and not rule_packs:
        print(f"no packs in {config.path}; add one with `gocheck packs add namespace/name@^1.0` (or a rule with `gocheck packs add ns/pack/rule`)")
        return EXIT_CLEAN
    for name, rule_ids in rule_packs.items():  # packs present for rules enabled by ID
        entry = lock.get(name) if lock else None
        state = f"{entry.version:12} {'cached' if cache.is_cached(entry.sha256) else 'not cached':10} {entry.hub}" if entry else "(not locked: run `gocheck packs update`)"
        print(f"{name:32} {'rules':12} {state}  for {', '.join(rule_ids)}")
    for name, rng in config.packs.items():
        entry = lock.get(name) if lock else None
        if entry is None:
            print(f"{name:32} {rng:12} (not locked: run `gocheck packs update`)")
            continue
        cached = "cached" if cache.is_cached(entry.sha256) else "not cached"
        print(f"{name:32} {rng:12} {entry.version:12} {cached:10} {entry.hub}")
    return EXIT_CLEAN


def cmd_verify(args) -> int:
    """Each locked pack: its cached artifact still has the locked sha256 (no network). With
    --online, also: the hub's current signed TUF metadata (verified from the pinned root, as
    a download would be) still lists the locked target with that sha256, and whether the
    version has been yanked since it was locked, a warning like cargo's for a yanked crate:
    the project keeps working, but `gocheck packs update` should move off it."""
    from rulehub.loader import lockfile, projectconfig, sync
    from rulehub.loader.cache import PackCache
    from rulehub.loader.errors import LoaderError

    config = projectconfig.load_project(Path(args.project))
    lock = lockfile.read(config.lock_path)
    if lock is None:
        raise UsageError(f"no {config.lock_path}; run `gocheck packs update` first")
    cache = PackCache()
    hubs = sync.hub_sessions(lock) if args.online else None
    bad = 0
    try:
        for entry in lock.packs:
            problem = cache.verify(entry.sha256, entry.name, entry.version)
            yanked = False
            if problem is None and hubs is not None:
                try:
                    yanked = bool(hubs.tuf(entry.hub).signed_target(entry.name, entry.target, entry.sha256).custom.get("yanked"))
                except LoaderError as exc:
                    problem = f"the hub at {entry.hub} says: {exc}"
            if problem is not None:
                bad += 1
                print(f"FAIL {entry.name} {entry.version}: {problem} (run `gocheck packs update` to fetch it again)")
            elif yanked:
                print(f"WARN {entry.name} {entry.version} sha256:{entry.sha256}: yanked on {entry.hub} since it was locked; "
                      "run `gocheck packs update` to move to a live version")
            else:
                print(f"ok   {entry.name} {entry.version} sha256:{entry.sha256}" + (" (signed by the hub, not yanked)" if hubs else ""))
    finally:
        if hubs is not None:
            hubs.close()
    stale = [n for n in config.packs if (locked := lock.get(n)) is None or locked.range != config.packs[n]]
    for name in stale:
        bad += 1
        print(f"FAIL {name}: gocheck.lock does not match .gocheck.toml; run `gocheck packs update`")
    return EXIT_INTERNAL if bad else EXIT_CLEAN


def cmd_search(args) -> int:
    from analyzer.reporters import terminal_safe
    from rulehub.loader.credentials import check_user_hub, default_hub
    from rulehub.loader.hubclient import HubClient
    from rulehub.loader.projectconfig import load_project

    hub_url = args.hub or load_project(Path(args.project)).hub_url or default_hub()
    if not hub_url:
        raise UsageError("no hub to search: pass --hub URL or run `gocheck login --hub URL`")
    if not args.hub:
        check_user_hub(hub_url, named_by="the project's [hub] url")
    with HubClient(hub_url) as hub:
        found = hub.search(args.text)
    if not found:
        print(f"no packs on {hub.url} match {args.text!r}")
        return EXIT_CLEAN
    for pack in found:  # the hub's text drives no terminal
        line = f"{pack.get('name', '?')!s:32} {pack.get('latest_version') or '-'!s:10} {pack.get('tier', '')!s:10} {pack.get('description', '')}"
        print(terminal_safe(line))
    return EXIT_CLEAN


def register(sub) -> None:
    packs = sub.add_parser("packs", help="add, remove, update, list and verify the project's rule packs")
    psub = packs.add_subparsers(dest="packs_command", required=True)

    def common(p):
        p.add_argument("--project", default=".", help="project directory (where .gocheck.toml is, or below it)")
        return p

    p = common(psub.add_parser("add", help="add packs (NAME or NAME@RANGE), or enable rules by ID (NS/PACK/RULE), and lock them"))
    p.add_argument("packs", nargs="+", metavar="NAME[@RANGE]|RULE_ID")
    p.add_argument("--hub", help="hub URL to record in .gocheck.toml")
    p.set_defaults(func=cmd_add)
    p = common(psub.add_parser("remove", help="remove packs from .gocheck.toml and the lock"))
    p.add_argument("packs", nargs="+", metavar="NAME")
    p.set_defaults(func=cmd_remove)
    p = common(psub.add_parser("update", help="re-resolve packs (all, or the named ones) and rewrite the lock"))
    p.add_argument("packs", nargs="*", metavar="NAME")
    p.set_defaults(func=cmd_update)
    p = common(psub.add_parser("list", help="configured packs, locked versions and cache state"))
    p.set_defaults(func=cmd_list)
    p = common(psub.add_parser("verify", help="re-check cached packs against gocheck.lock (no network unless --online)"))
    p.add_argument("--online", action="store_true",
                   help="also check each pack against its hub's current signed TUF metadata: still published with "
                        "the locked sha256, and not yanked")
    p.set_defaults(func=cmd_verify)
    p = common(psub.add_parser("search", help="find packs on the hub by name or description"))
    p.add_argument("text")
    p.add_argument("--hub", help="hub URL (default: [hub] url in .gocheck.toml, then your login)")
    p.set_defaults(func=cmd_search)
    trust_command.register(psub)  # trust, untrust, trusted: analyzer/cli/trust_command.py
