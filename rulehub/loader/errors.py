"""The loader's typed errors. The CLI catches `LoaderError` once and exits with `exit_code`.

Exit codes (README "Packs in CI"): 2 for anything the user fixes (configuration, a lock that
would change under --locked, not logged in, the hub unreachable or refusing a request, a pack
missing from the cache while offline); 3 when a pack failed verification (tampering,
rollback, expired or wrongly signed metadata, a hash that differs from the lock, an unsafe
archive): gocheck could not check the code and the cause is not the user's input.
"""

from __future__ import annotations


class LoaderError(Exception):
    """Base class: the message says what went wrong and what to do next."""

    exit_code = 2


class ConfigError(LoaderError):
    """`.gocheck.toml`, `gocheck.lock` or the user's credentials file is invalid."""


class UnchosenHubError(ConfigError):
    """A repository's config names a hub the user did not choose (login, GOCHECK_HUB_URL)."""


class InsecureHubError(ConfigError):
    """A hub URL that is neither https nor loopback."""


class LockOutOfDateError(LoaderError):
    """`--locked` was given and the lock file would have to change."""


class OfflineError(LoaderError):
    """A pack is needed that is not in the cache and the network may not be used."""


class HubError(LoaderError):
    """The hub could not be reached or refused a request (status is the HTTP status, if any)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class NotLoggedInError(HubError):
    """No API key or token for the hub: run `gocheck login` or set GOCHECK_API_KEY."""


class VerificationError(LoaderError):
    """A pack (or the hub's metadata) failed verification; nothing was cached or imported."""

    exit_code = 3

    def __init__(self, pack: str, reason: str) -> None:
        super().__init__(f"pack {pack}: refused: {reason}")
        self.pack = pack
        self.reason = reason
