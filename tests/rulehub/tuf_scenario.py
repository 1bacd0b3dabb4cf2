"""A hub of a test's own, on an empty database, with TUF clients that keep their metadata
between runs: the scenario the TUF root and key-retirement tests share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tuf.api.metadata import Metadata
from tuf.ngclient import Updater

from rulehub.server import db as dbmod
from rulehub.server.bootstrap import initialise_state
from rulehub.server.settings import Settings
from tests.rulehub.conftest import HubServer, Subscriber, hub_server
from tests.rulehub.test_rulehub_server_tuf import BearerFetcher


def first_start(url: str, tmp_path: Path, **lifetimes: int) -> Settings:
    """Migrate, then create the keys and TUF version 1 as a first start does, with the given
    `tuf_*_days` (a hub started later keeps this root until something signs a new one)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (tmp_path / "packs").mkdir()
    settings = Settings(data_dir=data_dir, database_url=url)
    dbmod.upgrade(url)
    database = dbmod.Database.connect(settings)
    try:
        initialise_state(database, settings.with_(**lifetimes))
    finally:
        database.dispose()
    return settings


@contextlib.contextmanager
def serving(settings: Settings, tmp_path: Path) -> Iterator[HubServer]:
    with hub_server(settings.database_url, settings.data_dir, tmp_path / "packs") as hub:
        yield hub


def tuf_client(hub: HubServer, consumer: Subscriber, metadata_dir: Path, bootstrap: bytes | None) -> Updater:
    """A client; bootstrap=None means the root it already trusts (kept in metadata_dir)."""
    (metadata_dir / "targets").mkdir(parents=True, exist_ok=True)
    return Updater(str(metadata_dir), f"{hub.base_url}/tuf/", str(metadata_dir / "targets"),
                   f"{hub.base_url}/v1/artifacts/", fetcher=BearerFetcher(consumer.token), bootstrap=bootstrap)


def install(updater: Updater, target: str) -> bytes:
    updater.refresh()
    info = updater.get_targetinfo(target)
    assert info is not None, target
    return Path(updater.download_target(info)).read_bytes()


def trusted_root_version(metadata_dir: Path) -> int:
    return Metadata.from_bytes((metadata_dir / "root.json").read_bytes()).signed.version


def publish(hub: HubServer, publisher: Subscriber, short: str, version: str) -> tuple[str, bytes]:
    name = f"{publisher.namespace}/{short}"
    data = hub.artifact(name, version)
    r = publisher.publish(name, version, data)
    assert r.status_code == 201, r.text
    return f"{name}/{short}-{version}.tar.gz", data
