"""From `.gocheck.toml` to verified pack directories: resolve, lock, download, verify, cache.

    dirs = verified_pack_dirs(Path.cwd(), locked=ci, offline=False)

Order of work, and where the network is used:
1. The lock is read; a pack whose lock entry still satisfies the config (same range and hub,
   version in range) keeps its pin, even if the version was yanked since (like cargo).
   Anything else is resolved through the hub (network), unless `locked`
   (-> LockOutOfDateError) or `offline` (-> OfflineError).  The hub must be one the user
   chose outside the repository (credentials.check_user_hub), else nothing is sent.  The
   resolve answer is only a proposal: it is kept only if its version is inside the range and
   the hub's signed TUF targets list it with that sha256 and not yanked (`_signed_choice`).
2. Each pinned pack is looked up in the cache by sha256, and the cached copy is checked
   against the lock entry at every use (cache.PackCache.lookup); a hit costs no network.
   A miss is downloaded through TUF (tufclient), checked against the pinned sha256 and the
   lock's name and version, extracted safely and renamed into the cache.
3. The lock is written if it changed (never with `locked`).

Pack code is never imported here; callers load the returned directories.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from pathlib import Path

from rulehub.loader import lockfile
from rulehub.loader.cache import PackCache
from rulehub.loader.credentials import (
    check_user_hub,
    default_hub,
    fingerprint,
    pinned_root,
)
from rulehub.loader.errors import (
    ConfigError,
    LockOutOfDateError,
    OfflineError,
    VerificationError,
)
from rulehub.loader.lockfile import LockedPack, LockFile
from rulehub.loader.projectconfig import ProjectConfig, load_project
from rulehub.pack import PackFormatError, SemverRange, load_manifest

if TYPE_CHECKING:  # imported when the network is needed (see _Hubs)
    from rulehub.loader.hubclient import HubClient, Resolution
    from rulehub.loader.tufclient import TufSession

_GO_LINE = re.compile(rb"^go\s+(\d+\.\d+(?:\.\d+)?)\s*$", re.MULTILINE)


def engine_version() -> str:
    from analyzer import (
        ENGINE_VERSION,  # a constant only; the loader never runs the engine
    )

    return ENGINE_VERSION


def go_version(project_dir: Path) -> str | None:
    for d in (project_dir.resolve(), *project_dir.resolve().parents):
        gomod = d / "go.mod"
        if gomod.is_file():
            m = _GO_LINE.search(gomod.read_bytes())
            return m.group(1).decode() if m else None
    return None


def module_go(config: ProjectConfig) -> tuple[str | None, str]:
    """The module's Go version as the engine sees it, and where it was read: `.gocheck.toml`'s
    `go`, else go.mod's go line."""
    if config.go:
        return config.go, f"go in {config.path.name}"
    return go_version(config.directory), "go.mod"


@dataclass(frozen=True)
class SyncResult:
    pack_dirs: tuple[Path, ...]
    lock: LockFile
    lock_changed: bool
    changes: tuple[str, ...]  # human-readable, e.g. "acme/x: 1.4.0 -> 1.5.0"


def _hub_for(config: ProjectConfig) -> str:
    url = config.hub_url or default_hub()
    if not url:
        raise ConfigError(
            f'{config.path}: no hub configured for [packs]; add [hub] url = "https://..." or run `gocheck login --hub URL`'
        )
    return url


def _stale_reason(config: ProjectConfig, lock: LockFile | None, name: str, rng: str, hub: str) -> str | None:
    entry = lock.get(name) if lock else None
    if entry is None:
        return f"{name} is not in gocheck.lock"
    if entry.range != rng:
        return f"{name}: .gocheck.toml asks for {rng!r}, gocheck.lock was made for {entry.range!r}"
    if entry.hub != hub:
        return f"{name}: the hub is {hub}, gocheck.lock pins it from {entry.hub}"
    try:
        if not SemverRange.parse(rng).contains(entry.version, prerelease=True):
            return f"{name}: locked version {entry.version} is outside {rng!r}"
    except PackFormatError as exc:
        raise ConfigError(f"{config.path}: pack {name}: {exc}") from None
    return None


class _Hubs:
    """HubClients and TUF sessions, created (and their modules imported) only when the network is needed."""

    def __init__(self, lock: LockFile | None, offline: bool, *, locked: bool = False, named_by: str = "gocheck.lock") -> None:
        self._clients: dict[str, HubClient] = {}
        self._tuf: dict[str, TufSession] = {}
        self._lock = lock
        self._offline = offline
        self._locked = locked
        self._named_by = named_by
        self.roots: dict[str, str] = {}

    def client(self, url: str) -> HubClient:
        from rulehub.loader.hubclient import HubClient

        if self._offline:
            raise OfflineError(f"the hub at {url} is needed but the network may not be used (offline)")
        if url not in self._clients:
            check_user_hub(url, named_by=self._named_by)
            self._clients[url] = HubClient(url)
        return self._clients[url]

    def tuf(self, url: str) -> TufSession:
        from rulehub.loader.tufclient import TufSession, running_in_ci, trust_anchor

        if url not in self._tuf:
            client = self.client(url)
            expected = self._lock.hub_root(url) if self._lock else None
            anchor = trust_anchor(client, expected, require_pin=self._locked or running_in_ci())
            self.roots[url] = anchor.fingerprint
            self._tuf[url] = TufSession(client, anchor)
        return self._tuf[url]

    def close(self) -> None:
        for c in self._clients.values():
            c.close()


def hub_sessions(lock: LockFile | None) -> _Hubs:
    """Hub clients and TUF sessions trusting the roots `lock` pins (call `close()` when done)."""
    return _Hubs(lock, offline=False)


def _signed_choice(hubs: _Hubs, hub_url: str, name: str, rng: str, res: Resolution) -> None:
    """Refuse a resolve answer that the hub's signed TUF targets do not back: the version must
    be inside `rng`, and the target listed with the answer's sha256, not yanked, and (for a
    public pack, whose metadata names it) for this pack and version.  The artifact's own
    pack.toml is checked against name and version after the download (cache.PackCache)."""
    try:
        in_range = SemverRange.parse(rng).contains(res.version, prerelease=True)
    except PackFormatError:
        in_range = False
    if not in_range:
        raise VerificationError(name, f"the hub at {hub_url} answered version {res.version!r}, which is outside the requested range {rng!r}")
    custom = hubs.tuf(hub_url).signed_target(name, res.target_path, res.sha256).custom
    if custom.get("yanked") is not False:
        raise VerificationError(name, f"{res.version} is yanked according to the hub's signed metadata; the resolve answer offered it anyway")
    signed = (custom.get("pack", name), custom.get("version", res.version))
    if signed != (name, res.version):
        raise VerificationError(name, f"the hub's signed metadata says {res.target_path} is {signed[0]} {signed[1]}, not {name} {res.version}")


def sync(
    project_dir: Path,
    *,
    locked: bool = False,
    offline: bool = False,
    update: frozenset[str] | None = None,
    config: ProjectConfig | None = None,
    cache: PackCache | None = None,
    extra_rules: Sequence[str] = (),
    local_packs: Collection[str] = (),
) -> SyncResult:
    """Bring lock and cache in line with the config; `update` names packs to re-resolve (empty set: all).

    Besides `[packs]`, the packs of namespaced rule IDs in `[rules] enable` and `extra_rules`
    (--enable) are locked and fetched, unless [packs] or `local_packs` (--pack-dir) has them:
    each is resolved from the hub's signed rule index (rulehub.loader.rule_index)."""
    config = config or load_project(project_dir)
    lock_path = config.lock_path
    lock = lockfile.read(lock_path)
    cache = cache or PackCache()
    rule_packs = config.rule_packs(extra_rules, local=local_packs)
    if not config.packs and not rule_packs:
        if locked and lock and lock.packs:
            raise LockOutOfDateError(f"{lock_path} pins packs that {config.path} no longer lists; run `gocheck packs update` and commit gocheck.lock")
        new_lock = LockFile((), ())
        changed = bool(lock and lock.packs) and not locked and lockfile.write(lock_path, new_lock)
        return SyncResult((), new_lock, bool(changed), ())
    hub_url = _hub_for(config)
    hubs = _Hubs(lock, offline, locked=locked, named_by=f"{config.path} ([hub] url)" if config.hub_url else "gocheck.lock")
    try:
        entries: list[LockedPack] = []
        changes: list[str] = []
        for name, rng in config.packs.items():
            reason = _stale_reason(config, lock, name, rng, hub_url)
            if reason is None and update is not None and (not update or name in update):
                reason = "update requested"
            kept = lock.get(name) if lock is not None and reason is None else None
            if kept is not None:
                entries.append(replace(kept, rules=()))
                continue
            if locked:
                raise LockOutOfDateError(
                    f"gocheck.lock would change ({reason}) but --locked was given; run `gocheck packs update` and commit gocheck.lock"
                )
            if offline:
                raise OfflineError(f"pack {name} must be resolved on the hub ({reason}) but the network may not be used")
            res = hubs.client(hub_url).resolve(name, rng, go=module_go(config)[0], engine=engine_version())
            if res.name != name:
                raise ConfigError(f"hub {hub_url} resolved {name} to a different pack ({res.name}); refusing")
            _signed_choice(hubs, hub_url, name, rng, res)
            entry = LockedPack(name, rng, res.version, res.sha256, hub_url, res.target_path)
            old = lock.get(name) if lock else None
            if old is None or old.version != entry.version or old.sha256 != entry.sha256:
                changes.append(f"{name}: {old.version if old else '(new)'} -> {entry.version}")
            entries.append(entry)
        for name, rule_ids in rule_packs.items():
            kept = _kept_for_rules(lock, name, rule_ids, hub_url, update)
            if kept is not None:
                entries.append(kept)
                continue
            reason = f"{name} is needed for {', '.join(rule_ids)} and gocheck.lock does not pin a version for them"
            if locked:
                raise LockOutOfDateError(
                    f"gocheck.lock would change ({reason}) but --locked was given; run `gocheck packs update` and commit gocheck.lock"
                )
            if offline:
                raise OfflineError(f"rule {rule_ids[0]} must be resolved on the hub ({reason}) but the network may not be used")
            entry = _resolve_rules(hubs, hub_url, name, rule_ids, *module_go(config))
            old = lock.get(name) if lock else None
            if old is None or old.version != entry.version or old.sha256 != entry.sha256:
                changes.append(f"{name}: {old.version if old else '(new)'} -> {entry.version} (for {', '.join(rule_ids)})")
            entries.append(entry)
        if locked and lock and {p.name for p in lock.packs} != set(config.packs) | set(rule_packs):
            raise LockOutOfDateError(
                f"gocheck.lock pins packs that {config.path} does not list; run `gocheck packs update` and commit gocheck.lock"
            )
        dirs = []
        for entry in entries:
            pack_dir = _ensure(cache, hubs, entry, offline)
            _check_engine(entry, pack_dir)
            dirs.append(pack_dir)
        roots = dict(lock.hub_roots) if lock else {}
        roots = {u: r for u, r in roots.items() if any(e.hub == u for e in entries)}
        roots.update(hubs.roots)
        for url in {e.hub for e in entries} - set(roots):
            pinned = pinned_root(url)
            if pinned is not None:
                roots[url] = fingerprint(pinned)
        new_lock = LockFile(tuple(entries), tuple(roots.items())).normalized()
        changed = False
        if not locked and (lock is None or lock.normalized() != new_lock):
            changed = lockfile.write(lock_path, new_lock)
        elif locked and lock is not None and lock.normalized() != new_lock:
            raise LockOutOfDateError("gocheck.lock would change (hub root fingerprint) but --locked was given; run `gocheck packs update`")
        return SyncResult(tuple(dirs), new_lock, changed, tuple(changes))
    finally:
        hubs.close()


# The range a pack locked for rule IDs records: any version, as long as it has the rules
# (the choice itself is rule_index.choose's).
RULES_RANGE = "*"


def _kept_for_rules(lock: LockFile | None, name: str, rule_ids: tuple[str, ...], hub: str,
                    update: frozenset[str] | None) -> LockedPack | None:
    """The lock's entry for a pack wanted for `rule_ids`, if it still serves: locked for rule IDs
    (not as a [packs] entry), from this hub, for these rules or more; no network is needed then."""
    entry = lock.get(name) if lock else None
    if entry is None or not entry.rules or entry.hub != hub or not set(rule_ids) <= set(entry.rules):
        return None
    if update is not None and (not update or name in update or set(rule_ids) & update):
        return None
    return replace(entry, rules=rule_ids)


def _resolve_rules(hubs: _Hubs, hub_url: str, name: str, rule_ids: tuple[str, ...], go: str | None, go_source: str) -> LockedPack:
    """Pick the version for `rule_ids` from the hub's signed rule index; the hub's query answer
    gives only the caller's plan tiers, and each of its claims must be backed by the signed data."""
    from rulehub.loader import rule_index

    versions = rule_index.signed_versions(hubs.tuf(hub_url).signed_targets())
    plan_tiers = None
    for rid in rule_ids:
        answer = hubs.client(hub_url).rules(rule=rid)
        rule_index.check_claims(answer, versions, hub_url)
        plan_tiers = rule_index.plan_tiers_of(answer)
    chosen = rule_index.choose(rule_ids, versions, go=go, go_source=go_source, plan_tiers=plan_tiers, hub_url=hub_url)
    return LockedPack(name, RULES_RANGE, chosen.version, chosen.sha256, hub_url, chosen.target, rules=rule_ids)


def _ensure(cache: PackCache, hubs: _Hubs, entry: LockedPack, offline: bool) -> Path:
    found = cache.lookup(entry.sha256, entry.name, entry.version)
    if found is not None:
        return found
    if offline:
        raise OfflineError(
            f"pack {entry.name} {entry.version} is not in the cache and the network may not be used; run gocheck once online to fill the cache"
        )
    session = hubs.tuf(entry.hub)
    return cache.ensure(entry.name, entry.version, entry.sha256, lambda dest: session.download(entry.name, entry.target, entry.sha256, dest))


def _check_engine(entry: LockedPack, pack_dir: Path) -> None:
    """A locked pack may predate an engine upgrade: say so instead of failing inside a rule."""
    try:
        manifest = load_manifest(pack_dir)
        compatible = manifest.engine_range.contains(engine_version(), prerelease=True)
    except PackFormatError as exc:
        raise ConfigError(f"pack {entry.name} {entry.version}: {exc}") from None
    if not compatible:
        raise ConfigError(
            f"pack {entry.name} {entry.version} needs gocheck engine {manifest.engine}, this is {engine_version()}; "
            "run `gocheck packs update` for a compatible version"
        )


def verified_pack_dirs(project_dir: Path | str, *, locked: bool = False, offline: bool = False,
                       extra_rules: Sequence[str] = (), local_packs: Collection[str] = ()) -> list[Path]:
    """Extracted, verified pack directories for the project's `[packs]`, in config order, then
    those of rule IDs enabled alone (see `sync`).

    With a lock that matches the config and a warm cache this makes no network request.
    Raises LoaderError subclasses (see rulehub.loader.errors) with messages for the user.
    """
    return list(sync(Path(project_dir), locked=locked, offline=offline, extra_rules=extra_rules,
                     local_packs=local_packs).pack_dirs)

