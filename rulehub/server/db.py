"""Engines, sessions and the schema check.

Two engines share one URL: `read` for ordinary requests and `write` for operations that
read-then-write (publish, yank, usage records).  On SQLite the write engine starts its
transactions with BEGIN IMMEDIATE so concurrent writers wait on the busy timeout instead
of failing with "database is locked"; on PostgreSQL both are the same engine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.sql import Executable
from sqlalchemy.orm import Session, sessionmaker

from rulehub.server.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaError(RuntimeError):
    """The database schema is missing or is not the one this code expects."""


def _make_engine(url: str, *, immediate: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=40,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (pysqlite quirk)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)


@dataclass
class Database:
    """The service's engines and session factories."""

    url: str
    read_engine: Engine
    write_engine: Engine
    read_session: sessionmaker[Session]
    write_session_factory: sessionmaker[Session]
    # SQLite allows one writer: queue writers of this process on a lock instead of letting
    # them poll SQLite's busy handler (which sleeps in steps and makes a long latency tail).
    local_write_lock: threading.Lock | None = field(default=None)

    @classmethod
    def connect(cls, settings: Settings) -> "Database":
        if settings.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            create_private_sqlite_file(settings.database_url)
            read = _make_engine(settings.database_url, immediate=False)
            write = _make_engine(settings.database_url, immediate=True)
        else:
            read = write = _make_engine(settings.database_url, immediate=False)
        return cls(
            url=settings.database_url,
            read_engine=read,
            write_engine=write,
            read_session=sessionmaker(read, expire_on_commit=False),
            write_session_factory=sessionmaker(write, expire_on_commit=False),
            local_write_lock=threading.Lock() if settings.is_sqlite else None,
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.read_session() as s:
            yield s

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.local_write_lock or nullcontext(), self.write_session_factory() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def create_private_sqlite_file(url: str) -> None:
    """Create the SQLite database file 0600 (in a 0700 directory when that is new) before
    SQLite opens it, and take group and other access away from an existing one: SQLite
    would create it with the process umask (world-readable: password hashes, API key hashes,
    sessions), and it gives its -wal and -shm files the database file's mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def upgrade(url: str, revision: str = "head") -> None:
    """Run Alembic migrations up to `revision` (what `rulehub db upgrade` does)."""
    from alembic import command

    create_private_sqlite_file(url)
    command.upgrade(alembic_config(url), revision)


def check_schema(engine: Engine) -> None:
    """Raise SchemaError unless the database is exactly at this code's head revision."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if current is None:
        raise SchemaError(
            "the database has no RuleHub schema; run `rulehub db upgrade` (with the same RULEHUB_DATABASE_URL) first"
        )
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if current not in known:
        raise SchemaError(
            f"the database schema ({current}) is newer than this RuleHub ({head}); upgrade RuleHub, "
            "or point RULEHUB_DATABASE_URL at a matching database"
        )
    raise SchemaError(f"the database schema is at {current}, this RuleHub needs {head}; run `rulehub db upgrade`")


def rows_changed(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE changed (`execute` is typed as a plain Result, but
    a DML statement answers with a CursorResult, which counts them)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount or 0)
