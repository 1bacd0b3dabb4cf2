"""Where the loader keeps per-user state: credentials (config dir) and packs/metadata (cache dir).

GOCHECK_CONFIG_DIR and GOCHECK_CACHE_DIR override platformdirs' locations (tests, CI caches).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs


def config_dir() -> Path:
    return Path(os.environ.get("GOCHECK_CONFIG_DIR") or platformdirs.user_config_dir("gocheck"))


def cache_dir() -> Path:
    return Path(os.environ.get("GOCHECK_CACHE_DIR") or platformdirs.user_cache_dir("gocheck"))


def normalize_hub_url(url: str) -> str:
    """`HTTP://Hub.example.com:443/` -> `http://hub.example.com:443`; the key for everything per hub."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        from rulehub.loader.errors import ConfigError

        raise ConfigError(f"hub URL {url!r} is not an http(s) URL; write e.g. https://hub.example.com")
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def hub_id(url: str) -> str:
    """A directory name for a hub: readable host plus a hash of the full URL."""
    norm = normalize_hub_url(url)
    host = re.sub(r"[^a-z0-9.-]", "_", urlsplit(norm).netloc)
    return f"{host}-{hashlib.sha256(norm.encode()).hexdigest()[:12]}"


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost`: traffic that never leaves the machine."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(url: str) -> None:
    """https, or plain http to loopback only: keys and downloads never cross a network in clear."""
    parts = urlsplit(normalize_hub_url(url))
    if parts.scheme != "https" and not is_loopback_host(parts.hostname or ""):
        from rulehub.loader.errors import InsecureHubError

        raise InsecureHubError(
            f"hub URL {url!r} uses plain http to a host that is not this machine: gocheck talks to hubs only over https "
            f"(http only to 127.0.0.1, ::1 or localhost); write https://{parts.netloc}{parts.path}"
        )
