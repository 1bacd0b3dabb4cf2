"""The artifact stores (rulehub.server.storage): local directory, database rows (SQLite and
PostgreSQL), and S3 through boto3 against moto's server on loopback.  Each one round-trips
bytes, is idempotent, says "missing" for what it lacks, refuses keys that are not digests,
and the database one stores nothing for a publish that rolls back."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from rulehub.server import db as dbmod
from rulehub.server import storage
from rulehub.server.models import ArtifactBlob
from rulehub.server.settings import Settings
from rulehub.server.storage.database import DatabaseStore
from rulehub.server.storage.local import LocalStore
from rulehub.server.storage.s3 import S3Store
from tests.support.s3_server import S3Server, s3_server


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture(scope="module")
def database(database_url: str) -> Iterator[dbmod.Database]:
    dbmod.upgrade(database_url)
    database = dbmod.Database.connect(Settings(data_dir=Path("/nonexistent"), database_url=database_url))
    yield database
    database.dispose()


@pytest.fixture(params=["local", "database", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> storage.ArtifactStore:
    if request.param == "local":
        return LocalStore(tmp_path / "artifacts")
    if request.param == "database":
        return DatabaseStore()
    server: S3Server = request.getfixturevalue("s3")
    return S3Store(server.client(), server.bucket, "hub-a")


def _blob(size: int = 4096) -> tuple[str, bytes]:
    data = os.urandom(size)
    return hashlib.sha256(data).hexdigest(), data


def test_round_trip_idempotent_and_missing(store: storage.ArtifactStore, database: dbmod.Database) -> None:
    sha, data = _blob()
    with database.write_session() as session:
        store.put(session, sha, data)
        store.put(session, sha, data)  # a second publish of the same bytes (another pack) is fine
    with database.session() as session:
        assert store.get(session, sha) == data
        with pytest.raises(storage.ArtifactMissing):
            store.get(session, _blob()[0])


@pytest.mark.parametrize("key", ["../../../etc/passwd", "ab/../../x", "A" * 64, "", "0" * 63, "0" * 64 + "/x"])
def test_keys_that_are_not_digests_are_refused(store: storage.ArtifactStore, database: dbmod.Database,
                                               key: str) -> None:
    with database.write_session() as session:
        with pytest.raises(ValueError, match="not a SHA-256"):
            store.put(session, key, b"x")
        with pytest.raises(ValueError, match="not a SHA-256"):
            store.get(session, key)


def test_local_files_are_private(tmp_path: Path, database: dbmod.Database) -> None:
    local = LocalStore(tmp_path / "artifacts")
    sha, data = _blob()
    with database.session() as session:
        local.put(session, sha, data)
    path = local.path(sha)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_database_artifact_rolls_back_with_its_publish(database: dbmod.Database) -> None:
    sha, data = _blob()

    class PublishFailed(Exception):
        pass

    with pytest.raises(PublishFailed), database.write_session() as session:
        DatabaseStore().put(session, sha, data)
        raise PublishFailed  # e.g. the TUF update failed after the bytes were written
    with database.session() as session:
        assert session.scalar(select(ArtifactBlob).where(ArtifactBlob.sha256 == sha)) is None


def test_s3_objects_live_under_the_prefix(s3: S3Server, database: dbmod.Database) -> None:
    sha, data = _blob()
    with database.session() as session:
        S3Store(s3.client(), s3.bucket, "tenant-hub/").put(session, sha, data)
    listed = [o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket, Prefix="tenant-hub/")["Contents"]]
    assert f"tenant-hub/{sha[:2]}/{sha}.tar.gz" in listed


def test_s3_tampered_object_is_not_served(s3: S3Server, database: dbmod.Database) -> None:
    """Someone with write access to the bucket swaps an artifact: the hub says it is missing
    instead of sending bytes that do not match the digest it signed."""
    store = S3Store(s3.client(), s3.bucket, "tamper")
    sha, data = _blob()
    with database.session() as session:
        store.put(session, sha, data)
        s3.client().put_object(Bucket=s3.bucket, Key=store.key(sha), Body=b"evil" + data[4:])
        with pytest.raises(storage.ArtifactMissing, match="do not match"):
            store.get(session, sha)


def test_s3_from_url_uses_boto3_environment(s3: S3Server, monkeypatch: pytest.MonkeyPatch,
                                            database: dbmod.Database) -> None:
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    store = S3Store.from_url(f"s3://{s3.bucket}/env")
    assert s3.endpoint in store.describe()
    sha, data = _blob()
    with database.session() as session:
        store.put(session, sha, data)
        assert store.get(session, sha) == data


@pytest.mark.parametrize("spec", ["s3://", "ftp://x", "postgres"])
def test_unknown_store_setting_stops_start_up(spec: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="RULEHUB_ARTIFACT_STORE"):
        storage.for_settings(Settings(data_dir=tmp_path, database_url="sqlite://", artifact_store=spec))
