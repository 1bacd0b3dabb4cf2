"""The loader: RuleHub's client half, shared by the gocheck CLI and the language server.

    from rulehub.loader import verified_pack_dirs, LoaderError
    dirs = verified_pack_dirs(project_dir, locked=False, offline=False)   # -> [Path]
    rules = [r for d in dirs for r in analyzer.rulepack.load_pack(d).rules]

It resolves `[packs]` ranges in `.gocheck.toml` through the hub, pins them in `gocheck.lock`,
downloads with the subscriber's JWT, verifies with TUF (python-tuf ngclient) and the locked
sha256, and keeps packs in a content-addressed cache in the user cache dir.  It never
imports pack code and never imports rulehub.server.  Errors: rulehub.loader.errors.
"""

from rulehub.loader.errors import (
    ConfigError,
    HubError,
    LoaderError,
    LockOutOfDateError,
    NotLoggedInError,
    OfflineError,
    VerificationError,
)
from rulehub.loader.sync import SyncResult, verified_pack_dirs  # (the module rulehub.loader.sync has sync())

__all__ = [
    "ConfigError",
    "HubError",
    "LoaderError",
    "LockOutOfDateError",
    "NotLoggedInError",
    "OfflineError",
    "SyncResult",
    "VerificationError",
    "verified_pack_dirs",
]
