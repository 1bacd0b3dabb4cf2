"""First-start work shared by `rulehub serve` and the admin CLI: keys and TUF metadata v1."""

from __future__ import annotations

import logging

from rulehub.server import storage, tuf_repo
from rulehub.server.core import keys
from rulehub.server.db import Database
from rulehub.server.settings import Settings
from rulehub.server.storage.local import LocalStore

log = logging.getLogger("rulehub.keys")


def initialise_state(db: Database, settings: Settings) -> None:
    """Create the data dirs, the signing keys and version 1 of the TUF roles if missing (idempotent).

    Refuses to start (SystemExit) when keys/ lacks the private half of an active key the
    database names: a replica must share its keys with the others (RULEHUB_KEYS_DIR), never
    quietly sign with keys nobody else has.

    Private files of keys retired before rotations deleted them are reported, not deleted: a
    start-up (possibly of a replica with an older idea of the keys) should not destroy key
    material behind the operator's back; `rulehub admin prune-keys` does it on purpose.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: database, keys, artifacts
    store = storage.for_settings(settings)
    if isinstance(store, LocalStore):
        store.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with db.write_session() as session:
        tuf_repo.lock(session)  # replicas starting together on an empty database: one creates the keys
        keys.ensure_keys(session, settings)
        tuf_repo.initialise(session, settings)
        leftover = keys.retired_files(session, settings)
        unusable = keys.unusable_private_keys(session, settings)
    if unusable:
        raise SystemExit(
            "this server cannot sign with the database's active keys:\n  " + "\n  ".join(unusable)
            + f"\nEvery replica on one database needs the same private keys: point RULEHUB_KEYS_DIR (now "
            f"{settings.keys_dir}) at the keys/ the first server created (a shared or mounted secret directory)"
        )
    log.info("artifacts: %s; keys: %s", store.describe(), settings.keys_dir)
    if leftover:
        log.warning("%d private key file(s) of retired keys are still in %s (%s); rotation has made them useless "
                    "to the server but not to whoever copies them: run `rulehub admin prune-keys`",
                    len(leftover), settings.keys_dir, ", ".join(p.name for p in leftover))
