"""Opening a store: the URL, the engine, the schema (alembic), and what built it.

Every way a database can be wrong for checker (not SQLite, a foreign database, a newer schema, another
embedding or NLI model, a server that does not answer) is one ``StoreError`` line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from checker import config
from checker.errors import CheckerError, UsageError
from checker.store import schema

_MIGRATIONS = Path(__file__).with_name("migrations")
_SQLITE_MAGIC = b"SQLite format 3\x00"
T = TypeVar("T")


class StoreError(CheckerError):
    """A database checker cannot use: one line naming it and the problem."""


@dataclass(frozen=True)
class Database:
    engine: Engine
    url: str  # as shown to the user, without a password
    path: Path | None  # the SQLite file; None for a server


def default_url() -> str:
    """``CHECKER_DB``, else the SQLite file ``checker.db`` in the working directory."""
    return os.environ.get("CHECKER_DB") or config.STORE_DEFAULT_DB


def _engine_url(url: str) -> tuple[str, Path | None]:
    """The SQLAlchemy URL for a path, ``sqlite:///...`` or ``postgresql://...``, and the SQLite file."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}", Path(url).expanduser()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(f"{url}: not a database URL (give a SQLite file path or postgresql://...)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise UsageError(f"{url}: a store needs a SQLite file, not an in-memory database")
        return url, Path(parsed.database)
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False), None
    raise UsageError(f"{url}: unsupported database {backend!r} (give a SQLite file path or postgresql://...)")


def _sqlite_engine(url: str, path: Path) -> Engine:
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a SQLite database")
        with path.open("rb") as f:
            head = f.read(16)
        if head and head != _SQLITE_MAGIC:
            raise StoreError(
                f"{path}: not a SQLite database (a store is a SQLite file or a postgresql:// URL)"
            )
    elif not path.parent.exists():
        raise StoreError(f"{path}: its directory {path.parent} does not exist")
    engine = create_engine(url, connect_args={"timeout": config.STORE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record) -> None:  # noqa: ANN001 - DB-API types
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # a writer takes the write lock at the start: two writers queue on the busy timeout instead of one
        # failing when it upgrades a read lock; readers never wait (WAL)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def _shown(url: str) -> str:
    if "://" not in url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _problem(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())[:300]


def _heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory(str(_MIGRATIONS)).walk_revisions()}


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _prepare(conn: Connection, shown: str, models: dict[str, str], create: bool) -> None:
    """Create or migrate the schema; refuse a foreign database or a newer schema; record the models."""
    if conn.dialect.name == "postgresql":  # one migrating process at a time
        conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        if not tables and not create:
            raise StoreError(f"{shown}: no store there yet (checker ingest creates one)")
        if tables:
            listed = ", ".join(sorted(tables)[:5])
            raise StoreError(f"{shown}: not a checker store (it holds other tables: {listed})")
    else:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if rev is not None and rev not in _known_revisions():
            raise StoreError(
                f"{shown}: written by a newer checker (schema {rev}; this one knows up to "
                f"{', '.join(sorted(_heads()))}); upgrade checker to use it"
            )
        if "store_info" not in tables:
            raise StoreError(f"{shown}: not a checker store (it has another program's alembic_version)")
    _upgrade(conn)
    have = dict(conn.execute(select(schema.info.c.key, schema.info.c.value)).all())
    for key, value in models.items():
        if key not in have:
            conn.execute(schema.info.insert().values(key=key, value=value))


def open_database(
    url: str | None = None, models: dict[str, str] | None = None, create: bool = True
) -> Database:
    """The store at ``url`` (see ``default_url``), its schema created (unless ``create`` is false) or
    migrated to this checker's."""
    url = url or default_url()
    shown = _shown(url)
    engine_url, path = _engine_url(url)
    if path is not None and not create and not path.exists():
        raise StoreError(f"{shown}: no store there yet (checker ingest creates one)")
    if path is not None:
        engine = _sqlite_engine(engine_url, path)
    else:
        try:
            engine = create_engine(engine_url, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"{shown}: {_problem(exc)}") from None
    db = Database(engine, shown, path)
    try:
        retry(lambda: _in_transaction(db, lambda conn: _prepare(conn, shown, models or {}, create)))
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        if path is not None and "file is not a database" in str(exc):
            raise StoreError(f"{shown}: not a SQLite database (or a corrupt one)") from None
        raise StoreError(f"{shown}: cannot open the store: {_problem(exc)}") from None
    return db


def _in_transaction(db: Database, work: Callable[[Connection], T]) -> T:
    with transaction(db) as conn:
        return work(conn)


def retry(work: Callable[[], T], attempts: int = config.STORE_RETRIES) -> T:
    """``work()``, again after a lock timeout, a serialization failure or a lost race on a unique key (each
    attempt is one whole transaction, so a retry repeats nothing half done)."""
    for n in range(attempts):
        try:
            return work()
        except (OperationalError, IntegrityError) as exc:
            message = str(exc).lower()
            transient = any(
                w in message
                for w in ("locked", "busy", "could not serialize", "deadlock", "unique", "duplicate")
            )
            if not transient or n == attempts - 1:
                raise
            time.sleep(0.2 * (n + 1))
    raise AssertionError("unreachable")


@contextmanager
def transaction(db: Database) -> Iterator[Connection]:
    """A write transaction: committed whole when the block ends, rolled back whole when it raises."""
    with db.engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info.pop("write", None)


def check_models(db: Database, models: dict[str, str]) -> None:
    """Refuse a store built with another embedding or NLI model than ``models`` names."""
    with db.engine.connect() as conn:
        have = dict(conn.execute(select(schema.info.c.key, schema.info.c.value)).all())
    for key, value in models.items():
        if key in have and have[key] != value:
            raise StoreError(
                f"{db.url}: built with {key} model {have[key]!r}; this checker uses {value!r} "
                "(use a new store, or the checker that built this one)"
            )
