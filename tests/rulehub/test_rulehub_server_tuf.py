"""TUF metadata served by the hub, verified with python-tuf (Metadata API and ngclient.Updater)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tuf.api.exceptions import DownloadHTTPError, UnsignedMetadataError
from tuf.api.metadata import Metadata, Root, Snapshot, Targets, Timestamp
from tuf.ngclient import Updater
from tuf.ngclient.fetcher import FetcherInterface

from tests.rulehub.conftest import HubServer, Subscriber
from rulehub.server import tuf_repo


class BearerFetcher(FetcherInterface):
    """What the loader does: every TUF request carries the subscriber's access token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def _fetch(self, url: str) -> Iterator[bytes]:
        r = httpx.get(url, headers={"Authorization": f"Bearer {self.token}"}, timeout=30)
        if r.status_code != 200:
            raise DownloadHTTPError(f"{url}: {r.status_code} {r.text[:200]}", r.status_code)
        return iter([r.content])


def _md(hub: HubServer, path: str) -> Metadata:
    r = hub.client.get(path)
    assert r.status_code == 200, r.text
    return Metadata.from_bytes(r.content)


def test_metadata_signatures_and_target(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/tufpack"
    data = hub.artifact(name, "1.2.3", tier="free")
    assert publisher.publish(name, "1.2.3", data).status_code == 201

    root_md = _md(hub, "/tuf/root.json")
    assert isinstance(root_md.signed, Root) and root_md.signed.consistent_snapshot is False
    root_md.verify_delegate("root", root_md)
    timestamp_md = _md(hub, "/tuf/timestamp.json")
    snapshot_md = _md(hub, "/tuf/snapshot.json")
    targets_md = _md(hub, "/tuf/targets.json")
    assert isinstance(timestamp_md.signed, Timestamp)
    assert isinstance(snapshot_md.signed, Snapshot)
    assert isinstance(targets_md.signed, Targets)
    for role, md in (("timestamp", timestamp_md), ("snapshot", snapshot_md), ("targets", targets_md)):
        root_md.verify_delegate(role, md)
    assert timestamp_md.signed.snapshot_meta.version == snapshot_md.signed.version
    assert snapshot_md.signed.meta["targets.json"].version == targets_md.signed.version

    path = f"{name}/tufpack-1.2.3.tar.gz"
    target = targets_md.signed.targets[path]
    assert target.length == len(data)
    assert target.hashes["sha256"] == hashlib.sha256(data).hexdigest()
    assert target.custom == {"pack": name, "version": "1.2.3", "tier": "free", "yanked": False,
                             "go": "", "rules": [f"{name}/bodyclose"]}  # the signed rule index
    target.verify_length_and_hashes(data)

    # A yank is a new signed targets version flagging the target, which stays downloadable.
    assert publisher.post(f"/v1/packs/{name}/1.2.3/yank").status_code == 200
    after = _md(hub, "/tuf/targets.json")
    root_md.verify_delegate("targets", after)
    assert after.signed.version > targets_md.signed.version
    assert after.signed.targets[path].custom["yanked"] is True

    # Tampered metadata fails verification.
    tampered = _md(hub, "/tuf/targets.json")
    tampered.signed.targets[path].length += 1
    with pytest.raises(UnsignedMetadataError):
        root_md.verify_delegate("targets", tampered)


def test_updater_downloads_target_end_to_end(hub: HubServer, publisher: Subscriber, tmp_path: Path) -> None:
    name = f"{publisher.namespace}/e2e"
    data = hub.artifact(name, "0.3.0")
    assert publisher.publish(name, "0.3.0", data).status_code == 201
    consumer = hub.subscriber(namespace=False)
    bootstrap = hub.client.get("/tuf/1.root.json").content
    (tmp_path / "meta").mkdir()
    (tmp_path / "targets").mkdir()
    updater = Updater(
        metadata_dir=str(tmp_path / "meta"),
        metadata_base_url=f"{hub.base_url}/tuf/",
        target_dir=str(tmp_path / "targets"),
        target_base_url=f"{hub.base_url}/v1/artifacts/",
        fetcher=BearerFetcher(consumer.token),
        bootstrap=bootstrap,
    )
    updater.refresh()
    info = updater.get_targetinfo(f"{name}/e2e-0.3.0.tar.gz")
    assert info is not None and info.custom["version"] == "0.3.0"
    path = updater.download_target(info)
    assert Path(path).read_bytes() == data
    usage = consumer.get("/v1/usage").json()
    assert usage["downloads"] == 1 and usage["bytes"] == len(data)


def test_artifact_endpoint_needs_token_and_entitlement(hub: HubServer, publisher: Subscriber) -> None:
    name = f"{publisher.namespace}/gated"
    assert publisher.publish(name, "1.0.0", hub.artifact(name, "1.0.0", tier="pro")).status_code == 201
    path = f"/v1/artifacts/{name}/gated-1.0.0.tar.gz"
    assert hub.client.get(path).status_code == 401
    free = hub.subscriber(plan="free", namespace=False)
    r = free.get(path)
    assert r.status_code == 403 and r.json()["error"]["code"] == "plan_does_not_cover_tier"
    assert free.get("/v1/artifacts/nope/nothing-1.0.0.tar.gz").status_code == 404


def test_key_rotation_keeps_clients_updating(hub: HubServer, publisher: Subscriber, tmp_path: Path) -> None:
    """Rotating every TUF key gives a new root signed by the old one; an old client walks to it."""
    name = f"{publisher.namespace}/rot"
    data = hub.artifact(name, "1.0.0")
    assert publisher.publish(name, "1.0.0", data).status_code == 201
    bootstrap = hub.client.get("/tuf/1.root.json").content
    with hub.database.write_session() as s:
        new_version = tuf_repo.rotate_keys(s, hub.settings)
    assert hub.client.get(f"/tuf/{new_version}.root.json").status_code == 200
    new_root = _md(hub, "/tuf/root.json")
    assert new_root.signed.version == new_version
    old_root = Metadata.from_bytes(hub.client.get(f"/tuf/{new_version - 1}.root.json").content)
    old_root.verify_delegate("root", new_root)  # chain of trust
    new_root.verify_delegate("root", new_root)
    consumer = hub.subscriber(namespace=False)
    (tmp_path / "m").mkdir()
    (tmp_path / "t").mkdir()
    updater = Updater(str(tmp_path / "m"), f"{hub.base_url}/tuf/", str(tmp_path / "t"),
                      f"{hub.base_url}/v1/artifacts/", fetcher=BearerFetcher(consumer.token), bootstrap=bootstrap)
    updater.refresh()
    info = updater.get_targetinfo(f"{name}/rot-1.0.0.tar.gz")
    assert info is not None
    assert Path(updater.download_target(info)).read_bytes() == data
    # Publishing keeps working with the new keys.
    assert publisher.publish(name, "1.0.1", hub.artifact(name, "1.0.1")).status_code == 201
    _md(hub, "/tuf/root.json").verify_delegate("targets", _md(hub, "/tuf/targets.json"))
