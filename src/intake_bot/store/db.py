"""The database connection, its one transaction scope, and migrations on open."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConfigError, IntakeError, TransientError, UsageError
from ..paths import data_dir
from .readonly import open_for_reading
from .revision import SCHEMA_HEAD  # the newest migration (a module of its own: see revision.py)

MIGRATION_LOCK_KEY = 0x1A7AC3B0  # pg_advisory_lock key held while migrating
LOCK_WAIT_SECONDS = 30.0  # how long a SQLite command waits for another process's lock


class Database:
    def __init__(self, url: str, create: bool = True, readonly: bool = False) -> None:
        """CREATE: a SQLite file that does not exist yet is made (never its folder); else it is an error.
        READONLY: nothing is written to the database or beside it (store/readonly.py); never migrated."""
        self.url = url
        self.readonly = readonly
        self.engine = _read_engine(url) if readonly else _engine(url, create)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._before_commit: list[Callable[[], None]] = []

    def before_commit(self, hook: Callable[[], None]) -> None:
        """Call HOOK before every commit: what a transaction refers to outside the database (stored
        files) is on disk before the database says it is there."""
        if hook not in self._before_commit:
            self._before_commit.append(hook)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The one place a transaction begins and ends: commit on success, else roll back."""
        with explained(self.url), self._sessions() as session, session.begin():
            yield session
            for hook in self._before_commit:
                hook()

    def revision(self) -> str | None:
        with explained(self.url), self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command  # imported here: only needed when the schema changes

        with explained(self.url):
            command.upgrade(alembic_config(self.url), revision)

    def ensure_schema(self) -> None:
        """Bring a new or older database up to date, through the migrations."""
        current = self.revision()
        if current != SCHEMA_HEAD and self.readonly:
            raise UsageError(
                f"database {safe_url(self.url)} is at schema {current or 'none'}, this intake-bot reads"
                f" {SCHEMA_HEAD}; run `intake-bot db upgrade`"
            )
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


def open_database(url: str, create: bool = True, readonly: bool = False) -> Database:
    db = Database(url, create, readonly)
    db.ensure_schema()
    return db


@contextmanager
def explained(url: str) -> Iterator[None]:
    """A database that is damaged, locked or unreachable is one line that says so (and what to do),
    with its exit code; any other database error stays what it is."""
    try:
        yield
    except DBAPIError as exc:
        problem = database_problem(exc, url)
        if problem is None:
            raise
        raise problem from exc


def database_problem(exc: DBAPIError, url: str) -> IntakeError | None:
    reason = (str(exc.orig) or type(exc.orig).__name__).strip().splitlines()[0]
    sqlite = make_url(url).get_backend_name() == "sqlite"
    where = make_url(url).database if sqlite else safe_url(url)
    said = reason.lower()
    if "locked" in said or "could not obtain lock" in said:
        return TransientError(f"database {where} is locked by another process ({reason}); try again later")
    if sqlite and any(word in said for word in ("not a database", "malformed", "disk image")):
        return IntakeError(f"database file {where} is damaged ({reason}); restore it from a backup")
    if sqlite and "unable to open" in said:
        return IntakeError(
            f"cannot open database file {where} ({reason}); check it and its folder's permissions"
        )
    if not sqlite and isinstance(exc, OperationalError):
        return TransientError(f"cannot reach database {where}: {reason}")
    return None


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database url>"


def _parsed(url: str):
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"[database] url is not a database URL: {safe_url(url)}") from exc


def _engine(url: str, create: bool = True) -> Engine:
    parsed = _parsed(url)
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (ModuleNotFoundError, NoSuchModuleError) as exc:
            raise ConfigError(
                f"[database] url {safe_url(url)} needs a driver that is not installed ({exc}): "
                "pip install 'intake-bot[postgres]' and use postgresql+psycopg://"
            ) from exc
    if parsed.database and parsed.database != ":memory:":
        database = Path(parsed.database)
        if not database.exists():
            missing_sqlite_file(database, create)
            _create_private_file(database)
    wait = lock_wait(parsed)
    engine = create_engine(url, connect_args={"timeout": wait})
    event.listen(engine, "connect", lambda conn, record: _sqlite_pragmas(conn, record, wait))
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _read_engine(url: str) -> Engine:
    """An engine that only reads: a SQLite file is opened as store/readonly.py says."""
    parsed = _parsed(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return _engine(url, create=False)
    database = Path(parsed.database)
    if not database.exists():
        missing_sqlite_file(database, create=False)
    engine = create_engine("sqlite://", creator=lambda: open_for_reading(database, check_same_thread=False))
    event.listen(engine, "connect", _sqlite_read_pragmas)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA busy_timeout=30000")


def lock_wait(parsed: URL) -> float:
    """Seconds to wait for a lock another process holds before giving up (exit 75): the SQLite
    URL's `?timeout=` (as pysqlite reads it), else 30."""
    value = parsed.query.get("timeout", LOCK_WAIT_SECONDS)
    try:
        return max(0.0, float(value))  # type: ignore[arg-type]  # a repeated ?timeout= is a TypeError
    except (TypeError, ValueError):
        raise ConfigError(f"[database] url: timeout must be a number of seconds, not {value!r}") from None


def _sqlite_pragmas(dbapi_conn, _record, wait: float = LOCK_WAIT_SECONDS) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")  # before WAL: switching to it may wait too
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin_immediate(conn) -> None:
    """Take the write lock at BEGIN: two processes then queue (busy_timeout) instead of deadlocking
    when both try to upgrade a read lock."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def missing_sqlite_file(database: Path, create: bool) -> None:
    """A SQLite file that is not there: a mistake unless this command may create it (then its folder
    must exist: a misspelt path must not quietly grow a new tree)."""
    if not create:
        raise UsageError(f"no database at {database}; run `intake-bot db upgrade` (or check [database] url)")
    if not database.parent.is_dir():
        raise ConfigError(
            f"the folder of the database {database} does not exist; create it (intake-bot never does)"
            " or correct [database] url"
        )


def _create_private_file(path: Path) -> None:
    """The database holds applicants' data: readable by its owner only."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise ConfigError(f"cannot create database file {path}: {exc.strerror}") from exc
