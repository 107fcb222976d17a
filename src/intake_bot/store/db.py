"""The database connection, its one transaction scope, and migrations on open."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConfigError, IntakeError
from ..paths import data_dir
from .revision import SCHEMA_HEAD  # the newest migration (a module of its own: see revision.py)

MIGRATION_LOCK_KEY = 0x1A7AC3B0  # pg_advisory_lock key held while migrating


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The one place a transaction begins and ends: commit on success, else roll back."""
        with self._sessions() as session, session.begin():
            yield session

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command  # imported here: only needed when the schema changes

        command.upgrade(alembic_config(self.url), revision)

    def ensure_schema(self) -> None:
        """Bring a new or older database up to date, through the migrations."""
        try:
            current = self.revision()
        except OperationalError as exc:
            raise IntakeError(f"cannot open database {safe_url(self.url)}: {exc.orig}") from exc
        if current != SCHEMA_HEAD:
            with self._migration_lock():  # two first runs at once: one migrates, the other waits
                if self.revision() != SCHEMA_HEAD:
                    self.upgrade()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        url = make_url(self.url)
        if url.get_backend_name() == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                    conn.commit()
        elif url.database and url.database != ":memory:":
            fd = os.open(f"{url.database}.migrate-lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)
        else:
            yield


def alembic_config(url: str):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(data_dir("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def open_database(url: str) -> Database:
    db = Database(url)
    db.ensure_schema()
    return db


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database url>"


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"[database] url is not a database URL: {safe_url(url)}") from exc
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        _create_private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn) -> None:
    """Take the write lock at BEGIN: two processes then queue (busy_timeout) instead of deadlocking
    when both try to upgrade a read lock."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _create_private_file(path: Path) -> None:
    """The database holds applicants' data: readable by its owner only."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise ConfigError(f"cannot create database file {path}: {exc.strerror}") from exc
