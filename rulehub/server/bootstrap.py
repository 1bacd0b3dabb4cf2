"""First-start work shared by `rulehub serve` and the admin CLI: keys and TUF metadata v1."""

from __future__ import annotations

from rulehub.server import tuf_repo
from rulehub.server.core import keys
from rulehub.server.db import Database
from rulehub.server.settings import Settings


def initialise_state(db: Database, settings: Settings) -> None:
    """Create the data dirs, the signing keys and version 1 of the TUF roles if missing (idempotent)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.artifacts_dir.mkdir(parents=True, exist_ok=True)
    with db.write_session() as session:
        keys.ensure_keys(session, settings)
        tuf_repo.initialise(session, settings)
