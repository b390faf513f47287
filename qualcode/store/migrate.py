"""Bring a project's schema to the version this program knows, safely.

A new project is created by running every migration from an empty database (the same path an
old project takes). An older project is first backed up into its backup folder (see
:mod:`qualcode.backups`), then migrated in one transaction. A project written by a newer qualcode
is refused: guessing would risk its data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from ..backups import backup as backup_file
from ..errors import SchemaError

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    """Schema revision found (None for an empty database)."""
    after: str
    backup: Path | None = None
    """The copy made before migrating an existing project."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def migrate(
    engine: Engine, name: str, sqlite_path: Path | None = None, passphrase: str | None = None
) -> MigrationResult:
    """Upgrade to the newest schema; back up an existing SQLite project first."""
    script = ScriptDirectory.from_config(_config())
    head = head_revision()
    before = current_revision(engine)
    if before == head:
        return MigrationResult(before, head)
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
        backup = backup_file(
            sqlite_path, f"before-migration-from-{before}", passphrase=passphrase
        )
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
