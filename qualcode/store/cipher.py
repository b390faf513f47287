"""Encryption at rest: project files encrypted with SQLCipher (the optional ``sqlcipher3`` wheel).

An encrypted project is an ordinary qualcode project whose every page, in the file and in its
write-ahead log, is encrypted by SQLCipher (AES-256, a key derived from the passphrase with
PBKDF2-HMAC-SHA512). Without the passphrase the file is indistinguishable from random bytes, so
"is this file encrypted?" is answered by its first 16 bytes not being SQLite's header.

The passphrase is only ever held in memory: it comes from a prompt or ``QUALCODE_PASSPHRASE``
(see :func:`passphrase_from_env`) and reaches SQLCipher as ``PRAGMA key``. SQLCipher's own log is
silenced so a wrong passphrase prints nothing but our one-line error. Temporary tables and
indices stay in memory (``temp_store=MEMORY``) so no plaintext spills into /tmp.

Turning encryption on or off (:func:`encrypt_file`, :func:`decrypt_file`) writes the converted
copy beside the project with ``sqlcipher_export``, checks it, and renames it over the original,
so the project is always either the old file or the new one; the backups in the project's
backup folder are converted with it (a plaintext backup beside an encrypted project would defeat
the point).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import QualcodeError
from ..files import create_private

PASSPHRASE_ENV = "QUALCODE_PASSPHRASE"
SQLITE_MAGIC = b"SQLite format 3\x00"
INSTALL_HINT = "install the encryption extra: pip install 'qualcode[encryption]'"

_silenced = False


class EncryptionError(QualcodeError):
    """Encryption is unavailable, or a passphrase is missing or wrong."""


def cipher_module() -> ModuleType:
    """The SQLCipher DB-API module, or a one-line error saying how to install it."""
    global _silenced
    try:
        import sqlcipher3
    except ImportError as exc:
        raise EncryptionError(f"encrypted projects need SQLCipher; {INSTALL_HINT}") from exc
    if not _silenced:
        # SQLCipher logs decryption failures to stderr; the error we raise says it in one line.
        probe = sqlcipher3.connect(":memory:")
        probe.execute("PRAGMA cipher_log_level = NONE")
        probe.close()
        _silenced = True
    return sqlcipher3


def available() -> bool:
    try:
        cipher_module()
    except EncryptionError:
        return False
    return True


def is_encrypted(path: str | Path) -> bool:
    """True for a file that looks like SQLCipher's: not SQLite's header, a whole number of
    pages long (pages are 512 bytes or a larger power of two), and starting with random bytes
    (its salt), not text. Only the passphrase proves it; this keeps a text file or a document
    given by mistake from being taken for an encrypted project."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(16)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return False
    if len(head) < 16 or head == SQLITE_MAGIC or size % 512:
        return False
    return not all(32 <= b < 127 or b in (9, 10, 13) for b in head)


def plain_export_note(written: str | Path) -> str:
    """What to tell the user, once per export, about a file written from an encrypted project:
    exports (reports, REFI-QDA, codebooks, agreement tables) are ordinary files."""
    return (f"{written} is not encrypted (only the project is): keep it somewhere safe, or "
            "delete it when done")  # fmt: skip


def passphrase_from_env() -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def literal(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def apply_key(connection: Any, passphrase: str) -> None:
    """Key a fresh SQLCipher connection; must be the first statement on it."""
    if not passphrase:
        raise EncryptionError("the passphrase is empty")
    if "\x00" in passphrase:
        raise EncryptionError("the passphrase contains a NUL character")
    connection.execute(f"PRAGMA key = {literal(passphrase)}")
    connection.execute("PRAGMA temp_store = MEMORY")


def connect(path: str | Path, passphrase: str) -> Any:
    """A DB-API connection to an encrypted file, keyed and checked (wrong key: one line)."""
    module = cipher_module()
    connection = module.connect(str(path), timeout=30)
    try:
        apply_key(connection, passphrase)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        connection.close()
        raise wrong_passphrase(path) from exc
    except BaseException:
        connection.close()
        raise
    return connection


def wrong_passphrase(path: str | Path) -> EncryptionError:
    return EncryptionError(f"{path}: wrong passphrase, or not an encrypted qualcode project")


def check_passphrase(path: str | Path, passphrase: str) -> None:
    connect(path, passphrase).close()


def encrypt_file(path: str | Path, passphrase: str) -> list[Path]:
    """Encrypt a plain project file (and its backups) in place; returns the files converted."""
    return _convert_all(Path(path), None, passphrase)


def decrypt_file(path: str | Path, passphrase: str) -> list[Path]:
    """Decrypt an encrypted project file (and its backups) in place."""
    return _convert_all(Path(path), passphrase, None)


def change_passphrase(path: str | Path, old: str, new: str) -> list[Path]:
    return _convert_all(Path(path), old, new)


def _convert_all(path: Path, old: str | None, new: str | None) -> list[Path]:
    from ..backups import backup_folder  # backups imports this module

    if not path.is_file():
        raise QualcodeError(f"{path}: no such project file")
    if old is None and is_encrypted(path):
        raise EncryptionError(f"{path}: already encrypted")
    if old is not None and not is_encrypted(path):
        raise EncryptionError(f"{path}: not encrypted")
    cipher_module()
    _check_closed(path, old)
    files = [path]
    folder = backup_folder(path)
    if folder.is_dir():
        files += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    converted: list[Path] = []
    for file in files:
        if file != path and (old is None) == is_encrypted(file):
            continue  # a backup already in the target state (or made under another key)
        convert(file, file, old, new)
        converted.append(file)
    return converted


def convert(source: Path, target: Path, old: str | None, new: str | None) -> None:
    """Copy ``source`` (keyed with ``old``, None = plain) to ``target`` keyed with ``new``, via a
    partial file beside ``target`` that is checked, synced and renamed into place."""
    module = cipher_module()
    partial = target.with_name(f".{target.name}.converting")
    partial.unlink(missing_ok=True)
    create_private(partial)  # the project's own mode: its owner's alone (0600)
    try:
        connection = connect(source, old) if old else module.connect(str(source), timeout=30)
        try:
            if old is None:
                connection.execute("PRAGMA temp_store = MEMORY")
            key = literal(new) if new else "''"
            connection.execute(f"ATTACH DATABASE ? AS converted KEY {key}", (str(partial),))
            connection.execute("SELECT sqlcipher_export('converted')")
            version = connection.execute("PRAGMA main.user_version").fetchone()[0]
            connection.execute(f"PRAGMA converted.user_version = {int(version)}")
            connection.execute("DETACH DATABASE converted")
        finally:
            connection.close()
        check = connect(partial, new) if new else module.connect(str(partial))
        try:
            rows = check.execute("PRAGMA integrity_check").fetchall()
        finally:
            check.close()
        if rows != [("ok",)]:
            raise QualcodeError(f"{source}: the converted copy failed its integrity check")
        handle = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        for leftover in ("-wal", "-shm", "-journal"):
            Path(f"{target}{leftover}").unlink(missing_ok=True)
        os.replace(partial, target)
    except module.Error as exc:
        raise QualcodeError(f"{source}: cannot be converted ({exc})") from exc
    finally:
        partial.unlink(missing_ok=True)


def _check_closed(path: Path, passphrase: str | None) -> None:
    """Refuse to convert a project that another program has open (its WAL would be lost)."""
    module = cipher_module()
    connection = connect(path, passphrase) if passphrase else module.connect(str(path), timeout=2)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except module.Error as exc:
        raise QualcodeError(f"{path}: in use ({exc}); close it everywhere first") from exc
    finally:
        connection.close()
    if mode != "delete":
        raise QualcodeError(f"{path}: open in another program; close it there first")
