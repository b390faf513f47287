"""Engines from a project path or a SQLAlchemy URL, with the SQLite settings a project needs.

A plain path means one SQLite file; anything with ``://`` is a SQLAlchemy URL (PostgreSQL for a
team). SQLite runs in WAL mode with foreign keys on, a busy timeout and ``synchronous=FULL``: a
coding the UI shows as done has reached the disk. Transactions are opened explicitly (the
driver's own implicit transactions are turned off) so that DDL in migrations is transactional and
writers take the lock up front with ``BEGIN IMMEDIATE`` instead of failing on upgrade.
Every engine hides SQL parameters (transcript text, memos) from its error messages.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import QueuePool

from ..errors import QualcodeError
from ..files import create_private
from . import cipher

SQLITE_MAGIC = b"SQLite format 3\x00"
WRITE_OPTION = "qualcode_write"


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def display_name(target: str | Path) -> str:
    """The project as it may be shown to a user: a path, or a URL without its password."""
    if is_url(target):
        try:
            return make_url(str(target)).render_as_string(hide_password=True)
        except ArgumentError:
            return "<invalid URL>"
    return str(target)


class ConnectionProblem(QualcodeError):
    """The database server cannot be reached or refuses us."""


class PasswordNeeded(ConnectionProblem):
    """The server wants a password that was not given (or a different one)."""


PASSWORD_HINTS = ("password authentication failed", "no password supplied", "password is required")


def check_connection(engine: Engine, name: str) -> None:
    """Connect once, turning a failure into one line (PasswordNeeded when it is the password)."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig else str(exc)
        if any(hint in detail.lower() for hint in PASSWORD_HINTS):
            raise PasswordNeeded(
                f"{name}: the server wants a password (set PGPASSWORD, or type it when asked)"
            ) from None
        raise ConnectionProblem(f"{name}: cannot connect ({detail[:300]})") from None


def make_engine(
    target: str | Path, passphrase: str | None = None, *, password: str | None = None
) -> Engine:
    """Create the engine for a project path or URL (no connection is made yet); with a
    ``passphrase``, the project file is (or will be) encrypted with SQLCipher; ``password``
    goes to the database server (it is kept out of the URL anyone sees)."""
    if is_url(target):
        try:
            url = make_url(str(target))
        except ArgumentError as exc:
            raise QualcodeError(
                f"{display_name(target)}: not a valid database URL ({exc})"
            ) from exc
        if password is not None:
            url = url.set(password=password)
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url.render_as_string(hide_password=False))
        try:
            return create_engine(url, pool_pre_ping=True, hide_parameters=True)
        except ModuleNotFoundError as exc:
            raise QualcodeError(
                f"{display_name(target)}: the database driver is not installed ({exc.name})"
            ) from exc
    # A new project file is its owner's alone (0600); SQLite gives its WAL the same mode.
    if str(target) != ":memory:":
        create_private(target)
    if passphrase is not None:
        return _sqlite_engine(f"sqlite:///{Path(target)}", passphrase)
    return _sqlite_engine(f"sqlite:///{Path(target)}")


def _sqlite_engine(url: str, passphrase: str | None = None) -> Engine:
    if passphrase is None:
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
    else:
        # The pysqlite dialect over the SQLCipher module (same API, same exceptions); the key
        # is the first statement on every new connection, in _on_connect below.
        engine = create_engine(
            url,
            module=cipher.cipher_module(),
            poolclass=QueuePool,
            connect_args={"timeout": 30},
            hide_parameters=True,
        )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if passphrase is not None:
            cipher.apply_key(dbapi_connection, passphrase)
        # Take transaction control away from the sqlite3 module; "begin" below opens them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not url.endswith(":memory:") and url != "sqlite://":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_MAGIC
