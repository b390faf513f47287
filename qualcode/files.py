"""Writing a file in one step: a temporary file beside the target, renamed over it; creating a
private file (0600) for a project, backup or key; and reading a small input file with one-line
errors.

Every file qualcode writes for the user (codebooks, reports, REFI-QDA exports) goes through
here, so an interrupted or failed write leaves the old file (or none), never half a file.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import BadInputError, QualcodeError


def read_small(path: Path, limit: int, what: str) -> bytes:
    """At most ``limit + 1`` bytes of ``path`` (so a caller sees "too large" without reading
    a huge file); a missing file, a folder or an unreadable file is a one-line
    ``BadInputError`` (``what`` names the expected kind: "a .qdc codebook")."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise BadInputError(path, "no such file") from None
    except IsADirectoryError:
        raise BadInputError(path, f"is a folder, not {what}") from None
    except OSError as exc:
        raise BadInputError(path, f"cannot read the file ({exc.strerror or exc})") from None


def create_private(path: str | Path) -> bool:
    """Create ``path`` as an empty file only its owner may read and write (0600, or stricter
    when the umask says so), for a project, a backup or a pseudonym key: SQLite then gives its
    journal and write-ahead log the same mode. False when the file already exists; a folder
    that cannot be written is a one-line ``QualcodeError``."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise QualcodeError(f"{path}: cannot create the file ({exc.strerror or exc})") from None
    os.close(handle)
    return True


def replace_atomically(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` with the path of a temporary file beside ``path``, then rename it to
    ``path``. The file keeps the permissions of the file it replaces, or gets the usual ones
    (the umask), like any file the user writes. Errors become one-line ``QualcodeError``s."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise QualcodeError(f"{target}: the folder {folder} does not exist")
    if target.is_dir():
        raise QualcodeError(f"{target}: is a folder; give a file name")
    temporary = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.part{target.suffix}"
    try:
        temporary.open("xb").close()
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
    except OSError as exc:
        raise QualcodeError(f"{target}: cannot write the file ({exc.strerror or exc})") from None
    try:
        write(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise QualcodeError(f"{target}: cannot write the file ({exc.strerror or exc})") from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_atomically(path: str | Path, write: Callable[[BinaryIO], object]) -> Path:
    """:func:`replace_atomically` for a writer that takes an open binary file."""

    def to_file(temporary: Path) -> None:
        with temporary.open("wb") as handle:
            write(handle)

    return replace_atomically(path, to_file)
