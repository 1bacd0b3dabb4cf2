"""The TUF half of the loader against metadata generated here with python-tuf's Metadata API,
served through httpx.MockTransport: what ngclient accepts and what it refuses, and that every
request carries the access token."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp
from tuf.api.serialization.json import JSONSerializer

from rulehub.loader import credentials
from rulehub.loader.cache import PackCache
from rulehub.loader.credentials import HubCredential
from rulehub.loader.errors import HubError, VerificationError
from rulehub.loader.hubclient import HubClient
from rulehub.loader.tufclient import TufSession, trust_anchor
from rulehub.pack import build_artifact_bytes

HUB = "https://hub.test"
ROLES = ("root", "targets", "snapshot", "timestamp")


def _later(days: int = 7) -> datetime:
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(microsecond=0)


class Repo:
    """A minimal TUF repository in memory, served the way RuleHub serves it."""

    def __init__(self) -> None:
        self.signers = {role: CryptoSigner.generate_ed25519() for role in ROLES}
        root = Root(expires=_later(365), consistent_snapshot=False)
        for role, signer in self.signers.items():
            root.add_key(signer.public_key, role)
        self.root = Metadata(root)
        self.targets = Metadata(Targets(expires=_later()))
        self.snapshot = Metadata(Snapshot(expires=_later()))
        self.timestamp = Metadata(Timestamp(expires=_later()))
        self.artifacts: dict[str, bytes] = {}
        self.served: dict[str, bytes] = {}
        self.requests: list[httpx.Request] = []
        self.publish(first=True)

    def _bytes(self, md: Metadata, role: str, signer: CryptoSigner | None = None) -> bytes:
        md.signatures.clear()
        md.sign(signer or self.signers[role])
        return md.to_bytes(JSONSerializer())

    def add_target(self, path: str, data: bytes) -> None:
        self.artifacts[path] = data
        self.targets.signed.targets[path] = TargetFile.from_data(path, data, ["sha256"])

    def publish(self, *, first: bool = False, timestamp_signer: CryptoSigner | None = None, timestamp_expires: datetime | None = None) -> None:
        if not first:
            for md in (self.targets, self.snapshot, self.timestamp):
                md.signed.version += 1
        root = self._bytes(self.root, "root")
        targets = self._bytes(self.targets, "targets")
        self.snapshot.signed.meta["targets.json"] = MetaFile(version=self.targets.signed.version)
        snapshot = self._bytes(self.snapshot, "snapshot")
        self.timestamp.signed.snapshot_meta = MetaFile.from_data(self.snapshot.signed.version, snapshot, ["sha256"])
        if timestamp_expires is not None:
            self.timestamp.signed.expires = timestamp_expires
        timestamp = self._bytes(self.timestamp, "timestamp", timestamp_signer)
        self.served.update({
            "/tuf/1.root.json": root, "/tuf/root.json": root, "/tuf/targets.json": targets,
            "/tuf/snapshot.json": snapshot, "/tuf/timestamp.json": timestamp,
        })
        for path, data in self.artifacts.items():
            self.served[f"/v1/artifacts/{path}"] = data

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.served.get(request.url.path)
        return httpx.Response(200, content=body) if body is not None else httpx.Response(404, json={"error": {"code": "not_found", "message": "no"}})

    def client(self) -> HubClient:
        return HubClient(HUB, HubCredential(access_token="jwt-for-tests"), transport=httpx.MockTransport(self.handler))


def make_pack(tmp: Path, name: str = "acme/demo", version: str = "1.0.0") -> tuple[str, bytes]:
    d = tmp / "src" / name.replace("/", "_")
    d.mkdir(parents=True)
    (d / "pack.toml").write_text(
        f'[pack]\nname = "{name}"\nversion = "{version}"\ndescription = "d"\nlicense = "MIT"\ntier = "free"\nengine = ">=0.1.0"\n'
    )
    (d / "rule.py").write_text('raise SystemExit("pack code must never run in the loader")\n')
    data = build_artifact_bytes(d)
    return f"{name}/{name.split('/')[1]}-{version}.tar.gz", data


def fetch(repo: Repo, target: str, data: bytes, name: str = "acme/demo", version: str = "1.0.0") -> Path:
    hub = repo.client()
    session = TufSession(hub, trust_anchor(hub, None))
    sha = hashlib.sha256(data).hexdigest()
    return PackCache().ensure(name, version, sha, lambda dest: session.download(name, target, sha, dest))


def cached(user_dirs) -> list[str]:
    root = user_dirs["cache"] / "packs" / "sha256"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_verified_download_carries_the_token_and_fills_the_cache(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish()
    pack_dir = fetch(repo, target, data)
    assert (pack_dir / "pack.toml").is_file() and (pack_dir / "rule.py").is_file()
    assert cached(user_dirs) == [hashlib.sha256(data).hexdigest()]
    # Everything through ngclient's fetcher is authenticated (the first-use root fetch is public).
    via_fetcher = [r for r in repo.requests if r.url.path != "/tuf/1.root.json"]
    assert via_fetcher and all(r.headers.get("authorization") == "Bearer jwt-for-tests" for r in via_fetcher)
    assert any(r.url.path == f"/v1/artifacts/{target}" for r in repo.requests)


def test_metadata_signed_by_an_unknown_key_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish(timestamp_signer=CryptoSigner.generate_ed25519())
    with pytest.raises(VerificationError, match="pack acme/demo: refused: TUF metadata is not signed by the keys"):
        fetch(repo, target, data)
    assert cached(user_dirs) == []


def test_rollback_of_the_timestamp_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish()
    old_timestamp = repo.served["/tuf/timestamp.json"]
    other_target, other = make_pack(tmp_path, "acme/other")
    repo.add_target(other_target, other)
    repo.publish()
    fetch(repo, target, data)  # this machine now trusts the newer timestamp
    repo.served["/tuf/timestamp.json"] = old_timestamp
    with pytest.raises(VerificationError, match="rollback"):
        fetch(repo, other_target, other, name="acme/other")
    assert cached(user_dirs) == [hashlib.sha256(data).hexdigest()]


def test_expired_timestamp_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish(timestamp_expires=datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1))
    with pytest.raises(VerificationError, match="expired"):
        fetch(repo, target, data)
    assert cached(user_dirs) == []


def test_tampered_artifact_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish()
    repo.served[f"/v1/artifacts/{target}"] = data[:-1] + bytes([data[-1] ^ 1])
    with pytest.raises(VerificationError, match="tampered"):
        fetch(repo, target, data)
    assert cached(user_dirs) == []


def test_signed_hash_differing_from_the_lock_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.add_target(target, data)
    repo.publish()
    hub = repo.client()
    session = TufSession(hub, trust_anchor(hub, None))
    with pytest.raises(VerificationError, match="gocheck.lock pins"):
        session.download("acme/demo", target, "0" * 64, tmp_path / "out.tar.gz")
    assert not (tmp_path / "out.tar.gz").exists()


def test_unlisted_target_is_refused(tmp_path, user_dirs):
    repo = Repo()
    target, data = make_pack(tmp_path)
    repo.served[f"/v1/artifacts/{target}"] = data  # served, but not in signed targets metadata
    with pytest.raises(VerificationError, match="does not list"):
        fetch(repo, target, data)


def test_pinned_root_is_the_trust_anchor(tmp_path, user_dirs):
    repo = Repo()
    impostor = Repo()  # same URL, different keys: a hub that is not the one the user logged in to
    credentials.pin_root(HUB, repo.served["/tuf/1.root.json"])
    target, data = make_pack(tmp_path)
    impostor.add_target(target, data)
    impostor.publish()
    hub = impostor.client()
    session = TufSession(hub, trust_anchor(hub, None))
    sha = hashlib.sha256(data).hexdigest()
    with pytest.raises(VerificationError, match="not signed by the keys"):
        session.download("acme/demo", target, sha, tmp_path / "out")
    # and a lock that records another root than the pinned one stops before any download
    with pytest.raises(VerificationError, match="not the one gocheck.lock records"):
        trust_anchor(hub, "sha256:" + "1" * 64)


def test_unreachable_hub_is_a_hub_error_not_a_verification_error(tmp_path, user_dirs):
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    repo = Repo()
    credentials.pin_root(HUB, repo.served["/tuf/1.root.json"])
    hub = HubClient(HUB, HubCredential(access_token="t"), transport=httpx.MockTransport(down))
    session = TufSession(hub, trust_anchor(hub, None))
    with pytest.raises(HubError) as info:
        session.download("acme/demo", "acme/demo/demo-1.0.0.tar.gz", "0" * 64, tmp_path / "out")
    assert info.value.exit_code == 2 and "cannot download" in str(info.value)
