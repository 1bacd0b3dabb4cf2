"""The loader: RuleHub's client half, shared by the gocheck CLI and the language server.

    from rulehub.loader import verified_pack_dirs, LoaderError
    dirs = verified_pack_dirs(project_dir, locked=False, offline=False)   # -> [Path]
    packs = analyzer.pipeline.rulepack.load_downloaded_packs(dirs, trusted)  # publisher consent, then contained

It resolves `[packs]` ranges in `.gocheck.toml` through the hub, pins them in `gocheck.lock`,
downloads with the subscriber's JWT, verifies with TUF (python-tuf ngclient) and the locked
sha256, and keeps packs in a content-addressed cache in the user cache dir.  It never
imports pack code and never imports rulehub.server.  Errors: rulehub.loader.errors.
"""

from pathlib import Path
from collections.abc import Collection, Sequence

from rulehub.loader.errors import (
    ConfigError,
    HubError,
    LoaderError,
    LockOutOfDateError,
    NotLoggedInError,
    OfflineError,
    VerificationError,
)


def verified_pack_dirs(project_dir: Path | str, *, locked: bool = False, offline: bool = False,
                       extra_rules: Sequence[str] = (), local_packs: Collection[str] = ()) -> list[Path]:
    """See rulehub.loader.sync.verified_pack_dirs; imported lazily so that a run with a lock and
    a warm cache never pays for loading the HTTP and TUF clients."""
    from rulehub.loader.sync import verified_pack_dirs as _verified_pack_dirs

    return _verified_pack_dirs(project_dir, locked=locked, offline=offline, extra_rules=extra_rules, local_packs=local_packs)

__all__ = [
    "ConfigError",
    "HubError",
    "LoaderError",
    "LockOutOfDateError",
    "NotLoggedInError",
    "OfflineError",
    "VerificationError",
    "verified_pack_dirs",
]
