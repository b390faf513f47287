"""Safety checks on zip containers (.docx, .xlsx) before a library unpacks them.

python-docx and openpyxl trust the archive they open; a damaged file gives an obscure traceback
and a zip bomb can fill memory. Reading the central directory first costs microseconds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from qualcode.errors import BadInputError
from qualcode.importers.base import MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO

ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # an unknown zip version, compression method or strong encryption
    RuntimeError,  # an encrypted member
    OSError,
    ValueError,
    EOFError,
)
"""What ``zipfile`` raises on a damaged, foreign or encrypted archive."""

_RATIO_FLOOR = 10 * 1024 * 1024
"""Members smaller than this may be highly compressed (repetitive XML) without being a bomb."""


def check_zip(data: bytes, path: Path, suffix: str, what: str) -> None:
    """Refuse ``data`` unless it is a readable zip of sane size; ``what`` names the document kind
    (``a Word document``) for the message."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except ZIP_ERRORS as exc:
        raise BadInputError(
            path, f"not a valid {suffix}", f"the file is damaged or is not {what}"
        ) from exc
    total = sum(member.file_size for member in members)
    too_dense = any(
        member.file_size > _RATIO_FLOOR
        and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_UNZIPPED_BYTES or too_dense:
        raise BadInputError(
            path,
            f"refused: the archive would unpack to {total / 1_000_000:,.0f} MB (possible zip bomb)",
            f"open it in the program that made it and save it again as {suffix}",
        )
