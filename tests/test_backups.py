"""Backups of a project file (qualcode.store.backups and ``qualcode backups``): made, listed and
restored."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from qualcode import Project
from qualcode.cli import main
from qualcode.errors import ConflictError, QualcodeError
from qualcode.store.backups import backup, backup_folder, list_backups, restore
from qualcode.store.engine import make_engine
from qualcode.store.migrate import _config
from qualcode.store.sqlite_files import (
    SIDE_SUFFIXES,
    backups_beside,
    remove_database,
    remove_side_files,
)


def _codes(path: Path) -> list[str]:
    with Project.open(path) as project:
        return sorted(c.path for c in project.codes())


def _damage(path: Path) -> None:
    """Overwrite the second page (past the header) with garbage."""
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xa5" * 4096)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def made(project_path: Path) -> Path:
    """A closed project holding the code 'old'."""
    with Project.create(project_path, actor="tester") as project:
        project.add_code("old")
    return project_path


def test_backup_is_a_complete_single_file_listed_with_its_reason(made: Path) -> None:
    with Project.open(made) as project:  # open and in WAL mode while it is copied
        project.add_code("while open")
        first = backup(made, "Before big recode!")
    second = backup(made)
    assert first.parent == backup_folder(made) == made.with_name("study.qualcode.backups")
    assert first.name.endswith("-before-big-recode.qualcode") and first != second
    assert first.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: no -wal file needed
    assert _codes(first) == ["old", "while open"]
    found = list_backups(made)
    assert [(b.path, b.reason) for b in found] == [
        (first, "before-big-recode"),
        (second, "manual"),
    ]
    assert all(b.size == b.path.stat().st_size > 0 for b in found)
    assert abs(datetime.now(UTC) - found[0].created) < timedelta(minutes=1)
    assert not [p for p in backup_folder(made).iterdir() if p.name.startswith(".")]


def test_restore_brings_back_the_old_content_and_keeps_the_current_one(made: Path) -> None:
    saved = backup(made, "good state")
    with Project.open(made) as project:
        project.add_code("new")
    kept = restore(made, saved.name)  # a name in the backup folder, or a path
    assert _codes(made) == ["old"]
    assert kept is not None and "-before-restore" in kept.name
    assert _codes(kept) == ["new", "old"]
    assert [b.reason for b in list_backups(made)] == ["good-state", "before-restore"]
    connection = sqlite3.connect(made)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(made: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.qualcode"
    shutil.copy(backup(made), damaged)
    _damage(damaged)
    not_sqlite = tmp_path / "notes.qualcode"
    not_sqlite.write_text("not a database\n", encoding="utf-8")
    before = made.read_bytes()
    for bad in (damaged, not_sqlite):
        with pytest.raises(QualcodeError, match="damaged or not a qualcode project") as caught:
            restore(made, bad)
        assert "\n" not in str(caught.value)
    assert made.read_bytes() == before
    assert [b.reason for b in list_backups(made)] == ["manual"]  # no before-restore made


def test_restore_refuses_a_project_open_elsewhere(made: Path) -> None:
    saved = backup(made)
    with Project.open(made) as project:
        project.add_code("new")
        with pytest.raises(ConflictError, match="close it"):
            restore(made, saved)
        assert sorted(c.path for c in project.codes()) == ["new", "old"]


def test_a_migration_backup_lands_in_the_backup_folder(project_path: Path) -> None:
    engine = make_engine(project_path)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO settings (key, value) VALUES ('app', 'qualcode')"))
    engine.dispose()
    with Project.open(project_path) as project:
        assert project.migration is not None
        made = project.migration.backup
    assert [(b.path, b.reason) for b in list_backups(project_path)] == [
        (made, "before-migration-from-0001")
    ]


def test_urls_are_refused_in_one_line() -> None:
    with pytest.raises(QualcodeError, match="project files only"):
        backup("postgresql://ann:secret@db/study", "x")


def test_cli_end_to_end(made: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(made)
    code, out, _ = run(capsys, "backups", "list", project)
    assert code == 0 and out.startswith("no backups of")
    code, out, _ = run(capsys, "backups", "create", project, "--reason", "before coding")
    assert code == 0 and "-before-coding.qualcode" in out
    with Project.open(made) as opened:
        opened.add_code("new")
    code, out, _ = run(capsys, "backups", "list", project, "--json")
    listed = json.loads(out)
    assert code == 0 and [b["reason"] for b in listed] == ["before-coding"]
    code, out, _ = run(capsys, "backups", "list", project)
    assert code == 0 and "before-coding" in out and Path(listed[0]["path"]).name in out

    code, out, _ = run(capsys, "backups", "restore", project, Path(listed[0]["path"]).name)
    assert code == 0 and "restored" in out and "before-restore" in out
    assert _codes(made) == ["old"]

    damaged = tmp_path / "damaged.qualcode"
    shutil.copy(listed[0]["path"], damaged)
    _damage(damaged)
    for args in (
        ("backups", "restore", project, str(damaged)),
        ("backups", "restore", project, "no-such-backup.qualcode"),
        ("backups", "create", "postgresql://ann:secret@db/study"),
    ):
        code, out, err = run(capsys, *args)
        assert code == 1 and out == "", args
        assert err.startswith("qualcode: error: ") and err.count("\n") == 1, err
        assert "secret" not in err
    assert _codes(made) == ["old"]


def test_a_database_is_removed_with_its_log_index_and_journal(tmp_path: Path) -> None:
    path = tmp_path / "gone.qualcode"
    with sqlite3.connect(path) as made:
        made.execute("CREATE TABLE t (x)")
    made.close()
    sides = [Path(f"{path}{suffix}") for suffix in SIDE_SUFFIXES]
    for side in sides:  # as a crash leaves them
        side.write_bytes(b"left behind")
    other = tmp_path / "gone.qualcode.notes"
    other.write_text("not the database's", encoding="utf-8")
    assert backups_beside(path) == backup_folder(path) == tmp_path / "gone.qualcode.backups"

    remove_side_files(path)
    assert path.exists() and not any(side.exists() for side in sides)
    for side in sides:
        side.write_bytes(b"left behind")
    remove_database(path)
    remove_database(path)  # nothing left to remove is no error
    assert list(tmp_path.iterdir()) == [other]
