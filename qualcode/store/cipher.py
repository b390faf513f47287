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
the point), before the project, so an interrupted run leaves the project as it was and running
it again finishes the work. Encrypting a project that is already encrypted finishes what an
interrupted run of an older qualcode left: plaintext backups and partial copies
(:func:`plaintext_leftovers`). A file in the backup folder that cannot be converted (not a
database, another passphrase) is reported, never a reason to stop half-way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import QualcodeError
from ..files import create_private
from .ioerrors import storage_problem
from .sqlite_files import SIDE_SUFFIXES, backups_beside, remove_side_files

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
    return (
        f"{written} is not encrypted (only the project is): keep it somewhere safe, or "
        "delete it when done"
    )


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
        problem = storage_problem(exc)
        if problem:  # a full or failing disk is not a wrong passphrase
            raise QualcodeError(f"{path}: cannot be opened ({problem})") from exc
        raise wrong_passphrase(path) from exc
    except BaseException:
        connection.close()
        raise
    return connection


def wrong_passphrase(path: str | Path) -> EncryptionError:
    return EncryptionError(f"{path}: wrong passphrase, or not an encrypted qualcode project")


def check_passphrase(path: str | Path, passphrase: str) -> None:
    connect(path, passphrase).close()


@dataclass
class Conversion:
    """What :func:`encrypt_file`, :func:`decrypt_file` or :func:`change_passphrase` did."""

    project: bool = False
    """The project file itself was converted (False: it already was, a run that finished
    what an interrupted one left)."""
    backups: list[Path] = field(default_factory=list)
    """Backups converted."""
    removed: list[Path] = field(default_factory=list)
    """Leftovers of interrupted writes deleted (partial copies and their journals)."""
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    """Files in the backup folder left as they are, with why (not a database, another key)."""

    @property
    def changed(self) -> bool:
        return self.project or bool(self.backups or self.removed)


Progress = Callable[[Path], None]
"""Called with each file once it has been converted (the project comes last)."""

_PARTIAL = (".converting", ".partial", ".restoring")


def encrypt_file(path: str | Path, passphrase: str, progress: Progress | None = None) -> Conversion:
    """Encrypt a plain project file and its backups in place. The backups go first and the
    project last, so a run that is interrupted leaves a plain project, and running it again
    finishes the work; on a project that is already encrypted it finishes what an interrupted
    run left: plaintext backups are encrypted (``passphrase`` must be the project's) and
    leftovers of interrupted writes deleted (see :func:`plaintext_leftovers`)."""
    return _convert_all(Path(path), None, passphrase, progress)


def decrypt_file(path: str | Path, passphrase: str, progress: Progress | None = None) -> Conversion:
    """Decrypt an encrypted project file (and its backups) in place."""
    return _convert_all(Path(path), passphrase, None, progress)


def change_passphrase(
    path: str | Path, old: str, new: str, progress: Progress | None = None
) -> Conversion:
    """Re-key an encrypted project and its backups; a plaintext backup is encrypted with
    ``new`` (never skipped silently), one under another passphrase is reported."""
    return _convert_all(Path(path), old, new, progress)


def plaintext_leftovers(path: str | Path) -> list[Path]:
    """The plaintext files an interrupted or failed encryption of ``path`` left behind: plain
    SQLite files in its backup folder, and partial copies (``.converting``, ``.partial``,
    ``.restoring``) and journals of interrupted writes beside it or in that folder. No
    passphrase is needed to find them."""
    path = Path(path)
    found = _leftovers(path)
    found += [f for f in _backup_files(path) if _is_plain_database(f)]
    return found


def _backup_files(path: Path) -> list[Path]:
    folder = backups_beside(path)
    if not folder.is_dir():
        return []
    return sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and not f.name.startswith(".") and not f.name.endswith(SIDE_SUFFIXES)
    )


def _leftovers(path: Path) -> list[Path]:
    """Partial copies and journals of interrupted writes: beside the project (its own
    ``.converting`` and ``.restoring`` copies) and in its backup folder (hidden partial files,
    and journals whose database is gone)."""
    found: list[Path] = []
    prefix = f".{path.name}"
    if path.parent.is_dir():
        for entry in path.parent.iterdir():
            base = entry.name
            for journal in SIDE_SUFFIXES:
                base = base.removesuffix(journal)
            if base in (f"{prefix}.converting", f"{prefix}.restoring"):
                found.append(entry)
    folder = backups_beside(path)
    if folder.is_dir():
        for entry in folder.iterdir():
            name = entry.name
            base = name
            for journal in SIDE_SUFFIXES:
                base = base.removesuffix(journal)
            hidden = name.startswith(".") and base.endswith(_PARTIAL)
            orphan = base != name and not (folder / base).exists()
            if entry.is_file() and (hidden or orphan):
                found.append(entry)
    return sorted(found)


def _is_plain_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _opens_with(path: Path, passphrase: str) -> bool:
    try:
        check_passphrase(path, passphrase)
    except EncryptionError:
        return False
    return True


def _convert_all(
    path: Path, old: str | None, new: str | None, progress: Progress | None
) -> Conversion:
    if not path.is_file():
        raise QualcodeError(f"{path}: no such project file")
    encrypted = is_encrypted(path)
    resuming = old is None and new is not None and encrypted
    if old is not None and not encrypted:
        raise EncryptionError(f"{path}: not encrypted")
    cipher_module()
    if resuming:
        check_passphrase(path, new)  # type: ignore[arg-type]
    _check_closed(path, new if resuming else old)
    done = Conversion()
    for leftover in _leftovers(path):
        leftover.unlink(missing_ok=True)
        done.removed.append(leftover)
    for file in _backup_files(path):
        source_key, why = _backup_state(file, old, new)
        if why == "done":
            continue
        if why:
            done.skipped.append((file, why))
            continue
        try:
            convert(file, file, source_key, new)
        except QualcodeError as exc:
            done.skipped.append((file, f"cannot be converted ({_reason(exc)}); move or delete it"))
            continue
        done.backups.append(file)
        if progress is not None:
            progress(file)
    if not resuming:
        convert(path, path, old, new)
        done.project = True
        if progress is not None:
            progress(path)
    return done


def _backup_state(file: Path, old: str | None, new: str | None) -> tuple[str | None, str]:
    """(the key to read ``file`` with, "") when it must be converted to ``new``; (None,
    "done") when it already is; (None, why) when it is left as it is."""
    if _is_plain_database(file):
        return (None, "done") if new is None else (None, "")
    if not is_encrypted(file):
        return None, "not a database (nothing qualcode wrote); move or delete it"
    if new is not None and _opens_with(file, new):
        return None, "done"
    if old is not None and _opens_with(file, old):
        return old, ""
    return None, "encrypted with another passphrase; left as it is"


def _reason(error: QualcodeError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


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
        remove_side_files(target)
        os.replace(partial, target)
    except module.Error as exc:
        reason = storage_problem(exc) or str(exc)
        raise QualcodeError(f"{source}: cannot be converted ({reason})") from exc
    finally:
        partial.unlink(missing_ok=True)


def _check_closed(path: Path, passphrase: str | None) -> None:
    """Refuse to convert a project that another program has open (its WAL would be lost)."""
    module = cipher_module()
    connection = connect(path, passphrase) if passphrase else module.connect(str(path), timeout=2)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except module.Error as exc:
        problem = storage_problem(exc)
        if problem:  # folding the write-ahead log into the file failed: not "in use"
            raise QualcodeError(f"{path}: cannot be converted ({problem})") from exc
        raise QualcodeError(f"{path}: in use ({exc}); close it everywhere first") from exc
    finally:
        connection.close()
    if mode != "delete":
        raise QualcodeError(f"{path}: open in another program; close it there first")
