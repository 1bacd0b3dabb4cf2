"""The publishers (pack namespaces) whose Python rules the user allows to run: user-level
config only (`gocheck packs trust NAME`), never anything a repository says.

Stored as JSON in the user config dir, written 0600 like the credentials.
"""

from __future__ import annotations

import json
from pathlib import Path

from rulehub.loader.credentials import write_private
from rulehub.loader.errors import ConfigError
from rulehub.loader.userdirs import config_dir
from rulehub.pack.manifest import SEGMENT_RE

FILE_NAME = "trusted-publishers.json"


def store_path() -> Path:
    return config_dir() / FILE_NAME


def trusted_publishers() -> frozenset[str]:
    path = store_path()
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc}); fix or delete it, then trust publishers again") from None
    publishers = doc.get("publishers") if isinstance(doc, dict) else None
    if not isinstance(publishers, list) or not all(isinstance(p, str) for p in publishers):
        raise ConfigError(f"{path}: expected {{\"publishers\": [\"name\", ...]}}; fix or delete it")
    return frozenset(publishers)


def check_publisher(name: str) -> str:
    if not SEGMENT_RE.match(name) or len(name) > 100:
        raise ConfigError(f"{name!r} is not a publisher name: give the namespace of a pack (acme for acme/http-safety)")
    return name


def trust(name: str) -> bool:
    """Add a publisher; False when it was trusted already."""
    current = trusted_publishers()
    if check_publisher(name) in current:
        return False
    _write(current | {name})
    return True


def untrust(name: str) -> bool:
    """Remove a publisher; False when it was not trusted."""
    current = trusted_publishers()
    if name not in current:
        return False
    _write(current - {name})
    return True


def _write(publishers: frozenset[str]) -> None:
    write_private(store_path(), (json.dumps({"publishers": sorted(publishers)}, indent=2) + "\n").encode())
