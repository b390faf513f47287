"""The pseudonym key: which original became which label, kept in a file apart from the project.

The key is what re-identifies participants, so it never enters the project or an export. It is
a small SQLite file (``study.qualcode`` -> ``study.qualcode-key`` beside it by default; any path
with ``--key``, e.g. on another drive), encrypted with the project's passphrase when the project
is encrypted. Re-running pseudonymisation reads it so that a name keeps its label.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import QualcodeError
from ..files import create_private
from ..store import cipher
from .pseudonymise import Plan

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pseudonyms (key TEXT PRIMARY KEY, original TEXT NOT NULL, "
    "kind TEXT NOT NULL, replacement TEXT NOT NULL, spellings TEXT NOT NULL DEFAULT '', "
    "added_at TEXT NOT NULL)"
)


def default_key_path(project_path: str | Path) -> Path:
    path = Path(project_path)
    return path.with_name(f"{path.name}-key")


def _connect(path: Path, passphrase: str | None) -> Any:
    if passphrase is not None:
        if path.exists() and not cipher.is_encrypted(path):
            raise QualcodeError(f"{path}: this key file is not encrypted but the project is")
        create_private(path)  # the key re-identifies participants: its owner's alone (0600)
        connection = cipher.cipher_module().connect(str(path))
        cipher.apply_key(connection, passphrase)
        return connection
    if cipher.is_encrypted(path):
        raise QualcodeError(f"{path}: this key file is encrypted but the project is not")
    create_private(path)
    return sqlite3.connect(path)


def load_key(path: str | Path, passphrase: str | None = None) -> dict[str, tuple[str, str, str]]:
    """Case-folded original -> (original, kind, replacement); empty when there is no key yet."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        with closing(_connect(path, passphrase)) as connection:
            rows = connection.execute(
                "SELECT key, original, kind, replacement FROM pseudonyms"
            ).fetchall()
    except (sqlite3.Error, *_cipher_errors(passphrase)) as exc:
        raise QualcodeError(f"{path}: not a readable pseudonym key ({exc})") from exc
    for row in rows:
        if not all(isinstance(value, str) and value for value in row):
            raise QualcodeError(
                f"{path}: not a readable pseudonym key (an entry lacks a name, kind or label)"
            )
    return {k: (o, kind, r) for k, o, kind, r in rows}


def save_key(path: str | Path, plan: Plan, passphrase: str | None = None) -> int:
    """Add the plan's selected entities to the key (existing entries are kept); returns how many
    were new. One transaction: the key is never half-written."""
    path = Path(path)
    now = datetime.now(UTC).isoformat()
    rows = [
        (e.key, e.original, e.kind, e.replacement, "; ".join(sorted(e.spellings)), now)
        for e in plan.entities.values()
        if e.selected
    ]
    try:
        with closing(_connect(path, passphrase)) as connection:
            connection.execute(SCHEMA)
            before = connection.execute("SELECT count(*) FROM pseudonyms").fetchone()[0]
            with connection:
                connection.executemany(
                    "INSERT INTO pseudonyms VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE "
                    "SET replacement = excluded.replacement, spellings = excluded.spellings",
                    rows,
                )
            after = connection.execute("SELECT count(*) FROM pseudonyms").fetchone()[0]
    except (sqlite3.Error, *_cipher_errors(passphrase)) as exc:
        raise QualcodeError(f"{path}: the pseudonym key cannot be written ({exc})") from exc
    return int(after - before)


def _cipher_errors(passphrase: str | None) -> tuple[type[Exception], ...]:
    return (cipher.cipher_module().Error,) if passphrase is not None else ()
