"""Opening a ``.qdpx`` archive without trusting it.

A ``.qdpx`` is a zip of ``project.qde`` and a ``sources/`` folder. Before anything is read, the
central directory is checked: the size and compression-ratio limits the docx and xlsx importers
use (``importers/archive.py``), a cap on the number of members, and no absolute, ``..``, drive
or symlink members. Members are then found by name without regard to case (NVivo for Windows
writes ``Sources/``) and read with a hard cap, so a lying size header cannot fill memory.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import BadInputError
from ..importers.archive import ZIP_ERRORS, check_zip
from ..importers.base import MAX_UNZIPPED_BYTES

MAX_MEMBERS = 20_000
"""More members than this is not a project export (a 100-document project has ~200)."""
MAX_MEMBER_BYTES = 128 * 1024 * 1024
"""No single member we read may unpack to more than this."""


class QdpxArchive:
    """A checked ``.qdpx``; ``read(name)`` returns a member's bytes."""

    def __init__(self, data: bytes, path: str | Path) -> None:
        self.path = path
        if not data:
            raise BadInputError(path, "the file is empty")
        if not data.startswith(b"PK"):
            raise BadInputError(
                path, "not a .qdpx file (not a zip archive)", "export it again from the QDA tool"
            )
        check_zip(data, Path(path), ".qdpx", "a REFI-QDA project export")
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        members = self._zip.infolist()
        if len(members) > MAX_MEMBERS:
            raise BadInputError(path, f"refused: the archive has {len(members):,} members")
        self._by_name: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            problem = _unsafe(member)
            if problem:
                raise BadInputError(path, f"refused: member '{member.filename}' {problem}")
            self._by_name.setdefault(member.filename.lower(), member)

    def names(self) -> list[str]:
        return [m.filename for m in self._zip.infolist() if not m.is_dir()]

    def find(self, name: str) -> str | None:
        """The archive's spelling of ``name`` (case-insensitive), or None."""
        member = self._by_name.get(name.lower())
        return member.filename if member is not None and not member.is_dir() else None

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        member = self._by_name[name.lower()]
        if member.file_size > limit:
            size = f"{member.file_size:,}"
            raise BadInputError(self.path, f"refused: '{member.filename}' unpacks to {size} bytes")
        try:
            with self._zip.open(member) as handle:
                data = handle.read(limit + 1)
        except (*ZIP_ERRORS, zlib.error) as exc:
            raise BadInputError(
                self.path, f"member '{member.filename}' is damaged ({exc})", "export it again"
            ) from None
        if len(data) > limit:
            raise BadInputError(self.path, f"refused: '{member.filename}' unpacks past its size")
        return data


def _unsafe(member: zipfile.ZipInfo) -> str | None:
    name = member.filename
    if "\x00" in name:
        return "has a NUL in its name"
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in posix.parts:
        return "points outside the archive (..)"
    mode = member.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "is a symbolic link"
    if member.file_size > MAX_UNZIPPED_BYTES:
        return "is too large"
    return None
