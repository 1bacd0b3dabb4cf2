"""Portal settings, read from RULEHUB_PORTAL_* environment variables once per app.

- RULEHUB_PORTAL_SECRET: key for CSRF tokens (shared by all replicas).  Unset: a random
  key is generated into `<data_dir>/keys/portal-secret` (0600) on first start, like the
  signing keys.
- RULEHUB_TRUST_PROXY=1: honour `X-Forwarded-Proto: https` from a TLS-terminating proxy
  when deciding whether cookies get the Secure flag.  Off by default: a client could
  otherwise send the header itself.
- RULEHUB_PORTAL_SESSION_HOURS (12), RULEHUB_PORTAL_LOGIN_LIMIT (5 free failures per
  account, or per known device, in the window), RULEHUB_PORTAL_LOGIN_IP_LIMIT (30 free
  failures per client address), RULEHUB_PORTAL_LOGIN_WINDOW (3600 s: how long a failure
  counts), RULEHUB_PORTAL_LOGIN_MAX_WAIT (900 s: the longest backoff).  See
  rulehub.server.portal.login_limiter.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an integer") from None


def _load_or_create_secret(keys_dir: Path) -> bytes:
    """The key in `keys_dir/portal-secret`, created (0600) by whichever worker gets there first.

    Written to a temporary file and hard-linked into place, so a concurrent worker sees either
    no file or the complete key, never an empty one.
    """
    path = keys_dir / "portal-secret"
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=keys_dir, prefix=".portal-secret-")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another worker won the race: use its key
        finally:
            os.unlink(tmp)
    secret = bytes.fromhex(path.read_text().strip())
    if len(secret) < 16:
        raise SystemExit(f"{path} holds no usable portal secret; delete it to generate a new one")
    return secret


@dataclass(frozen=True)
class PortalConfig:
    secret: bytes
    trust_proxy: bool = False
    session_hours: int = 12
    login_limit: int = 5
    login_ip_limit: int = 30
    login_window: int = 3600
    login_max_wait: int = 900

    @classmethod
    def from_env(cls, keys_dir: Path) -> "PortalConfig":
        raw = os.environ.get("RULEHUB_PORTAL_SECRET", "")
        secret = raw.encode() if raw else _load_or_create_secret(keys_dir)
        return cls(
            secret=secret,
            trust_proxy=os.environ.get("RULEHUB_TRUST_PROXY", "").lower() in ("1", "true", "yes"),
            session_hours=_int("RULEHUB_PORTAL_SESSION_HOURS", 12),
            login_limit=_int("RULEHUB_PORTAL_LOGIN_LIMIT", 5),
            login_ip_limit=_int("RULEHUB_PORTAL_LOGIN_IP_LIMIT", 30),
            login_window=_int("RULEHUB_PORTAL_LOGIN_WINDOW", 3600),
            login_max_wait=_int("RULEHUB_PORTAL_LOGIN_MAX_WAIT", 900),
        )
