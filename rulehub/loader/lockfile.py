"""`gocheck.lock`: the exact pack versions and hashes a project runs with (TOML, deterministic).

    # gocheck.lock: written by gocheck (`gocheck packs update`); commit it, do not edit it.
    version = 1

    [[hub]]
    url = "https://hub.example.com"
    root = "sha256:<hex of the hub's pinned 1.root.json>"

    [[pack]]
    name = "acme/http-safety"
    range = "^1.4"
    version = "1.4.2"
    sha256 = "<hex>"
    hub = "https://hub.example.com"
    target = "acme/http-safety/http-safety-1.4.2.tar.gz"
    rules = ["acme/http-safety/insecure-tls"]   # only for a pack locked for rule IDs, not in [packs]

Packs and hubs are sorted by name and URL, keys come in a fixed order, so the same set of
pins always gives the same bytes (and a clean diff in review).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from analyzer.safe_files import SkippedFile, read_tree_file
from rulehub.loader.atomic_file import write_atomically
from rulehub.loader.errors import ConfigError

LOCK_VERSION = 1
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEADER = "# gocheck.lock: written by gocheck (`gocheck packs update`); commit it, do not edit it.\n"


@dataclass(frozen=True)
class LockedPack:
    name: str
    range: str
    version: str
    sha256: str
    hub: str
    target: str
    rules: tuple[str, ...] = ()  # rule IDs this pack was locked for (`[rules] enable`), when [packs] does not list it


@dataclass(frozen=True)
class LockFile:
    packs: tuple[LockedPack, ...] = ()
    hub_roots: tuple[tuple[str, str], ...] = ()  # (hub url, "sha256:<hex>")

    def get(self, name: str) -> LockedPack | None:
        return next((p for p in self.packs if p.name == name), None)

    def hub_root(self, url: str) -> str | None:
        return dict(self.hub_roots).get(url)

    def normalized(self) -> "LockFile":
        return LockFile(
            tuple(sorted(self.packs, key=lambda p: p.name)),
            tuple(sorted(set(self.hub_roots))),
        )


def _s(value: str) -> str:
    # A JSON string without \u escapes of non-ASCII is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def dumps(lock: LockFile) -> str:
    lock = lock.normalized()
    out = [HEADER, f"version = {LOCK_VERSION}\n"]
    for url, root in lock.hub_roots:
        out.append(f"\n[[hub]]\nurl = {_s(url)}\nroot = {_s(root)}\n")
    for p in lock.packs:
        out.append(
            f"\n[[pack]]\nname = {_s(p.name)}\nrange = {_s(p.range)}\nversion = {_s(p.version)}\n"
            f"sha256 = {_s(p.sha256)}\nhub = {_s(p.hub)}\ntarget = {_s(p.target)}\n"
            + (f"rules = [{', '.join(_s(r) for r in sorted(p.rules))}]\n" if p.rules else "")
        )
    return "".join(out)


def loads(text: str, *, source: str = "gocheck.lock") -> LockFile:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML ({exc}); delete it and run `gocheck packs update`") from None
    if doc.get("version") != LOCK_VERSION:
        raise ConfigError(f"{source}: unsupported lock version {doc.get('version')!r}; this gocheck writes {LOCK_VERSION}")
    packs = []
    for i, item in enumerate(doc.get("pack", [])):
        fields = ("name", "range", "version", "sha256", "hub", "target")
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in fields):
            raise ConfigError(f"{source}: [[pack]] #{i + 1} needs string fields {', '.join(fields)}; run `gocheck packs update`")
        if not _HEX64.match(item["sha256"]):
            raise ConfigError(f"{source}: pack {item['name']}: sha256 must be 64 lowercase hex digits")
        rules = item.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise ConfigError(f"{source}: pack {item['name']}: rules must be a list of rule IDs; run `gocheck packs update`")
        packs.append(LockedPack(item["name"], item["range"], item["version"], item["sha256"], item["hub"], item["target"],
                                rules=tuple(sorted(rules))))
    roots = []
    for item in doc.get("hub", []):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not isinstance(item.get("root"), str):
            raise ConfigError(f"{source}: [[hub]] needs url and root strings; run `gocheck packs update`")
        roots.append((item["url"], item["root"]))
    names = [p.name for p in packs]
    if len(names) != len(set(names)):
        raise ConfigError(f"{source}: a pack is listed twice; run `gocheck packs update`")
    return LockFile(tuple(packs), tuple(roots))


MAX_LOCK_BYTES = 1024 * 1024  # a lock pins a handful of packs; more is not a lock


def read(path: Path) -> LockFile | None:
    """The lock in a checkout: a regular file (not a FIFO, device or link out of the tree), read bounded."""
    try:
        text = read_tree_file(path, path.parent, max_bytes=MAX_LOCK_BYTES).decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, SkippedFile) as exc:
        raise ConfigError(f"{path}: cannot read the lock file: {exc}") from None
    return loads(text, source=str(path))


def write(path: Path, lock: LockFile) -> bool:
    """Write atomically; returns False (and writes nothing) if the file already has these bytes."""
    text = dumps(lock)
    try:
        if path.read_text("utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    write_atomically(path, text.encode("utf-8"), 0o644)
    return True
