"""The TUF root key kept offline: exporting it, what keeps working without it, what needs it
back (`--root-key`), renewing root by hand and by the server, and clients (python-tuf's
ngclient) following every new root.  Each test has a hub of its own: it changes its keys."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from securesystemslib.signer import SSlibKey
from sqlalchemy import select
from tuf.api.metadata import Metadata

from rulehub.server import db as dbmod
from rulehub.server.bootstrap import initialise_state
from rulehub.server.core import keys
from rulehub.server.models import SigningKey
from rulehub.server.settings import Settings
from tests.rulehub.conftest import HubServer, admin
from tests.rulehub.tuf_scenario import first_start, install, publish, serving, trusted_root_version, tuf_client

DAY = 86400.0
OFFLINE_WARNING = "the root key is offline, so the server cannot renew it"


def _root_files(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.keys_dir.glob("tuf-root-*"))


def _served_root(hub: HubServer) -> Metadata:
    r = hub.client.get("/tuf/root.json")
    assert r.status_code == 200, r.text
    return Metadata.from_bytes(r.content)


def _metric(hub: HubServer, name: str) -> float:
    return _metric_in(hub.client.get("/metrics").text, name)


def _metric_in(text: str, name: str) -> float:
    values = [float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " ")]
    assert len(values) == 1, text
    return values[0]


def test_exported_root_key_leaves_the_server_which_keeps_serving(fresh_url: str, tmp_path: Path) -> None:
    settings = first_start(fresh_url, tmp_path)
    with serving(settings, tmp_path) as hub:
        publisher = hub.subscriber()
        yanked, _ = publish(hub, publisher, "before", "1.0.0")
        [root_file] = _root_files(settings)
        with hub.database.session() as s:
            row = keys.active_key(s, keys.TUF_ROOT)
        assert row is not None

        taken = tmp_path / "taken.pem"
        taken.write_text("someone's file")
        code, _, err = admin(settings, "tuf", "export-root-key", "--out", str(taken))
        assert code == 2 and "already exists" in err
        assert taken.read_text() == "someone's file" and _root_files(settings) == [root_file]

        out = tmp_path / "vault" / "root.pem"
        out.parent.mkdir()
        code, stdout, err = admin(settings, "tuf", "export-root-key", "--out", str(out))
        assert code == 0, err
        assert f"deleted from {settings.keys_dir}" in stdout and "renew-root --root-key" in stdout
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert keys.same_key(keys.read_key_file(out), row)
        assert _root_files(settings) == []
        code, _, err = admin(settings, "tuf", "export-root-key", "--out", str(tmp_path / "again.pem"))
        assert code == 2 and "already offline" in err and not (tmp_path / "again.pem").exists()
        code, stdout, _ = admin(settings, "tuf", "status")
        assert code == 0 and "root key offline" in stdout

        # Start-up (as `rulehub serve` runs it) keeps the offline key: no new root key, no new root.
        root_version = _served_root(hub).signed.version
        database = dbmod.Database.connect(settings)
        try:
            initialise_state(database, settings)
        finally:
            database.dispose()
        with hub.database.session() as s:
            rows = s.scalars(select(SigningKey).where(SigningKey.purpose == keys.TUF_ROOT)).all()
        assert [(r.kid, r.active) for r in rows] == [(row.kid, True)]
        assert _root_files(settings) == []
        assert _served_root(hub).signed.version == root_version

        # Publishing, yanking and installing need no root key.
        target, data = publish(hub, publisher, "after", "1.0.0")
        assert publisher.post(f"/v1/packs/{publisher.namespace}/before/1.0.0/yank").status_code == 200
        consumer = hub.subscriber(namespace=False)
        updater = tuf_client(hub, consumer, tmp_path / "client", hub.client.get("/tuf/1.root.json").content)
        assert install(updater, target) == data
        assert updater.get_targetinfo(yanked).custom["yanked"] is True
        assert _metric(hub, "rulehub_tuf_root_key_online") == 0


def test_signing_a_new_root_needs_the_offline_key_and_clients_follow_the_rotation(fresh_url: str, tmp_path: Path) -> None:
    settings = first_start(fresh_url, tmp_path)
    with serving(settings, tmp_path) as hub:
        publisher = hub.subscriber()
        consumer = hub.subscriber(namespace=False)
        target, data = publish(hub, publisher, "rot", "1.0.0")
        # A client that trusts today's root and keeps its metadata between runs.
        client = tmp_path / "client"
        assert install(tuf_client(hub, consumer, client, hub.client.get("/tuf/root.json").content), target) == data
        root_pem = tmp_path / "root.pem"
        assert admin(settings, "tuf", "export-root-key", "--out", str(root_pem))[0] == 0

        before = _served_root(hub)
        files = sorted(os.listdir(settings.keys_dir))
        with hub.database.session() as s:
            jwt_kid = keys.active_key(s, keys.JWT).kid
            targets_pem = settings.keys_dir / keys.active_key(s, "tuf-targets").private_file
        refused = [
            (("rotate-keys",), "pass the exported key file with --root-key FILE"),
            (("rotate-keys", "--tuf-role", "timestamp"), "--root-key FILE"),
            (("tuf", "renew-root"), "--root-key FILE"),
            (("rotate-keys", "--tuf-role", "targets", "--root-key", str(targets_pem)), "not the active TUF root key"),
            (("rotate-keys", "--tuf-role", "root", "--root-key", str(root_pem)), "add --new-root-key-out FILE"),
        ]
        for args, message in refused:
            code, out, err = admin(settings, *args)
            assert code == 2 and message in err, (args, out, err)
            assert _served_root(hub).signed.version == before.signed.version
            assert sorted(os.listdir(settings.keys_dir)) == files
        with hub.database.session() as s:
            assert keys.active_key(s, keys.JWT).kid == jwt_kid

        # Another role's rotation is signed with the offline key, which stays offline.
        code, _, err = admin(settings, "rotate-keys", "--tuf-role", "targets", "--root-key", str(root_pem))
        assert code == 0, err
        assert _served_root(hub).signed.version == before.signed.version + 1 and _root_files(settings) == []

        # Rotating root itself: the new root key goes to the named file only.
        new_pem = tmp_path / "root-2.pem"
        code, out, err = admin(settings, "rotate-keys", "--tuf-role", "root", "--root-key", str(root_pem),
                                "--new-root-key-out", str(new_pem))
        assert code == 0, err
        assert f"{new_pem} (0600) only" in out
        assert stat.S_IMODE(new_pem.stat().st_mode) == 0o600 and _root_files(settings) == []
        rotated = _served_root(hub)
        assert rotated.signed.version == before.signed.version + 2
        new_key = keys.read_key_file(new_pem)
        assert rotated.signed.roles["root"].keyids == [SSlibKey.from_crypto(new_key.public_key()).keyid]
        previous = Metadata.from_bytes(hub.client.get(f"/tuf/{rotated.signed.version - 1}.root.json").content)
        previous.verify_delegate("root", rotated)  # signed by the old root key ...
        rotated.verify_delegate("root", rotated)  # ... and by the new one
        code, _, err = admin(settings, "tuf", "renew-root", "--root-key", str(root_pem))
        assert code == 2 and "not the active TUF root key" in err

        # The client walks from the root it trusted to the new one and verifies a new pack.
        target, data = publish(hub, publisher, "rot", "1.1.0")
        assert install(tuf_client(hub, consumer, client, None), target) == data
        assert trusted_root_version(client) == rotated.signed.version


def test_offline_root_near_expiry_is_reported_then_renewed_by_hand(fresh_url: str, tmp_path: Path) -> None:
    settings = first_start(fresh_url, tmp_path, tuf_root_days=5)
    with serving(settings, tmp_path) as hub:
        publisher = hub.subscriber()
        consumer = hub.subscriber(namespace=False)
        target, data = publish(hub, publisher, "renew", "1.0.0")
        client = tmp_path / "client"
        assert install(tuf_client(hub, consumer, client, hub.client.get("/tuf/1.root.json").content), target) == data
        assert _metric(hub, "rulehub_tuf_root_key_online") == 1
        root_pem = tmp_path / "root.pem"
        assert admin(settings, "tuf", "export-root-key", "--out", str(root_pem))[0] == 0

        # Five days left and nothing on the server can renew it: /metrics says so, the log warns once.
        for _ in range(3):
            assert 4 * DAY < _metric(hub, "rulehub_tuf_root_expires_seconds") <= 5 * DAY
        assert _metric(hub, "rulehub_tuf_root_key_online") == 0
        assert (settings.data_dir / "server.log").read_text().count(OFFLINE_WARNING) == 1

        first = _served_root(hub)
        code, out, err = admin(settings, "tuf", "renew-root", "--root-key", str(root_pem))
        assert code == 0, err
        assert f"version {first.signed.version + 1}" in out
        renewed = _served_root(hub)
        assert renewed.signed.version == first.signed.version + 1
        assert renewed.signed.expires - first.signed.expires > timedelta(days=359)
        assert renewed.signed.keys == first.signed.keys and renewed.signed.roles == first.signed.roles
        first.verify_delegate("root", renewed)
        assert _metric(hub, "rulehub_tuf_root_expires_seconds") > 364 * DAY

        target, data = publish(hub, publisher, "renew", "1.1.0")
        assert install(tuf_client(hub, consumer, client, None), target) == data
        assert trusted_root_version(client) == renewed.signed.version


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
@pytest.mark.parametrize("root_key", ["online", "offline"])
def test_refresh_renews_root_near_expiry_while_its_key_is_online(
    fresh_url: str, tmp_path: Path, root_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Root and timestamp both made to last one day, then served by a hub whose roots last 4
    days and timestamps 3: both are past half their lifetime when timestamp.json is asked for."""
    from fastapi.testclient import TestClient

    from rulehub.server.app import create_app

    settings = first_start(fresh_url, tmp_path, tuf_root_days=1)
    if root_key == "offline":
        assert admin(settings, "tuf", "export-root-key", "--out", str(tmp_path / "root.pem"))[0] == 0
    app = create_app(settings.with_(tuf_root_days=4, tuf_timestamp_days=3))
    try:
        client = TestClient(app)
        first = Metadata.from_bytes(client.get("/tuf/1.root.json").content)
        with caplog.at_level(logging.INFO, logger="rulehub.tuf"):
            timestamp = Metadata.from_bytes(client.get("/tuf/timestamp.json").content)
        root = Metadata.from_bytes(client.get("/tuf/root.json").content)
        metrics = client.get("/metrics").text
    finally:
        app.state.hub.db.dispose()
    assert timestamp.signed.version == 2  # the refresh itself never needs the root key
    root.verify_delegate("timestamp", timestamp)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    if root_key == "online":
        assert root.signed.version == 2
        assert root.signed.expires - first.signed.expires > timedelta(days=2, hours=23)
        first.verify_delegate("root", root)
        assert root.signed.keys == first.signed.keys
        assert warnings == []
        assert 3.9 * DAY < _metric_in(metrics, "rulehub_tuf_root_expires_seconds") <= 4 * DAY
    else:
        assert root.signed.version == 1
        assert len(warnings) == 1 and OFFLINE_WARNING in warnings[0]
        assert "rulehub admin tuf renew-root --root-key FILE" in warnings[0]
        assert _metric_in(metrics, "rulehub_tuf_root_expires_seconds") < DAY
