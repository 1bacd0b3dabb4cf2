"""Verified downloads: python-tuf's ngclient over the hub's TUF metadata, with the JWT attached.

Trust starts at the hub's root metadata pinned by `gocheck login` (version 1; later roots
must be signed by the one before, which ngclient checks).  If gocheck.lock records the hub's
root fingerprint, the trusted root must match it, so CI trusts exactly what the developer did.
Without either, a developer's machine trusts the hub's root on first use; in CI (`CI` set, or
`--locked`) that is refused: CI needs a pin.

A root fetched on first use becomes this machine's trust anchor (`<cache>/tuf/<hub-id>-anchor`)
only after it matched the lock (if the lock names one) and a whole TUF session verified the
hub's metadata from it; a session that fails leaves no anchor and no metadata behind.

Per hub and trusted root, the metadata lives in `<cache>/tuf/<hub-id>/<root fingerprint>/`, so
metadata verified from one root never meets another, and is only touched under a file lock,
so gocheck and language-server processes can refresh it at the same time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from filelock import FileLock
from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata, Root, TargetFile
from tuf.ngclient import FetcherInterface, Updater, UpdaterConfig

from rulehub.loader import credentials
from rulehub.loader.errors import ConfigError, HubError, VerificationError
from rulehub.loader.hubclient import HubClient, refusal_of, refusal_text
from rulehub.loader.userdirs import cache_dir, hub_id

CHUNK = 64 * 1024


class HubRefusedDownload(tuf_errors.DownloadHTTPError):
    """A download the hub answered with an error, with the hub's (message, code) for _download_failed."""

    def __init__(self, message: str, status_code: int, hub_refusal: tuple[str, str | None]) -> None:
        super().__init__(message, status_code)
        self.hub_refusal = hub_refusal


class AuthenticatedFetcher(FetcherInterface):
    """ngclient's network layer on httpx, adding `Authorization: Bearer <JWT>` for the hub's URLs."""

    def __init__(self, hub: HubClient) -> None:
        self._hub = hub

    def _fetch(self, url: str) -> Iterator[bytes]:
        headers = self._hub.auth_headers() if url.startswith(self._hub.url + "/") else {}
        try:
            resp = self._hub.http.send(self._hub.http.build_request("GET", url, headers=headers), stream=True)
        except httpx.HTTPError as exc:
            raise tuf_errors.DownloadError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            message, code = refusal_of(resp)
            resp.close()
            raise HubRefusedDownload(f"GET {url}: HTTP {resp.status_code}", resp.status_code, (message, code))
        return self._chunks(resp, url)

    @staticmethod
    def _chunks(resp: httpx.Response, url: str) -> Iterator[bytes]:
        try:
            yield from resp.iter_bytes(CHUNK)
        except httpx.HTTPError as exc:
            raise tuf_errors.DownloadError(f"download of {url} broke off: {exc}") from exc
        finally:
            resp.close()


def _anchor_cache_path(hub_url: str) -> Path:
    return cache_dir() / "tuf" / (hub_id(hub_url) + "-anchor") / "root.json"


def check_root(hub_url: str, data: bytes, source: str) -> None:
    try:
        md = Metadata[Root].from_bytes(data)
        md.verify_delegate(Root.type, md)
    except (tuf_errors.RepositoryError, ValueError, KeyError, TypeError) as exc:
        raise VerificationError(f"hub {hub_url}", f"{source} is not valid self-signed TUF root metadata ({exc})") from None


def running_in_ci() -> bool:
    """The `CI` variable every CI service sets (GitHub, GitLab, Buildkite, CircleCI, ...)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class TrustAnchor:
    """The root metadata a hub's metadata is verified from.  `first_use`: fetched from the hub
    in this run, not yet trusted on this machine (TufSession saves it after a verified refresh)."""

    hub_url: str
    root: bytes
    first_use: bool = False

    @property
    def fingerprint(self) -> str:
        return credentials.fingerprint(self.root)

    def save(self) -> None:
        credentials.write_private(_anchor_cache_path(self.hub_url), self.root)


def trust_anchor(hub: HubClient, expected: str | None, *, require_pin: bool = False, offline: bool = False) -> TrustAnchor:
    """The root this hub's metadata is verified from (see the module docstring).

    `expected` is the fingerprint gocheck.lock records; `require_pin` (CI, --locked) refuses
    to trust a root that neither the login nor the lock pins.  Writes nothing."""
    pinned = credentials.pinned_root(hub.url)
    if pinned is not None:
        fp = credentials.fingerprint(pinned)
        if expected and fp != expected:
            raise VerificationError(
                f"hub {hub.url}",
                f"the root pinned at login ({fp}) is not the one gocheck.lock records ({expected}); "
                "if the hub really was re-created, check the new fingerprint with its operators, then `gocheck login` again and `gocheck packs update`",
            )
        return TrustAnchor(hub.url, pinned)
    if expected is None and require_pin:
        raise ConfigError(
            f"the TUF root of {hub.url} is pinned neither by `gocheck login` nor by gocheck.lock, and in CI (CI set, or --locked) "
            "gocheck does not trust a root on first use: commit a gocheck.lock made by `gocheck packs update`, or run "
            f"`gocheck login --hub {hub.url}` on this machine"
        )
    path = _anchor_cache_path(hub.url)
    if path.exists():
        anchor = TrustAnchor(hub.url, path.read_bytes())
    else:
        if offline:
            raise HubError(f"no trusted root for {hub.url} on this machine and the network may not be used; run `gocheck login --hub {hub.url}`")
        data = hub.fetch_root(1)
        check_root(hub.url, data, "the hub's 1.root.json")
        anchor = TrustAnchor(hub.url, data, first_use=True)
    if expected and anchor.fingerprint != expected:
        raise VerificationError(f"hub {hub.url}", f"its root metadata ({anchor.fingerprint}) is not the one gocheck.lock records ({expected})")
    if anchor.first_use and expected is None:
        print(f"gocheck: trusting hub {hub.url} on first use, root {anchor.fingerprint} (pin it with `gocheck login`)", file=sys.stderr)
    return anchor


def _refused(pack: str, exc: Exception) -> VerificationError:
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        reason = f"the hub's TUF metadata has expired ({exc}): a frozen or stale mirror; try again later or tell the hub operators"
    elif isinstance(exc, tuf_errors.BadVersionNumberError):
        reason = f"rollback: the hub served older TUF metadata than this machine already trusts ({exc})"
    elif isinstance(exc, tuf_errors.UnsignedMetadataError):
        reason = f"TUF metadata is not signed by the keys the trusted root names (unknown key or forged signature: {exc})"
    elif isinstance(exc, (tuf_errors.LengthOrHashMismatchError, tuf_errors.DownloadLengthMismatchError)):
        reason = f"the downloaded bytes do not match the length/sha256 in the hub's signed metadata: the artifact was tampered with ({exc})"
    else:
        reason = f"TUF verification failed: {type(exc).__name__}: {exc}"
    return VerificationError(pack, reason)


def _download_failed(hub: HubClient, pack: str, exc: tuf_errors.DownloadError) -> HubError:
    cause = exc.__cause__ or exc
    status = getattr(exc, "status_code", None)
    message, code = exc.hub_refusal if isinstance(exc, HubRefusedDownload) else ("", None)
    if status in (401, 403) and code:
        return HubError(f"pack {pack}: the hub at {hub.url} refused the download ({status}, {code}): {refusal_text(hub.url, code, message)}", status=status, code=code)
    if status in (401, 403):
        return HubError(f"pack {pack}: the hub at {hub.url} refused the download ({status}): your plan may not include this pack, or the key is revoked", status=status)
    return HubError(f"pack {pack}: cannot download from the hub at {hub.url} ({cause})", status=status)


class TufSession:
    """One refreshed ngclient Updater per hub and process."""

    def __init__(self, hub: HubClient, anchor: TrustAnchor) -> None:
        self.hub = hub
        self._anchor = anchor
        self._dir = cache_dir() / "tuf" / hub_id(hub.url) / anchor.fingerprint.removeprefix("sha256:")[:32]
        self._updater: Updater | None = None

    def _lock(self) -> FileLock:
        self._dir.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self._dir.parent) + ".lock")

    def download(self, pack: str, target_path: str, sha256: str, dest: Path) -> None:
        """Verify `target_path` through TUF, check it has `sha256`, and write it to `dest`."""
        with self._lock(), self._tuf_errors_explained(pack):
            info = self._signed_target(pack, target_path, sha256)
            assert self._updater is not None
            self._updater.download_target(info, filepath=str(dest))

    def signed_target(self, pack: str, target_path: str, sha256: str) -> TargetFile:
        """The hub's current signed entry for `target_path` (fresh TUF metadata, verified
        against the trusted root), checked to pin `sha256`; its `custom` says whether the
        version is yanked now. Downloads nothing."""
        with self._lock(), self._tuf_errors_explained(pack):
            return self._signed_target(pack, target_path, sha256)

    def signed_targets(self) -> dict[str, TargetFile]:
        """Every target of the hub's current top-level targets metadata, refreshed and verified
        from the trusted root (the hub signs no delegations).  Their `custom` is the signed
        rule index (rulehub.loader.rule_index).  Downloads no artifact."""
        with self._lock(), self._tuf_errors_explained(f"hub {self.hub.url}"):
            if self._updater is None:
                self._updater = self._refreshed_updater()
            # ngclient keeps the verified metadata in its trusted set; it has no public call
            # that lists targets (get_targetinfo looks one path up).
            return dict(self._updater._trusted_set.targets.targets)

    def _signed_target(self, pack: str, target_path: str, sha256: str) -> TargetFile:
        if self._updater is None:
            self._updater = self._refreshed_updater()
        info = self._updater.get_targetinfo(target_path)
        if info is None:
            raise VerificationError(pack, f"the hub's signed targets metadata does not list {target_path}")
        signed_sha = info.hashes.get("sha256", "").lower()
        if signed_sha != sha256:
            raise VerificationError(
                pack,
                f"the hub's signed metadata gives sha256 {signed_sha or '(none)'} for {target_path} but gocheck.lock pins {sha256}; "
                "a published version never changes, so treat this as tampering (or run `gocheck packs update` if you expected it)",
            )
        return info

    def _refreshed_updater(self) -> Updater:
        """A refreshed Updater; a root trusted on first use is saved as the anchor only now,
        and if the refresh fails, the metadata it started is removed with it."""
        self._dir.mkdir(parents=True, exist_ok=True)
        try:
            updater = Updater(
                metadata_dir=str(self._dir),
                metadata_base_url=f"{self.hub.url}/tuf/",
                target_base_url=f"{self.hub.url}/v1/artifacts/",
                fetcher=AuthenticatedFetcher(self.hub),
                config=UpdaterConfig(prefix_targets_with_hash=False),
                bootstrap=self._anchor.root,
            )
            updater.refresh()
        except BaseException:
            if self._anchor.first_use:
                shutil.rmtree(self._dir, ignore_errors=True)
            raise
        if self._anchor.first_use:
            self._anchor.save()
        return updater

    @contextlib.contextmanager
    def _tuf_errors_explained(self, pack: str) -> Iterator[None]:
        try:
            yield
        except tuf_errors.DownloadLengthMismatchError as exc:
            raise _refused(pack, exc) from None
        except tuf_errors.DownloadError as exc:
            raise _download_failed(self.hub, pack, exc) from None
        except tuf_errors.RepositoryError as exc:
            raise _refused(pack, exc) from None
