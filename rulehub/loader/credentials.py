"""The user's hub credentials and pinned TUF roots (`gocheck login`).

    <config>/credentials.json        {"default_hub": url, "hubs": {url: {"api_key": "rh_..."}}}  mode 0600
    <config>/hubs/<hub-id>/root.json the hub's root metadata pinned at first login (version 1)

CI needs no file: GOCHECK_HUB_TOKEN (an access JWT, used as is) or GOCHECK_API_KEY (exchanged
for a JWT) take precedence over the file.

Which hubs the user chose (`user_hubs`): GOCHECK_HUB_URL, the login's default hub and every hub
with a stored key; all of them are set outside the analysed repository.  A hub that only a
repository's `.gocheck.toml` names is not among them, and the loader sends it nothing
(`check_user_hub`): neither a key nor any other request.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from rulehub.loader.atomic_file import write_atomically
from rulehub.loader.errors import ConfigError, UnchosenHubError
from rulehub.loader.userdirs import config_dir, hub_id, normalize_hub_url

CREDENTIALS_NAME = "credentials.json"


@dataclass(frozen=True)
class HubCredential:
    api_key: str | None = None
    access_token: str | None = None  # a JWT given directly (GOCHECK_HUB_TOKEN)


def _path() -> Path:
    return config_dir() / CREDENTIALS_NAME


def _read() -> dict[str, Any]:
    path = _path()
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"hubs": {}}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}); delete it and run `gocheck login` again") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("hubs", {}), dict):
        raise ConfigError(f"{path}: unexpected content; delete it and run `gocheck login` again")
    doc.setdefault("hubs", {})
    return doc


def write_private(path: Path, data: bytes) -> None:
    """Atomically write a file readable only by the user (0600), its directory 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.parent == config_dir() or config_dir() in path.parents:
        os.chmod(config_dir(), 0o700)
    write_atomically(path, data, 0o600)


def store_api_key(hub_url: str, api_key: str, *, make_default: bool = True) -> Path:
    url = normalize_hub_url(hub_url)
    doc = _read()
    doc["hubs"].setdefault(url, {})["api_key"] = api_key
    if make_default or not doc.get("default_hub"):
        doc["default_hub"] = url
    path = _path()
    write_private(path, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())
    return path


def forget_api_key(hub_url: str) -> bool:
    """Remove the stored API key of `hub_url` (and make it no longer the default hub);
    the pinned TUF root stays. True if there was a key."""
    url = normalize_hub_url(hub_url)
    doc = _read()
    entry = doc["hubs"].pop(url, None)
    if doc.get("default_hub") == url:
        doc.pop("default_hub")
        if doc["hubs"]:
            doc["default_hub"] = sorted(doc["hubs"])[0]
    if entry is None:
        return False
    write_private(_path(), (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())
    return isinstance(entry, dict) and bool(entry.get("api_key"))


def credential_for(hub_url: str) -> HubCredential:
    """Environment first (CI), then the credentials file."""
    token = os.environ.get("GOCHECK_HUB_TOKEN")
    if token:
        return HubCredential(access_token=token.strip())
    key = os.environ.get("GOCHECK_API_KEY")
    if key:
        return HubCredential(api_key=key.strip())
    entry = _read()["hubs"].get(normalize_hub_url(hub_url), {})
    return HubCredential(api_key=entry.get("api_key") if isinstance(entry, dict) else None)


def user_hubs() -> set[str]:
    """The hubs the user configured outside any repository (see the module docstring)."""
    chosen = [*_read()["hubs"], os.environ.get("GOCHECK_HUB_URL"), default_hub()]
    return {normalize_hub_url(url) for url in chosen if url}


def check_user_hub(hub_url: str, *, named_by: str) -> None:
    """Refuse (exit 2, before any request) a hub the user did not choose outside the repository."""
    url = normalize_hub_url(hub_url)
    if url not in user_hubs():
        raise UnchosenHubError(
            f"{named_by} names the hub {url}, which you have not chosen: gocheck sends keys and requests only to a hub set "
            f"outside the repository. If you trust it, run `gocheck login --hub {url}` (or set GOCHECK_HUB_URL={url} next "
            "to GOCHECK_API_KEY in CI); nothing was sent"
        )


def default_hub() -> str | None:
    value = _read().get("default_hub")
    return value if isinstance(value, str) and value else None


def pinned_root_path(hub_url: str) -> Path:
    return config_dir() / "hubs" / hub_id(hub_url) / "root.json"


def pinned_root(hub_url: str) -> bytes | None:
    try:
        return pinned_root_path(hub_url).read_bytes()
    except FileNotFoundError:
        return None


def pin_root(hub_url: str, root_bytes: bytes) -> Path:
    path = pinned_root_path(hub_url)
    write_private(path, root_bytes)
    return path


def fingerprint(root_bytes: bytes) -> str:
    return "sha256:" + hashlib.sha256(root_bytes).hexdigest()
