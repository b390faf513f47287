"""Backups of a project file: made, listed and restored with SQLite's online backup API.

A project ``study.qualcode`` keeps its backups in the folder ``study.qualcode.backups/`` beside it,
one self-contained SQLite file per backup, named by the UTC time and the reason it was made:
``20261125T211500Z-before-migration-from-0001.qualcode``. The backup API copies a consistent
snapshot even while the project is open and being written (WAL mode included). A backup is
written under a temporary name and renamed when complete, so a crash never leaves a half-written
file that looks like a backup.

A backup of an encrypted project is encrypted with the same passphrase (SQLCipher's backup API
copies pages between two connections keyed alike), so no plaintext copy is ever written.

Restoring first backs up the current file (reason ``before-restore``), then writes the backup
into a temporary file beside the project and renames it over the project, so the project is
always either the old file or the restored one. Only project files are covered: a database
server (a URL) is backed up with its own tools.

A restore does not roll the audit trail back. The entries the backup lacks (what the restore
undoes) are copied into the restored project, each as ``undone.<action>`` with its original
actor and time, followed by a ``project.restore`` entry naming the backup, who restored it and
the ``before-restore`` copy that holds everything as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ConflictError, Hint, NotFoundError, QualcodeError
from ..files import create_private
from . import cipher
from .actors import default_actor
from .engine import display_name, is_url, looks_like_sqlite
from .sqlite_files import backups_beside, remove_side_files

STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{6}Z)-(?P<reason>[a-z0-9-]+?)(?:\.(?P<n>\d+))?$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    """When the backup was made (UTC, to the second, read from the file name)."""
    reason: str
    size: int
    """Bytes."""


def backup_folder(project_path: str | Path) -> Path:
    """Where the backups of a project file are kept: ``<project>.backups`` beside it."""
    return backups_beside(_project_file(project_path))


def backup(
    project_path: str | Path, reason: str = "manual", *, passphrase: str | None = None
) -> Path:
    """Copy a project file (open or not) into its backup folder; return the new file.

    An encrypted project needs its ``passphrase``; the backup is encrypted with it."""
    path = _project_file(project_path)
    if not path.is_file():
        raise NotFoundError(f"{path}: no such project file to back up")
    passphrase = _needed(path, passphrase)
    if passphrase is None and not looks_like_sqlite(path):
        raise QualcodeError(f"{path}: not an SQLite database, so not backed up")
    folder = backup_folder(path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime(STAMP)
    stem, suffix = f"{stamp}-{_slug(reason)}", path.suffix or ".qualcode"
    # Backups made within the same second are numbered .2, .3, ... in the order they were made.
    number = len(list(folder.glob(f"{stamp}-*"))) + 1
    target = folder / (f"{stem}.{number}{suffix}" if number > 1 else f"{stem}{suffix}")
    while target.exists():
        number += 1
        target = folder / f"{stem}.{number}{suffix}"
    partial = folder / f".{target.name}.partial"
    try:
        _copy(path, partial, passphrase)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    _fsync_folder(folder)
    return target


def list_backups(project_path: str | Path) -> list[BackupInfo]:
    """The backups of a project file, oldest first (the project itself need not exist)."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    found: list[tuple[datetime, int, BackupInfo]] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.stem)
        if match is None or entry.name.startswith(".") or not entry.is_file():
            continue
        created = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
        info = BackupInfo(entry, created, match["reason"], entry.stat().st_size)
        found.append((created, int(match["n"] or 1), info))
    return [info for *_, info in sorted(found, key=lambda item: item[:2])]


def find_backup(project_path: str | Path, backup_path: str | Path) -> Path:
    """A backup given by its path, or by its file name in the project's backup folder."""
    given = Path(backup_path)
    if given.is_file():
        return given
    in_folder = backup_folder(project_path) / given.name
    if given.name == str(backup_path) and in_folder.is_file():
        return in_folder
    raise NotFoundError(
        f"{backup_path}: no such backup", Hint("backups-list", project=project_path)
    )


def check_backup(backup_path: str | Path, *, passphrase: str | None = None) -> None:
    """Raise unless the file is an intact qualcode project (``PRAGMA integrity_check``)."""
    path = Path(backup_path)
    problem = _problem(path, _needed(path, passphrase) if path.is_file() else None)
    if problem:
        raise QualcodeError(f"{path}: damaged or not a qualcode project ({problem}); not used")


def restore(
    project_path: str | Path,
    backup_path: str | Path,
    *,
    passphrase: str | None = None,
    actor: str | None = None,
) -> Path | None:
    """Replace a project file by a backup, atomically, after backing up the current file.

    Returns that ``before-restore`` backup (None when there was no project file to keep).
    Refuses a backup that fails ``PRAGMA integrity_check``, and a project open elsewhere. The
    restored project's audit trail records the restore (by ``actor``, else $QUALCODE_USER or
    the login name) and keeps, marked undone, the entries of what the restore took back.
    """
    path = _project_file(project_path)
    source = find_backup(path, backup_path)
    source_key = _needed(source, passphrase)
    check_backup(source, passphrase=source_key)
    if not path.parent.is_dir():
        raise NotFoundError(f"{path}: the folder {path.parent} does not exist")
    kept = current_key = None
    if path.exists():
        current_key = _needed(path, passphrase)
        _leave_wal(path, current_key)
        kept = backup(path, "before-restore", passphrase=current_key)
    restoring = path.with_name(f".{path.name}.restoring")
    try:
        _copy(source, restoring, source_key)
        who = actor or default_actor()
        _record_restore(restoring, source_key, source, (kept, current_key), who)
        remove_side_files(path)
        os.replace(restoring, path)
    except BaseException:
        restoring.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return kept


_EVENT = "at, actor, action, entity_type, entity_uuid, payload"


def _record_restore(
    restored: Path,
    passphrase: str | None,
    source: Path,
    previous: tuple[Path | None, str | None],
    actor: str,
) -> None:
    """Write into the restored copy the audit entries it lacks, marked undone, and the
    ``project.restore`` entry. ``previous`` is the copy of the project as it was (None: there
    was none) and its passphrase."""
    undone: list[tuple[object, ...]] = []
    kept, kept_key = previous
    connection = _connect(restored, passphrase)
    try:
        if kept is not None:
            have = set(connection.execute("SELECT id, at, actor, action FROM audit_events"))
            before = _connect(kept, kept_key)
            try:
                rows = before.execute(
                    f"SELECT id, {_EVENT} FROM audit_events ORDER BY id"
                ).fetchall()
            finally:
                before.close()
            for event_id, at, who, action, entity_type, entity_uuid, payload in rows:
                if (event_id, at, who, action) in have:
                    continue
                details = _payload(payload)
                details.setdefault("undone_by_restore", source.name)
                if not action.startswith("undone."):
                    action = ("undone." + action)[:50]
                undone.append((at, who, action, entity_type, entity_uuid, json.dumps(details)))
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        summary = {
            "backup": source.name,
            "undone": len(undone),
            "before_restore": kept.name if kept is not None else None,
        }
        with connection:
            connection.executemany(
                f"INSERT INTO audit_events ({_EVENT}) VALUES (?, ?, ?, ?, ?, ?)",
                [*undone, (now, actor, "project.restore", "project", None, json.dumps(summary))],
            )
    except _errors(passphrase or kept_key) as exc:
        raise QualcodeError(f"{source}: the restore could not be recorded ({exc})") from exc
    finally:
        connection.close()


def _payload(stored: object) -> dict[str, object]:
    try:
        found = json.loads(str(stored))
    except ValueError:
        return {"payload": str(stored)}
    return found if isinstance(found, dict) else {"payload": found}


def _project_file(project_path: str | Path) -> Path:
    if is_url(project_path):
        raise QualcodeError(
            f"{display_name(project_path)}: backups cover project files only; "
            "back up a database server with its own tools"
        )
    return Path(project_path)


def _slug(reason: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")[:60].strip("-")
    return slug or "manual"


def _needed(path: Path, passphrase: str | None) -> str | None:
    """The passphrase to use for ``path``: None for a plain file, an error if it is missing."""
    if not cipher.is_encrypted(path):
        return None
    if not passphrase:
        raise cipher.EncryptionError(
            f"{path}: encrypted; give its passphrase at the prompt or in {cipher.PASSPHRASE_ENV}"
        )
    return passphrase


def _connect(path: Path, passphrase: str | None, timeout: float = 30) -> sqlite3.Connection:
    if passphrase is None:
        return sqlite3.connect(path, timeout=timeout)
    connection: sqlite3.Connection = cipher.cipher_module().connect(str(path), timeout=timeout)
    cipher.apply_key(connection, passphrase)
    return connection


def _errors(passphrase: str | None) -> tuple[type[Exception], ...]:
    if passphrase is None:
        return (sqlite3.Error,)
    return (sqlite3.Error, cipher.cipher_module().Error)


def _copy(source: Path, target: Path, passphrase: str | None = None) -> None:
    """Copy with the backup API into a new, single-file (rollback journal) database on disk,
    keyed with the same passphrase as the source when it is encrypted."""
    target.unlink(missing_ok=True)
    if passphrase is not None:
        cipher.check_passphrase(source, passphrase)
    create_private(target)  # a backup holds every transcript: its owner's alone (0600)
    try:
        reader = _connect(source, passphrase)
        try:
            writer = _connect(target, passphrase)
            try:
                reader.backup(writer)
                # The copy inherits WAL mode; a backup is better as one self-contained file.
                writer.execute("PRAGMA journal_mode=DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
    except _errors(passphrase) as exc:
        raise QualcodeError(f"{source}: cannot be copied to {target} ({exc})") from exc
    handle = os.open(target, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (not possible, nor needed, on every platform)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _leave_wal(path: Path, passphrase: str | None = None) -> None:
    """Fold the write-ahead log into the file; this needs the project closed everywhere else."""
    try:
        connection = _connect(path, passphrase, timeout=2)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            connection.close()
    except _errors(passphrase) as exc:
        raise ConflictError(f"{path}: in use ({exc}); close it everywhere, then restore") from exc
    if mode != "delete":
        raise ConflictError(f"{path}: open in another program; close it there, then restore")


def _problem(path: Path, passphrase: str | None = None) -> str | None:
    if not path.is_file():
        return "no such file"
    if passphrase is None and not looks_like_sqlite(path):
        return "not an SQLite database"
    try:
        connection = _connect(path, passphrase)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            if rows != [("ok",)]:
                return "integrity check: " + " ".join(str(rows[0][0]).split())
            app = connection.execute("SELECT value FROM settings WHERE key = 'app'").fetchone()
        finally:
            connection.close()
    except _errors(passphrase) as exc:
        return str(exc) if passphrase is None else f"{exc} (or a different passphrase)"
    return None if app == ("qualcode",) else "no qualcode settings"
