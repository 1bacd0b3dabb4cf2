"""Retired signing keys lose their private files: a rotation deletes them from keys/ once it
has committed (never before, never an active key's), `rulehub admin prune-keys` cleans up
after rotations made before that, and JWT holders and TUF clients keep verifying, since they
only ever need public keys.  Each test has a hub (or data dir) of its own: it changes its keys."""

from __future__ import annotations

import logging
from pathlib import Path

import jwt
import pytest
from sqlalchemy import select

from rulehub.server import db as dbmod
from rulehub.server import tuf_repo
from rulehub.server.bootstrap import initialise_state
from rulehub.server.core import keys
from rulehub.server.models import SigningKey
from rulehub.server.settings import Settings
from tests.rulehub.conftest import admin
from tests.rulehub.tuf_scenario import first_start, install, publish, serving, trusted_root_version, tuf_client


class Boom(Exception):
    pass


def _rows(settings: Settings) -> list[SigningKey]:
    database = dbmod.Database.connect(settings)
    try:
        with database.session() as s:
            return list(s.scalars(select(SigningKey).order_by(SigningKey.id)))
    finally:
        database.dispose()


def _files(settings: Settings) -> set[str]:
    return {p.name for p in settings.keys_dir.iterdir()}


def _key_files(settings: Settings) -> set[str]:
    """The signing keys' files: all but the portal's CSRF secret, made at start-up beside them."""
    return _files(settings) - {"portal-secret"}


def _active(settings: Settings, purpose: str | None = None) -> set[str]:
    return {r.private_file for r in _rows(settings) if r.active and purpose in (None, r.purpose)}


def _retired(settings: Settings, purpose: str | None = None) -> set[str]:
    return {r.private_file for r in _rows(settings) if not r.active and purpose in (None, r.purpose)}


def test_rotation_deletes_the_retired_private_keys_and_everyone_still_verifies(fresh_url: str, tmp_path: Path) -> None:
    settings = first_start(fresh_url, tmp_path)
    with serving(settings, tmp_path) as hub:
        publisher = hub.subscriber()
        consumer = hub.subscriber(namespace=False)
        target, data = publish(hub, publisher, "keys", "1.0.0")
        client = tmp_path / "client"  # a client that trusts root version 1 and keeps its metadata
        assert install(tuf_client(hub, consumer, client, hub.client.get("/tuf/1.root.json").content), target) == data
        old_token = consumer.token
        first = _key_files(settings)
        assert first == _active(settings) and len(first) == 5

        code, out, err = admin(settings, "rotate-keys", "--jwt")
        assert code == 0, err
        assert f"the retired keys' private files are deleted from {settings.keys_dir}" in out
        (old_jwt,) = _retired(settings, "jwt")
        assert old_jwt in first and old_jwt not in _files(settings)
        assert _key_files(settings) == _active(settings)
        # A token signed by the retired key still verifies (its public half is in the JWKS) ...
        assert hub.client.get("/v1/usage", headers={"Authorization": f"Bearer {old_token}"}).status_code == 200
        old_kid = jwt.get_unverified_header(old_token)["kid"]
        assert old_kid in {k["kid"] for k in hub.client.get("/.well-known/jwks.json").json()["keys"]}
        # ... and new tokens come from the new key.
        fresh = hub.client.post("/v1/auth/token", json={"api_key": consumer.api_key}).json()["access_token"]
        assert jwt.get_unverified_header(fresh)["kid"] != old_kid

        code, _, err = admin(settings, "rotate-keys", "--tuf-role", "root", "--tuf-role", "targets")
        assert code == 0, err
        retired = _retired(settings)
        assert len(retired) == 3 and not retired & _files(settings)  # old jwt, root, targets: all gone
        assert _key_files(settings) == _active(settings) and len(_active(settings)) == 5
        code, _, err = admin(settings, "rotate-keys")  # every key at once
        assert code == 0, err
        assert _key_files(settings) == _active(settings) and not _retired(settings) & _files(settings)
        assert len(_retired(settings)) == 8

        # The server signs with its new keys, and the old client walks the root chain to them.
        target, data = publish(hub, publisher, "keys", "1.1.0")
        assert install(tuf_client(hub, consumer, client, None), target) == data
        assert trusted_root_version(client) == 3
        assert admin(settings, "tuf", "renew-root")[0] == 0  # the new root key is the one on disk


def test_a_rotation_that_does_not_commit_leaves_the_old_keys_usable(fresh_url: str, tmp_path: Path) -> None:
    settings = first_start(fresh_url, tmp_path)
    before = _files(settings)
    database = dbmod.Database.connect(settings)
    try:
        for rotate in (lambda s: keys.rotate_jwt_key(s, settings), lambda s: tuf_repo.rotate_keys(s, settings)):
            with pytest.raises(Boom), database.write_session() as s:
                rotate(s)
                raise Boom()  # e.g. the database refuses the commit
            assert before <= _files(settings)  # the new keys' orphans may stay; the old ones must
            assert _active(settings) == before
        with database.write_session() as s:  # and they still sign
            assert tuf_repo.renew_root(s, settings).version == 2
        # A retired file already gone (someone deleted it by hand) does not fail the rotation.
        with database.write_session() as s:
            old = keys.active_key(s, keys.JWT)
            keys.rotate_jwt_key(s, settings)
            (settings.keys_dir / old.private_file).unlink()
        assert not _retired(settings) & _files(settings)
        assert _active(settings) <= _files(settings)
    finally:
        database.dispose()


def test_prune_keys_deletes_files_left_by_older_rotations(
    fresh_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = first_start(fresh_url, tmp_path)
    database = dbmod.Database.connect(settings)
    try:
        with database.write_session() as s:  # what rotations did before: retire the row, keep the file
            for purpose in (keys.JWT, keys.TUF_ROOT):
                old = keys.active_key(s, purpose)
                old.active = False
                keys.generate_key(s, settings, purpose)
        (settings.keys_dir / "portal-secret").write_bytes(b"x" * 32)
        leftover = _retired(settings)
        assert len(leftover) == 2 and leftover <= _files(settings)

        with caplog.at_level(logging.WARNING, logger="rulehub.keys"):
            initialise_state(database, settings)  # a start-up reports them, and deletes nothing
        assert "2 private key file(s) of retired keys" in caplog.text and "rulehub admin prune-keys" in caplog.text
        assert leftover <= _files(settings)
    finally:
        database.dispose()

    code, out, err = admin(settings, "prune-keys")
    assert code == 0, err
    assert out.splitlines()[-1] == f"2 retired private key file(s) deleted from {settings.keys_dir}"
    assert all(f"deleted {settings.keys_dir / name}" in out for name in leftover)
    assert _files(settings) == _active(settings) | {"portal-secret"}
    code, out, _ = admin(settings, "prune-keys")
    assert code == 0 and out.strip() == f"0 retired private key file(s) deleted from {settings.keys_dir}"
