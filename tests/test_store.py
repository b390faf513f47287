"""The store: migrations from an empty database, models matching migrations, schema versions,
the append-only audit trail, and what SQLite is set up to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from qualcode import Project
from qualcode.errors import ConflictError, NotFoundError, SchemaError
from qualcode.store.engine import make_engine
from qualcode.store.migrate import _config, head_revision
from qualcode.store.models import Base


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_new_project_is_migrated_from_empty_and_matches_the_models(project_path: Path) -> None:
    Project.create(project_path).close()
    engine = make_engine(project_path)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head_revision()
        diff = [
            d
            for d in compare_metadata(context, Base.metadata)
            # SQLite cannot reflect expression indexes; that one is checked below instead.
            if not (d[0] == "add_index" and d[1].name == "uq_codes_sibling_name")
        ]
    assert diff == []
    with engine.connect() as connection:
        indexes = connection.exec_driver_sql("PRAGMA index_list(codes)").all()
        assert any(row[1] == "uq_codes_sibling_name" and row[2] == 1 for row in indexes)
    engine.dispose()


def test_sqlite_settings(fresh_project: Project) -> None:
    with fresh_project.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_audit_trail_refuses_update_and_delete(fresh_project: Project, statement: str) -> None:
    before = fresh_project.log()
    assert before, "creating a project is audited"
    raw = sqlite3.connect(fresh_project.sqlite_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(statement)
    raw.close()
    assert fresh_project.log() == before


def test_old_schema_is_backed_up_and_migrated(project_path: Path) -> None:
    engine = make_engine(project_path)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO settings (key, value) VALUES ('app', 'qualcode')"))
        connection.execute(
            text(
                "INSERT INTO coders (uuid, name, role, created_at) "
                "VALUES ('c0', 'ann', 'coder', '2025-01-01 00:00:00')"
            )
        )
    engine.dispose()
    with Project.open(project_path) as project:
        assert project.migration is not None
        assert project.migration.before == "0001"
        assert project.migration.after == head_revision()
        backup = project.migration.backup
        assert backup is not None and backup.exists()
        assert [c.name for c in project.coders()] == ["ann"]
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    old.close()


def test_newer_schema_is_refused(project_path: Path) -> None:
    Project.create(project_path).close()
    raw = sqlite3.connect(project_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    with pytest.raises(SchemaError, match="newer qualcode"):
        Project.open(project_path)


def test_opening_what_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such project"):
        Project.open(tmp_path / "missing.qualcode")
    text_file = tmp_path / "notes.qualcode"
    text_file.write_text("hello")
    with pytest.raises(SchemaError, match="not an SQLite database"):
        Project.open(text_file)
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(SchemaError, match="not a qualcode project"):
        Project.open(other)
    with pytest.raises(NotFoundError, match="is a folder"):
        Project.open(tmp_path)


def test_create_refuses_existing_file_and_missing_folder(tmp_path: Path) -> None:
    existing = tmp_path / "x.qualcode"
    existing.write_text("keep me")
    with pytest.raises(ConflictError, match="already exists"):
        Project.create(existing)
    assert existing.read_text() == "keep me"
    with pytest.raises(NotFoundError, match="does not exist"):
        Project.create(tmp_path / "nope" / "x.qualcode")


def test_project_by_sqlalchemy_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.qualcode'}"
    with Project.create(url) as project:
        project.add_coder("ann")
    with Project.open(url) as project:
        assert "ann" in [c.name for c in project.coders()]
