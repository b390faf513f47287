"""Bring a project's schema to the version this program knows, safely.

A new project is created by running every migration from an empty database (the same path an
old project takes). An older project is first backed up into its backup folder (see
:mod:`qualcode.store.backups`), then migrated in one transaction. A project written by a newer
qualcode is refused: guessing would risk its data.

Opening a project that is already at the newest schema, the common case, costs one plain query:
the head revision is read from the names in ``migrations/versions/`` and Alembic (with Mako and
Pygments behind it, about a fifth of a second to import) is loaded only when a migration runs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from ..errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISES = re.compile(r'^(revision|down_revision)\s*=\s*(?:"([^"]*)"|None)', re.MULTILINE)


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    """Schema revision found (None for an empty database)."""
    after: str
    backup: Path | None = None
    """The copy made before migrating an existing project."""


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision: the one no other revision names as its ``down_revision``.

    Read from the version files' ``revision = "..."`` lines, without importing Alembic; a test
    checks that this agrees with Alembic's own answer.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISES.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
        if found.get("down_revision"):
            revised.add(found["down_revision"])
    heads = revisions - revised
    if len(heads) != 1:
        raise SchemaError(f"qualcode's own migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The project's schema revision, by one plain query (None for a database without one)."""
    with engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except DatabaseError:
            connection.rollback()
            if inspect(connection).has_table("alembic_version"):
                raise  # the table is there but cannot be read: not ours to hide
            return None  # an empty database, or tables that are not a project's
    if len(rows) > 1:
        raise SchemaError("the project's schema has several revisions; qualcode keeps one")
    return rows[0][0] if rows else None


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def migrate(
    engine: Engine, name: str, sqlite_path: Path | None = None, passphrase: str | None = None
) -> MigrationResult:
    """Upgrade to the newest schema; back up an existing SQLite project first."""
    head = head_revision()
    before = current_revision(engine)
    if before == head:
        return MigrationResult(before, head)
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    if before is None and has_tables(engine):
        raise SchemaError(f"{name}: this database holds tables but is not a qualcode project")
    if before is not None:
        try:
            script.get_revision(before)
        except Exception as exc:  # alembic raises several kinds for an unknown revision
            raise SchemaError(
                f"{name}: this project was written by a newer qualcode (schema {before}); "
                "upgrade qualcode to open it"
            ) from exc
    backup = None
    if before and sqlite_path:
        from .backups import backup as backup_file  # loaded only when a migration runs

        backup = backup_file(sqlite_path, f"before-migration-from-{before}", passphrase=passphrase)
    config = _config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Table rebuilds in SQLite migrations would otherwise fire ON DELETE actions.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise SchemaError(f"{name}: migration broke references: {broken[:3]}")
        finally:
            if sqlite:
                connection.invalidate()  # the pool hands out a fresh connection, keys ON
    return MigrationResult(before, head, backup)
