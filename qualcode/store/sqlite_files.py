"""The files an SQLite project is made of on disk, and where its backups lie.

SQLite keeps a database's recent writes beside it while it is open or after a crash: the
write-ahead log (``-wal``) and its index (``-shm``), or a rollback journal (``-journal``).
Deleting or replacing a database therefore means deleting these too, or a later connection
could replay a stale log into the new file. The backups of ``study.qualcode`` live in the
folder ``study.qualcode.backups/`` beside it.

Nothing here opens a database or imports SQLAlchemy, so every module of the store can use it.
"""

from __future__ import annotations

from pathlib import Path

SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
"""What SQLite appends to a database's name for the files it keeps beside it."""


def remove_side_files(path: str | Path) -> None:
    """Delete the journal, write-ahead log and its index of the database ``path`` (if any)."""
    for suffix in SIDE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def remove_database(path: str | Path) -> None:
    """Delete the database file ``path`` with its journal, log and index (those that exist)."""
    Path(path).unlink(missing_ok=True)
    remove_side_files(path)


def backups_beside(path: Path) -> Path:
    """The folder that holds the backups of the project file ``path``: ``<name>.backups``."""
    return path.with_name(f"{path.name}.backups")
